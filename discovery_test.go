package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
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
