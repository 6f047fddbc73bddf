package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The official SDK's test vectors (huaweicloud-sdk-go-v3 core/auth/signer).
func TestSignerOfficialVectors(t *testing.T) {
	tests := []struct {
		name, method, rawURL, body, contentType, want string
	}{
		{"GET", http.MethodGet, "https://example.huaweicloud.com/path?limit=1", "", "",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{"POST", http.MethodPost, "https://example.huaweicloud.com/path?key=value", `{"Name":"test","Id":1}` + "\n", "application/json",
			"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, tc.rawURL, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = http.Header{} // only what the vector has
			req.Header["TEST_UNDERSCORE"] = []string{"TEST_VALUE"}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			a, _ := NewAKSKAuth("AccessKey", "SecretKey", "", "")
			a.now = func() time.Time { return time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC) }
			if err := a.Authenticate(req, []byte(tc.body)); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != tc.want {
				t.Errorf("Authorization\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestCanonicalRequestVector(t *testing.T) {
	h := http.Header{}
	h.Set(HeaderSdkDate, "20060102T150405Z")
	h["TEST_UNDERSCORE"] = []string{"TEST_VALUE"}
	got := CanonicalRequest("GET", "/path", url.Values{"limit": {"1"}}, h, SignedHeaders(h), nil)
	want := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got != want {
		t.Errorf("canonical request\n got %q\nwant %q", got, want)
	}
}

func TestCanonicalQueryVector(t *testing.T) {
	q := url.Values{
		"limit":  {"1"},
		"enable": {"true"},
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"3", "1", "2"},
	}
	want := "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := CanonicalQuery(q); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestCanonicalURI(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "/",
		"/":                       "/",
		"/v2/p/scheduled-tasks":   "/v2/p/scheduled-tasks/",
		"/v2/p/scheduled-tasks/":  "/v2/p/scheduled-tasks/",
		"/v2/a%20b/x%2Fy":         "/v2/a%20b/x%2Fy/",
		"/v2/caf%C3%A9/~_-.":      "/v2/caf%C3%A9/~_-./",
		"/v2/p/tasks/id:with+sep": "/v2/p/tasks/id%3Awith%2Bsep/",
	} {
		if got := CanonicalURI(in); got != want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSignerAddsProjectAndSecurityToken(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://workspace.cn-north-4.myhuaweicloud.com/v2/p/scheduled-tasks?offset=0&limit=50", nil)
	req.Header.Set("User-Agent", "wksrec/test")
	a, _ := NewAKSKAuth("AK123", "SK-secret", "temp-token-secret", "proj-9")
	if err := a.Authenticate(req, nil); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get(HeaderProjectID) != "proj-9" || req.Header.Get(HeaderSecurityToken) != "temp-token-secret" {
		t.Errorf("headers %v", req.Header)
	}
	auth := req.Header.Get("Authorization")
	if !strings.Contains(auth, "SignedHeaders=x-project-id;x-sdk-date;x-security-token,") {
		t.Errorf("Authorization %q does not sign the project id and security token", auth)
	}
	if strings.Contains(auth, "SK-secret") || strings.Contains(a.String(), "AK123") || strings.Contains(a.GoString(), "SK-secret") {
		t.Error("a secret shows in the header or String()")
	}
	if _, err := time.Parse(SdkDateFormat, req.Header.Get(HeaderSdkDate)); err != nil {
		t.Errorf("X-Sdk-Date %q: %v", req.Header.Get(HeaderSdkDate), err)
	}
}
