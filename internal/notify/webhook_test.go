package notify

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The secrets a webhook URL carries; no error may show any of them.
const (
	pathToken  = "PATHTOKEN123"
	queryToken = "QUERYTOKEN456"
	password   = "PASSWORD789"
)

func secretURL(base string) string {
	return strings.Replace(base, "://", "://bot:"+password+"@", 1) + "/hooks/" + pathToken + "?token=" + queryToken
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{pathToken, queryToken, password, "/hooks/"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error shows %q: %v", s, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is more than one line: %q", err)
	}
}

// recorder stands in for the timer: it records each wait and returns at once.
type recorder struct{ waits []time.Duration }

func (r *recorder) sleep(_ context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return nil
}

// statusServer answers each request with the next status in turn (the last
// one repeats) and counts the requests.
func statusServer(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		code := statuses[min(i, len(statuses)-1)]
		w.WriteHeader(code)
		io.WriteString(w, `{"ok":false,"error":"echo of `+r.URL.String()+`"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestPostDelivers(t *testing.T) {
	type seen struct {
		method, ctype, agent, body, path, query string
	}
	got := make(chan seen, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), string(b), r.URL.Path, r.URL.RawQuery}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	payload := `{"title":"desk-1 failed","n":3}`
	rec := &recorder{}
	w := Webhook{URL: srv.URL + "/hook/abc?x=1", Client: srv.Client(), Sleep: rec.sleep}
	if err := w.Post(context.Background(), []byte(payload)); err != nil {
		t.Fatal(err)
	}
	want := seen{"POST", "application/json", "wksrec", payload, "/hook/abc", "x=1"}
	if s := <-got; s != want {
		t.Errorf("server saw %+v, want %+v", s, want)
	}
	if len(rec.waits) != 0 {
		t.Errorf("waited %v after a success", rec.waits)
	}
}

// Without the test server's client the self-signed certificate is refused,
// and refused at once: trying again cannot make it trusted.
func TestPostKeepsTLSVerification(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	rec := &recorder{}
	err := Webhook{URL: secretURL(srv.URL), Sleep: rec.sleep}.Post(context.Background(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("error %v, want a certificate error", err)
	}
	if hits.Load() != 0 || len(rec.waits) != 0 {
		t.Errorf("%d requests reached the server, %d retries", hits.Load(), len(rec.waits))
	}
	assertNoSecret(t, err)
}

func TestPostRetries(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		wantErr   string // "" for success
		wantHits  int32
		wantWaits []time.Duration
	}{
		{"500 then 200", []int{500, 200}, "", 2, []time.Duration{time.Second}},
		{"429, 503, 204", []int{429, 503, 204}, "", 3, []time.Duration{time.Second, 2 * time.Second}},
		{"500 always", []int{500}, "answered 500 Internal Server Error", 3, []time.Duration{time.Second, 2 * time.Second}},
		{"400 is final", []int{400}, "answered 400 Bad Request", 1, nil},
		{"404 is final", []int{404, 200}, "answered 404 Not Found", 1, nil},
		{"302 is not followed", []int{302}, "redirected (302)", 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := statusServer(t, tc.statuses...)
			rec := &recorder{}
			err := Webhook{URL: secretURL(srv.URL), Client: srv.Client(), Sleep: rec.sleep}.Post(context.Background(), []byte(`{}`))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want it to say %q", err, tc.wantErr)
			}
			if hits.Load() != tc.wantHits {
				t.Errorf("%d attempts, want %d", hits.Load(), tc.wantHits)
			}
			if !slices.Equal(rec.waits, tc.wantWaits) {
				t.Errorf("waited %v, want %v", rec.waits, tc.wantWaits)
			}
			assertNoSecret(t, err)
		})
	}
}

func TestPostErrorNamesWhereAndWhy(t *testing.T) {
	srv, _ := statusServer(t, 500)
	err := Webhook{URL: secretURL(srv.URL), Sleep: (&recorder{}).sleep}.Post(context.Background(), []byte(`{}`))
	// The server echoed the URL; its answer is shown, with the secrets hidden.
	want := "webhook " + srv.URL + "/… answered 500 Internal Server Error: {\"ok\":false,\"error\":\"echo of …\"} (after 3 attempts)"
	if err == nil || err.Error() != want {
		t.Errorf("error\n %v\nwant\n %s", err, want)
	}
}

func TestPostRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere?token="+queryToken, http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	err := Webhook{URL: secretURL(srv.URL), Sleep: (&recorder{}).sleep}.Post(context.Background(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "redirected (307)") {
		t.Errorf("error %v, want a redirect error", err)
	}
	if elsewhere.Load() != 0 {
		t.Error("the redirect was followed")
	}
	assertNoSecret(t, err)
}

func TestPostRetryAfter(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"3", 3 * time.Second},
		{"0", 0},
		{"11", time.Second}, // too long: the usual pause
		{"Wed, 21 Oct 2015 07:28:00 GMT", time.Second},
		{"99999999999999999999", time.Second},
	}
	for _, tc := range tests {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", tc.header)
				w.WriteHeader(http.StatusTooManyRequests)
			}
		}))
		rec := &recorder{}
		err := Webhook{URL: srv.URL, Sleep: rec.sleep}.Post(context.Background(), []byte(`{}`))
		srv.Close()
		if err != nil || !slices.Equal(rec.waits, []time.Duration{tc.want}) {
			t.Errorf("Retry-After %q: waited %v (error %v), want [%v]", tc.header, rec.waits, err, tc.want)
		}
	}
}

func TestPostConnectionRefusedIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	rec := &recorder{}
	err = Webhook{URL: secretURL("http://" + addr), Sleep: rec.sleep}.Post(context.Background(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("error %v", err)
	}
	if !slices.Equal(rec.waits, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("waited %v", rec.waits)
	}
	assertNoSecret(t, err)
}

func TestPostPerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	rec := &recorder{}
	start := time.Now()
	err := Webhook{URL: secretURL(srv.URL), Timeout: 100 * time.Millisecond, Sleep: rec.sleep}.Post(context.Background(), []byte(`{}`))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v for three 100ms attempts", elapsed)
	}
	if err == nil || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Errorf("error %v", err)
	}
	if hits.Load() != 3 {
		t.Errorf("%d attempts, want 3", hits.Load())
	}
	assertNoSecret(t, err)
}

func TestPostStopsWhenCallerGivesUp(t *testing.T) {
	srv, hits := statusServer(t, 503)
	ctx, cancel := context.WithCancel(context.Background())
	sleep := func(ctx context.Context, d time.Duration) error {
		cancel() // the caller quits during the first pause
		return ctx.Err()
	}
	err := Webhook{URL: secretURL(srv.URL), Sleep: sleep}.Post(ctx, []byte(`{}`))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d attempts after the caller gave up, want 1", hits.Load())
	}
	assertNoSecret(t, err)
}

func TestPostRefusesBadURL(t *testing.T) {
	err := Webhook{URL: "http://example.com/hooks/" + pathToken}.Post(context.Background(), nil)
	if err == nil {
		t.Fatal("posted to plain http on another host")
	}
	assertNoSecret(t, err)
}

func TestCheckWebhookURL(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"https://hooks.example.com/x", true},
		{"HTTPS://hooks.example.com/x", true},
		{"https://bot:" + password + "@hooks.example.com/x", true},
		{"http://127.0.0.1:8080/x", true},
		{"http://127.1.2.3/x", true},
		{"http://[::1]/", true},
		{"http://localhost/", true},
		{"http://LocalHost:9000/hook", true},
		{"http://example.com/", false},
		{"http://10.0.0.1/hooks/" + pathToken, false},
		{"http://localhost.example.com/", false},
		{"http://[::ffff:10.0.0.1]/", false},
		{"ftp://hooks.example.com/" + pathToken, false},
		{"file:///etc/passwd", false},
		{"garbage", false},
		{"", false},
		{"https://", false},
		{"https:///path/" + pathToken, false},
		{"https://hooks.example.com:notaport/" + pathToken, false},
		{"https://hooks.example.com/\x00" + pathToken, false},
	}
	for _, tc := range tests {
		err := CheckWebhookURL(tc.raw)
		if (err == nil) != tc.ok {
			t.Errorf("CheckWebhookURL(%q) = %v, want ok=%v", tc.raw, err, tc.ok)
		}
		assertNoSecret(t, err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"https://hooks.slack.com/services/T0/B0/" + pathToken, "https://hooks.slack.com/…"},
		{"https://oapi.dingtalk.com/robot/send?access_token=" + queryToken, "https://oapi.dingtalk.com/…"},
		{"https://hooks.example.com?token=" + queryToken, "https://hooks.example.com/…"},
		{"https://hooks.example.com#" + queryToken, "https://hooks.example.com/…"},
		{"https://bot:" + password + "@hooks.example.com", "https://hooks.example.com/…"},
		{"http://127.0.0.1:8080/x", "http://127.0.0.1:8080/…"},
		{"http://[::1]:9000", "http://[::1]:9000"},
		{"https://hooks.example.com/", "https://hooks.example.com"},
		{"https://hooks.example.com", "https://hooks.example.com"},
		{"garbage/" + pathToken, "(invalid URL)"},
		{"https://x/\x7f" + pathToken, "(invalid URL)"},
		{"", "(invalid URL)"},
	}
	for _, tc := range tests {
		if got := Redact(tc.raw); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}
