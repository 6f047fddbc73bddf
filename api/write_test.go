package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/h2hostile"
)

var rebootAction, _ = api.PowerActionNamed("reboot")

func clientFor(t *testing.T, endpoint string, hc *http.Client) *api.Client {
	t.Helper()
	auth, err := api.NewTokenAuth("token")
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.New(api.Config{Endpoint: endpoint, ProjectID: "p", Auth: auth, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var hostileModes = []struct {
	name string
	mode h2hostile.Mode
}{
	{"RST_STREAM PROTOCOL_ERROR", h2hostile.ResetProtocol},
	{"RST_STREAM REFUSED_STREAM", h2hostile.ResetRefused},
	{"GOAWAY after the body", h2hostile.GoAway},
	{"connection dropped after the body", h2hostile.Drop},
}

// The hostile server does make Go's HTTP/2 transport replay a POST whose
// body it can rewind: without that, the test below could not fail.
func TestHostileServerMakesGoReplayAPost(t *testing.T) {
	for _, m := range hostileModes[:3] {
		t.Run(m.name, func(t *testing.T) {
			srv, err := h2hostile.Start("", m.mode, false)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			hc := api.NewHTTPClient(srv.Roots)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/x", bytes.NewReader([]byte(`{"a":1}`)))
				if resp, err := hc.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
			for deadline := time.Now().Add(5 * time.Second); srv.Posts() < 2 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			cancel()
			<-done
			if srv.Posts() < 2 {
				t.Fatalf("%d POSTs: the server does not provoke a replay", srv.Posts())
			}
		})
	}
}

// Each write (an action, creating a task) goes out exactly once over
// HTTP/2 whatever the server does after reading its body, and the error
// says it may have been applied.
func TestWritesAreNeverReplayedOverHTTP2(t *testing.T) {
	writes := []struct {
		name string
		send func(ctx context.Context, c *api.Client) error
	}{
		{"action", func(ctx context.Context, c *api.Client) error {
			_, err := c.DesktopAction(ctx, []string{"d1", "d2"}, rebootAction)
			return err
		}},
		{"create task", func(ctx context.Context, c *api.Client) error {
			_, err := c.CreateTask(ctx, api.NewTask{TaskType: "REBOOT", TaskName: "re-run", ScheduledType: "FIXED_TIME",
				ApplyObjects: []api.ApplyObject{{ObjectID: "d1", ObjectType: "DESKTOP"}}})
			return err
		}},
	}
	for _, w := range writes {
		for _, m := range hostileModes {
			t.Run(w.name+"/"+m.name, func(t *testing.T) {
				srv, err := h2hostile.Start("", m.mode, false)
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				c := clientFor(t, srv.URL, api.NewHTTPClient(srv.Roots))
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				err = w.send(ctx, c)
				var un *api.UnansweredError
				if !errors.As(err, &un) || !api.MayHaveBeenApplied(err) || api.ActionRetryable(err) {
					t.Errorf("error %v (%T): want an UnansweredError that may have been applied", err, err)
				}
				if strings.Contains(err.Error(), "GetBody") {
					t.Errorf("the transport's advice to programmers reached the message: %v", err)
				}
				if srv.Posts() != 1 {
					t.Errorf("%d POSTs arrived, want exactly 1", srv.Posts())
				}
			})
		}
	}
}

// Over HTTP/1.1 too: a server that reads the body on a reused connection
// and hangs up gets the POST once.
func TestActionIsNeverReplayedOverHTTP1(t *testing.T) {
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"j","status":"SUCCESS"}`)
			return
		}
		io.ReadAll(r.Body)
		posts.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	c := clientFor(t, srv.URL, api.DefaultHTTPClient())
	ctx := context.Background()
	if _, err := c.GetJob(ctx, "j"); err != nil { // a connection to reuse
		t.Fatal(err)
	}
	_, err := c.DesktopAction(ctx, []string{"d1"}, rebootAction)
	if !api.MayHaveBeenApplied(err) || api.ActionRetryable(err) || posts.Load() != 1 {
		t.Errorf("%d POSTs, error %v", posts.Load(), err)
	}
}

// Only an HTTP 429 is throttling for an action; any 5xx may have been
// applied, whatever its error_code; a 4xx was not; a request that never
// went out was not.
func TestWhatAnActionFailureMeans(t *testing.T) {
	for _, tc := range []struct {
		status         int
		code           string
		retry, applied bool
	}{
		{429, "APIG.0308", true, false},
		{500, "WKS.0308", false, true},
		{504, "APIGW.0308", false, true},
		{503, "", false, true},
		{400, "APIG.0308", false, false},
		{403, "WKS.00000403", false, false},
	} {
		var posts atomic.Int64
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body)
			posts.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			io.WriteString(w, `{"error_code":"`+tc.code+`","error_msg":"x"}`)
		}))
		srv.EnableHTTP2 = true
		srv.StartTLS()
		c := clientFor(t, srv.URL, srv.Client())
		_, err := c.DesktopAction(context.Background(), []string{"d1"}, rebootAction)
		srv.Close()
		if api.ActionRetryable(err) != tc.retry || api.MayHaveBeenApplied(err) != tc.applied || posts.Load() != 1 {
			t.Errorf("%d %s: retryable %v, may have been applied %v, %d POSTs; want %v, %v, 1",
				tc.status, tc.code, api.ActionRetryable(err), api.MayHaveBeenApplied(err), posts.Load(), tc.retry, tc.applied)
		}
	}
	// Nothing listening: the request never went out.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := clientFor(t, "http://"+addr, api.DefaultHTTPClient())
	_, err = c.DesktopAction(context.Background(), []string{"d1"}, rebootAction)
	if err == nil || api.MayHaveBeenApplied(err) {
		t.Errorf("connection refused: %v, may have been applied %v", err, api.MayHaveBeenApplied(err))
	}
	// A 2xx that cannot be read may have been applied.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"job_id":`)
	}))
	defer srv.Close()
	_, err = clientFor(t, srv.URL, api.DefaultHTTPClient()).DesktopAction(context.Background(), []string{"d1"}, rebootAction)
	if err == nil || !api.MayHaveBeenApplied(err) {
		t.Errorf("a garbled 2xx: %v", err)
	}
}

// A 200 without the new task's id may have made a task: it is never taken
// for "not created".
func TestCreateTaskWithoutAnID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c := clientFor(t, srv.URL, api.DefaultHTTPClient())
	if _, err := c.CreateTask(context.Background(), api.NewTask{TaskType: "REBOOT", TaskName: "x"}); !api.MayHaveBeenApplied(err) {
		t.Fatalf("error %v: want may have been applied", err)
	}
}
