package session

import (
	"bytes"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
)

// The header names the region, or the endpoint's host when it is not the
// region's, and the KooCLI profile whose keys are used.
func TestWhereTheSessionActs(t *testing.T) {
	for _, tc := range []struct {
		c    config.Config
		cred config.Credentials
		want Where
	}{
		{config.Config{Region: "cn-north-4", Endpoint: "https://workspace.cn-north-4.myhuaweicloud.com"}, config.Credentials{Profile: "prod"}, Where{Region: "cn-north-4", Profile: "prod"}},
		{config.Config{Region: "cn-north-4", Endpoint: "https://proxy.corp.example:8443/ws"}, config.Credentials{}, Where{Endpoint: "proxy.corp.example:8443"}},
		{config.Config{Endpoint: "http://127.0.0.1:9000"}, config.Credentials{}, Where{Endpoint: "127.0.0.1:9000"}},
	} {
		if got := whereOf(tc.c, tc.cred); got != tc.want {
			t.Errorf("%+v: %+v, want %+v", tc.c, got, tc.want)
		}
	}
}

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
	id, err := discoverProject(c, config.Credentials{AK: "AK1", SK: secretSK, SecurityToken: secretSTS}, api.DefaultHTTPClient(), "wksrec/test")
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
			_, err := discoverProject(tc.c, tc.creds, api.DefaultHTTPClient(), "wksrec/test")
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

// --ca-file adds a root: a server signed by it is trusted, and without it
// the same server is refused. Verification is never switched off.
func TestCAFile(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	caFile := writeFile(t, filepath.Join(t.TempDir(), "corp-ca.pem"), string(certPEM), 0o644)

	plain, err := HTTPClient("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without --ca-file: err = %v, want a certificate error", err)
	}
	withCA, err := HTTPClient(caFile)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := withCA.Get(srv.URL)
	if err != nil {
		t.Fatalf("with --ca-file: %v", err)
	}
	resp.Body.Close()

	if _, err := HTTPClient(writeFile(t, filepath.Join(t.TempDir(), "empty.pem"), "no certs here", 0o644)); err == nil {
		t.Error("a PEM file without certificates was accepted")
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// A store directory that is a link is not followed: a one-line note, and
// the session goes on without a store.
func TestALinkedStoreIsRefused(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".cache"), 0o700); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if err := os.Symlink(other, filepath.Join(home, ".cache", "wksrec")); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	s, err := Connect(config.Config{Demo: true, PageSize: 100, Concurrency: 4}, Env{Getenv: func(k string) string {
		return map[string]string{"HOME": home}[k]
	}, Warn: &warn})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if s.Store != nil || strings.Count(warn.String(), "\n") != 1 || !strings.Contains(warn.String(), "is a link: not followed") {
		t.Errorf("store %v, warning %q", s.Store != nil, warn.String())
	}
	if entries, _ := os.ReadDir(other); len(entries) != 0 {
		t.Errorf("wrote into the link's target: %v", entries)
	}
}
