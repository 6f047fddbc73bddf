package api_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

const testToken = "tok-SECRET-do-not-print"

// setup starts the fake API on loopback and returns a token client for it and the server.
func setup(t testing.TB, opts fake.Options) (*api.Client, *fake.Server) {
	t.Helper()
	auth, err := api.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	return setupWith(t, opts, auth)
}

// setupWith is setup with the given credentials.
func setupWith(t testing.TB, opts fake.Options, auth api.Authenticator) (*api.Client, *fake.Server) {
	t.Helper()
	srv := fake.New(opts)
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return newClientWith(t, url, auth), srv
}

func newClient(t *testing.T, url string) *api.Client {
	t.Helper()
	auth, err := api.NewTokenAuth(testToken)
	if err != nil {
		t.Fatal(err)
	}
	return newClientWith(t, url, auth)
}

func newClientWith(t testing.TB, url string, auth api.Authenticator) *api.Client {
	t.Helper()
	c, err := api.New(api.Config{Endpoint: url, ProjectID: "proj-1", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func bigRecord(d *fake.Dataset) (taskID, recordID string) {
	taskID = d.Tasks[0].ID
	return taskID, d.Records[taskID][0].ID
}

func TestListRecordDetailsPages(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 1})
	task, rec := bigRecord(srv.Data())
	want := srv.Data().Details[rec]

	seen := map[string]bool{}
	for offset := 0; offset < len(want); offset += 100 {
		p, err := c.ListRecordDetails(context.Background(), task, rec, offset, 100)
		if err != nil {
			t.Fatalf("offset %d: %v", offset, err)
		}
		if p.Total != fake.BigRecordDetails {
			t.Fatalf("total = %d, want %d", p.Total, fake.BigRecordDetails)
		}
		if wantLen := min(100, len(want)-offset); len(p.Items) != wantLen {
			t.Fatalf("offset %d: %d items, want %d", offset, len(p.Items), wantLen)
		}
		for i, d := range p.Items {
			if d != want[offset+i] {
				t.Fatalf("item %d = %+v, want %+v", offset+i, d, want[offset+i])
			}
			seen[d.ID] = true
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %d distinct ids, want %d", len(seen), len(want))
	}
	reqs := srv.Requests()
	if got := reqs[1]; got.Offset != "100" || got.Limit != "100" || !got.Auth ||
		got.Path != "/v2/proj-1/scheduled-tasks/"+task+"/records/"+rec {
		t.Errorf("second request = %+v", got)
	}
}

func TestListTasksAndRecords(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 1})
	tasks, err := c.ListTasks(context.Background(), "", 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var scheduled, triggers []api.Task
	for _, task := range srv.Data().Tasks {
		if task.ScheduledType == api.ScheduledTypeLifeCycle {
			triggers = append(triggers, task)
		} else {
			scheduled = append(scheduled, task)
		}
	}
	if len(tasks.Items) != len(scheduled) || tasks.Total != len(scheduled) || tasks.Items[0] != scheduled[0] {
		t.Fatalf("tasks = %+v", tasks)
	}
	trig, err := c.ListTasks(context.Background(), api.ScheduledTypeLifeCycle, 0, 50)
	if err != nil || len(triggers) == 0 || len(trig.Items) != len(triggers) || trig.Items[0] != triggers[0] {
		t.Fatalf("trigger tasks = %+v, %v", trig, err)
	}
	if r := srv.Requests(); r[len(r)-1].Path != "/v2/proj-1/scheduled-tasks" {
		t.Errorf("path %s", r[len(r)-1].Path)
	}
	recs, err := c.ListRecords(context.Background(), tasks.Items[0].ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.Data().Records[tasks.Items[0].ID]; recs.Total != len(want) || recs.Items[0] != want[0] {
		t.Fatalf("records = %+v", recs)
	}
}

func TestLimitsCheckedBeforeSending(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 1})
	task, rec := bigRecord(srv.Data())
	for _, tc := range []struct{ offset, limit int }{{0, 0}, {0, 101}, {-1, 10}} {
		if _, err := c.ListRecordDetails(context.Background(), task, rec, tc.offset, tc.limit); err == nil {
			t.Errorf("offset %d limit %d: no error", tc.offset, tc.limit)
		}
	}
	if _, err := c.ListTasks(context.Background(), "", 0, 51); err == nil {
		t.Error("task limit 51: no error")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for out-of-range pages", n)
	}
}

func TestErrorShapes(t *testing.T) {
	tests := []struct {
		name      string
		fault     fake.Fault
		status    int
		code, msg string
		temporary bool
	}{
		{"huawei 400", fake.Fault{Offset: -1, Status: 400, Code: "WKS.00010002", Message: "bad limit"}, 400, "WKS.00010002", "bad limit", false},
		{"expired token", fake.Fault{Offset: -1, Status: 401, Code: "APIG.0301", Message: "token expires"}, 401, "APIG.0301", "token expires", false},
		{"throttled", fake.Fault{Offset: -1, Status: 429, Code: "APIG.0308", Message: "over ratelimit"}, 429, "APIG.0308", "over ratelimit", true},
		{"server error", fake.Fault{Offset: -1, Status: 500, Code: "WKS.00000500", Message: "internal"}, 500, "WKS.00000500", "internal", true},
		{"gateway html", fake.Fault{Offset: -1, Status: 502, RawBody: "<html><body>502 Bad Gateway</body></html>"}, 502, "", "unexpected text/html response (a gateway or proxy page?)", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := setup(t, fake.Options{Seed: 1, Faults: []fake.Fault{tc.fault}})
			task, rec := bigRecord(srv.Data())
			_, err := c.ListRecordDetails(context.Background(), task, rec, 0, 100)
			var apiErr *api.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *api.APIError", err, err)
			}
			if apiErr.Status != tc.status || apiErr.Code != tc.code || apiErr.Message != tc.msg {
				t.Errorf("got %+v", apiErr)
			}
			if !strings.HasPrefix(apiErr.RequestID, "fake-") || !strings.Contains(err.Error(), apiErr.RequestID) {
				t.Errorf("request id %q missing from %q", apiErr.RequestID, err)
			}
			if apiErr.Temporary() != tc.temporary {
				t.Errorf("Temporary() = %v, want %v", apiErr.Temporary(), tc.temporary)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the token: %q", err)
			}
		})
	}
}

func TestErrorBodyFallbacks(t *testing.T) {
	tests := []struct {
		name, body, ctype string
		code, msg         string
	}{
		{"sdk fallback fields", `{"code":"WKS.1","message":"m"}`, "application/json", "WKS.1", "m"},
		{"empty body", ``, "", "", "empty response body"},
		{"garbage json", `{"error_code":`, "application/json", "", "unexpected response body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(400)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(ts.Close)
			_, err := newClient(t, ts.URL).ListRecordDetails(context.Background(), "t", "r", 0, 10)
			var apiErr *api.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Message != tc.msg {
				t.Fatalf("err = %#v", err)
			}
		})
	}
}

func TestMalformedSuccessBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"tasks_records_details":[{"id":"a"`)) // truncated
	}))
	t.Cleanup(ts.Close)
	_, err := newClient(t, ts.URL).ListRecordDetails(context.Background(), "t", "r", 0, 10)
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "malformed JSON") {
		t.Fatalf("err = %v", err)
	}
}

func TestNotFoundFromFake(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 1})
	task, _ := bigRecord(srv.Data())
	_, err := c.ListRecordDetails(context.Background(), task, "no-such-record", 0, 10)
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Code != "WKS.00010405" {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Hint() == "" {
		t.Error("a 404 should carry a hint")
	}
}

func TestContextCancelStopsRequest(t *testing.T) {
	arrived := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done() // never answers
	}))
	t.Cleanup(silent.Close)
	c := newClient(t, silent.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }() // the user goes back while the request is out
	start := time.Now()
	_, err := c.ListRecordDetails(ctx, "task", "rec", 0, 10)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

func TestTransportError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = newClient(t, "http://"+addr).ListRecordDetails(context.Background(), "t", "r", 0, 10)
	var te *api.TransportError
	if !errors.As(err, &te) || te.Host != addr {
		t.Fatalf("err = %v (%T), want *api.TransportError", err, err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the token: %q", err)
	}
}

func TestParseEndpoint(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://workspace.cn-north-4.myhuaweicloud.com", true},
		{"https://workspace.example.internal/", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://workspace.cn-north-4.myhuaweicloud.com", false}, // clear text off loopback
		{"ftp://x", false},
		{"workspace.cn-north-4.myhuaweicloud.com", false},
		{"https://user:pw@host", false},
		{"https://host/?q=1", false},
	} {
		if _, err := api.ParseEndpoint(tc.url); (err == nil) != tc.ok {
			t.Errorf("ParseEndpoint(%q) err = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

func TestTokenAuthNeverPrints(t *testing.T) {
	a, _ := api.NewTokenAuth(testToken)
	for _, s := range []string{a.String(), a.GoString()} {
		if strings.Contains(s, testToken) {
			t.Errorf("%q shows the token", s)
		}
	}
	if _, err := api.NewTokenAuth(""); err == nil {
		t.Error("empty token accepted")
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = leaked || r.Header.Get("X-Auth-Token") != ""
		w.WriteHeader(200)
	}))
	t.Cleanup(other.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	t.Cleanup(redirector.Close)
	_, err := newClient(t, redirector.URL).ListRecordDetails(context.Background(), "t", "r", 0, 10)
	var redirect *api.RedirectError
	if !errors.As(err, &redirect) || !strings.Contains(err.Error(), "redirected") {
		t.Fatalf("err = %v, want a refused redirect", err)
	}
	if api.Retryable(err) {
		t.Error("a redirect is retried; it would only be redirected again")
	}
	if leaked {
		t.Error("the token reached the redirect target")
	}
}

// A server that accepts the connection and never answers must not hang
// the client: the default client bounds connect, TLS, header and overall
// time, and a timed-out request is a transport error the UI can show.
func TestSilentServerTimesOut(t *testing.T) {
	hc := api.DefaultHTTPClient()
	tr := hc.Transport.(*http.Transport)
	if hc.Timeout <= 0 || tr.TLSHandshakeTimeout <= 0 || tr.ResponseHeaderTimeout <= 0 || tr.DialContext == nil {
		t.Fatalf("timeouts not all set: client %v, TLS %v, headers %v", hc.Timeout, tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() { // accept and say nothing
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	hc.Timeout = 300 * time.Millisecond // the same mechanism, shorter
	auth, _ := api.NewTokenAuth(testToken)
	c, err := api.New(api.Config{Endpoint: "http://" + ln.Addr().String(), ProjectID: "p", Auth: auth, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.ListTasks(context.Background(), "", 0, 10)
	var te *api.TransportError
	if !errors.As(err, &te) || !api.Retryable(err) {
		t.Fatalf("err = %v (%T), want a retryable transport error", err, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
}
