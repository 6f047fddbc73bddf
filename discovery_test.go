package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
)

const (
	secretSK    = "SK-must-never-print-3f9a"
	secretSTS   = "STS-must-never-print-77c1"
	secretToken = "TOKEN-must-never-print-a0b2"
)

// fakeIAM serves the fake API, verifying signatures for AK "AK1" / secretSK.
func fakeIAM(t *testing.T, projects []api.Project) (string, *fake.Server) {
	t.Helper()
	srv := fake.New(fake.Options{Keys: map[string]string{"AK1": secretSK}, Projects: projects})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url, srv
}

func TestDiscoverProjectThroughIAM(t *testing.T) {
	url, srv := fakeIAM(t, []api.Project{{ID: "proj-north", Name: "cn-north-4"}, {ID: "proj-east", Name: "cn-east-3"}})
	c := config.Config{Region: "cn-north-4", IAMEndpoint: url}
	id, err := discoverProject(c, config.Credentials{AK: "AK1", SK: secretSK, SecurityToken: secretSTS}, api.DefaultHTTPClient())
	if err != nil || id != "proj-north" {
		t.Fatalf("got %q, %v", id, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v3/projects" || !reqs[0].SecurityToken {
		t.Errorf("requests %+v", reqs)
	}
}

func TestDiscoverProjectErrors(t *testing.T) {
	url, srv := fakeIAM(t, []api.Project{{ID: "a", Name: "cn-east-3"}, {ID: "b", Name: "cn-east-3"}, {ID: "../../v3/x\n", Name: "cn-south-1"}})
	aksk := config.Credentials{AK: "AK1", SK: secretSK}
	tests := []struct {
		name    string
		c       config.Config
		creds   config.Credentials
		want    string
		usage   bool // exit 2: the user must change the command line
		apiCode string
	}{
		{"no project of that name", config.Config{Region: "cn-north-4", IAMEndpoint: url}, aksk, "no project named cn-north-4", true, ""},
		{"several projects", config.Config{Region: "cn-east-3", IAMEndpoint: url}, aksk, "2 projects named cn-east-3 (a, b): pass --project-id", true, ""},
		{"no region to look up", config.Config{Endpoint: url}, aksk, "discovery needs --region", true, ""},
		{"a project id that would change the path", config.Config{Region: "cn-south-1", IAMEndpoint: url}, aksk, `IAM names project "../../v3/x\n" for cn-south-1, an id that must not be "." or contain ".."`, true, ""},
		{"a token cannot sign", config.Config{Region: "cn-north-4", IAMEndpoint: url}, config.Credentials{Token: secretToken, Source: "$WKSREC_AUTH_TOKEN"}, "discovery signs with AK/SK", true, ""},
		{"wrong secret key", config.Config{Region: "cn-north-4", IAMEndpoint: url}, config.Credentials{AK: "AK1", SK: "wrong-" + secretSK}, "HTTP 401 APIG.0301", false, "APIG.0301"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srv.Requests())
			_, err := discoverProject(tc.c, tc.creds, api.DefaultHTTPClient())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			var ue config.Error
			if errors.As(err, &ue) != tc.usage {
				t.Errorf("usage error = %v, want %v", errors.As(err, &ue), tc.usage)
			}
			if tc.apiCode != "" {
				var apiErr *api.APIError
				if !errors.As(err, &apiErr) || apiErr.Code != tc.apiCode || apiErr.Hint() == "" {
					t.Errorf("err %v: want API code %s with a hint", err, tc.apiCode)
				}
				if n := len(srv.Requests()) - before; n != 1 {
					t.Errorf("%d requests: a refused signature must not be retried", n)
				}
			}
			if strings.Contains(err.Error(), secretSK) || strings.Contains(err.Error(), secretToken) {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

// Whatever goes wrong before the browser opens, no secret reaches stdout
// or stderr: the program is run end to end with secrets in every source.
func TestNoSecretInOutput(t *testing.T) {
	url, _ := fakeIAM(t, nil)
	home := t.TempDir()
	writeFile(t, home+"/.huaweicloud/credentials", "[basic]\nak=AK1\nsk="+secretSK+"\nsecurity_token="+secretSTS+"\n", 0o644)
	tokenFile := writeFile(t, home+"/token", secretToken, 0o644)
	emptyCA := writeFile(t, home+"/ca.pem", "not a certificate "+secretSK, 0o600)
	scenarios := []struct {
		name string
		args []string
		env  []string
	}{
		{"wrong key at discovery", []string{"--region", "cn-north-4", "--iam-endpoint", url},
			[]string{"HUAWEICLOUD_SDK_AK", "AK1", "HUAWEICLOUD_SDK_SK", "wrong" + secretSK, "HUAWEICLOUD_SDK_SECURITY_TOKEN", secretSTS}},
		{"loose credentials file, unreachable IAM", []string{"--region", "cn-north-4", "--iam-endpoint", "http://127.0.0.1:1"}, []string{"HOME", home}},
		{"token file and bad CA file", []string{"--region", "cn-north-4", "--token-file", tokenFile, "--ca-file", emptyCA}, nil},
		{"only half an AK/SK pair", []string{"--region", "cn-north-4"}, []string{"HUAWEICLOUD_SDK_SK", secretSK}},
		{"token but no project", []string{"--endpoint", url}, []string{"WKSREC_AUTH_TOKEN", secretToken, "HOME", home}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(sc.args, "-o", "json", "--task-id", "t", "--record-id", "r") // past the terminal check
			status := run(args, &stdout, &stderr, env(sc.env...))
			out := stdout.String() + stderr.String()
			if status == 0 || stderr.Len() == 0 || strings.Contains(stderr.String(), "not a terminal") {
				t.Fatalf("status %d, stderr %q: the scenario should fail on its own grounds", status, stderr.String())
			}
			for _, secret := range []string{secretSK, secretSTS, secretToken} {
				if strings.Contains(out, secret) {
					t.Errorf("output shows a secret:\n%s", out)
				}
			}
		})
	}
}

// --debug logs every request, retries numbered, and never a secret.
func TestDebugLogRedacts(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 1, Keys: map[string]string{"AK1": secretSK},
		Projects: []api.Project{{ID: "proj-d", Name: "cn-north-4"}},
		Faults:   []fake.Fault{{PathContains: "/records/", Offset: 100, Status: 503, Code: "APIG.1009", Message: "busy", Times: 1}}})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	task := srv.Data().Tasks[0].ID
	rec := srv.Data().Records[task][0].ID
	logFile := t.TempDir() + "/debug.log"
	var stdout, stderr bytes.Buffer
	status := run([]string{"--region", "cn-north-4", "--endpoint", url, "--iam-endpoint", url, "--task-id", task, "--record-id", rec,
		"-o", "json", "--debug", logFile}, &stdout, &stderr,
		env("HUAWEICLOUD_SDK_AK", "AK1", "HUAWEICLOUD_SDK_SK", secretSK, "HUAWEICLOUD_SDK_SECURITY_TOKEN", secretSTS))
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if want := 1 + (len(srv.Data().Details[rec])+99)/100 + 1 + 1; len(lines) != want { // IAM, each page, one retry, the summary
		t.Errorf("%d log lines, want %d:\n%s", len(lines), want, log)
	}
	for _, want := range []string{"GET 127.0.0.1", "/v3/projects?name=cn-north-4", "status=503", "retry=1", `request_id="fake-`, "auth=aksk", "took=",
		"listing pages=26 rows_sent=2537 rows_kept=2537 duplicates_dropped=0 printed=2537 throttled=0 window=4"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{secretSK, secretSTS, "AK1", "Signature="} {
		if strings.Contains(log, secret) {
			t.Errorf("log shows %q", secret)
		}
	}
}
