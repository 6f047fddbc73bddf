package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

const (
	testAK = "AKTEST0000000000"
	testSK = "sk-SECRET-0123456789abcdef"
)

func signedClient(t *testing.T, opts fake.Options, sk, securityToken string) (*api.Client, *fake.Server) {
	t.Helper()
	auth, err := api.NewAKSKAuth(testAK, sk, securityToken, "proj-1")
	if err != nil {
		t.Fatal(err)
	}
	return setupWith(t, opts, auth)
}

func TestSignedRequestsVerifiedByFake(t *testing.T) {
	c, srv := signedClient(t, fake.Options{Seed: 1, Keys: map[string]string{testAK: testSK}}, testSK, "sts-token")
	task, rec := bigRecord(srv.Data())
	if _, err := c.ListRecordDetails(context.Background(), task, rec, 100, 100); err != nil {
		t.Fatalf("a correctly signed request was refused: %v", err)
	}
	if _, err := c.ListTasks(context.Background(), "", 0, 50); err != nil {
		t.Fatalf("a correctly signed request was refused: %v", err)
	}
	r := srv.Requests()[0]
	if r.ProjectHeader != "proj-1" || !r.SecurityToken {
		t.Errorf("request %+v lacks X-Project-Id or X-Security-Token", r)
	}
}

func TestWrongSignatureRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		sk   string
		now  func() time.Time
		code string
	}{
		{"wrong secret key", "not-the-key", nil, "APIG.0301"},
		{"clock 20 minutes ahead", testSK, func() time.Time { return time.Now().Add(20 * time.Minute) }, "APIGW.0303"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := signedClient(t, fake.Options{Seed: 1, Keys: map[string]string{testAK: testSK}, Now: tc.now}, tc.sk, "")
			task, rec := bigRecord(srv.Data())
			_, err := c.ListRecordDetails(context.Background(), task, rec, 0, 10)
			var apiErr *api.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Code != tc.code {
				t.Fatalf("err = %v, want 401 %s", err, tc.code)
			}
			if apiErr.Temporary() || apiErr.Hint() == "" {
				t.Errorf("a refused signature must not be retryable and must carry a hint: %+v", apiErr)
			}
			if strings.Contains(err.Error(), testSK) || strings.Contains(err.Error(), "not-the-key") {
				t.Errorf("error shows a secret key: %v", err)
			}
		})
	}
}

func TestDiscoverProject(t *testing.T) {
	tests := []struct {
		name     string
		projects []api.Project
		want     string
		wantErr  string
	}{
		{"one", []api.Project{{ID: "p-1", Name: "cn-north-4"}, {ID: "p-x", Name: "cn-east-3"}}, "p-1", ""},
		{"none", []api.Project{{ID: "p-x", Name: "cn-east-3"}}, "", "no project named cn-north-4"},
		{"several", []api.Project{{ID: "p-1", Name: "cn-north-4"}, {ID: "p-2", Name: "cn-north-4"}}, "", "2 projects named cn-north-4 (p-1, p-2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := fake.New(fake.Options{Keys: map[string]string{testAK: testSK}, Projects: tc.projects})
			url, stop, err := fake.Start(srv, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(stop)
			auth, _ := api.NewAKSKAuth(testAK, testSK, "", "")
			got, err := api.DiscoverProject(context.Background(), api.Config{Endpoint: url, Auth: auth}, "cn-north-4")
			if got != tc.want || (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %q, %v; want %q, %q", got, err, tc.want, tc.wantErr)
			}
			if r := srv.Requests()[0]; r.Path != "/v3/projects" || r.ProjectHeader != "" {
				t.Errorf("request %+v: want /v3/projects without X-Project-Id", r)
			}
		})
	}
}
