package api

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// DebugTransport logs one line per HTTP request to Log: time, method,
// path and query, status, duration, request id, and which retry it is.
// It never logs a header value or a body, so no token, key, signature or
// security token can reach the log; the query holds only paging and names.
type DebugTransport struct {
	Base http.RoundTripper
	Log  io.Writer

	mu   sync.Mutex
	seen map[string]int // method + URL -> times requested, to number retries
}

// RoundTrip sends req through Base and logs it.
func (d *DebugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.Base.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)

	key := req.Method + " " + req.URL.String()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string]int{}
	}
	d.seen[key]++
	retry := ""
	if n := d.seen[key]; n > 1 {
		retry = fmt.Sprintf(" retry=%d", n-1)
	}
	auth := "none"
	switch {
	case req.Header.Get("Authorization") != "":
		auth = "aksk"
	case req.Header.Get("X-Auth-Token") != "":
		auth = "token"
	}
	path := req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		path += "?" + req.URL.RawQuery
	}
	if err != nil {
		fmt.Fprintf(d.Log, "%s %s %s%s auth=%s error=%q took=%s%s\n", start.UTC().Format(time.RFC3339Nano), req.Method,
			req.URL.Host, path, auth, err.Error(), elapsed, retry)
		return resp, err
	}
	fmt.Fprintf(d.Log, "%s %s %s%s auth=%s status=%d request_id=%q took=%s%s\n", start.UTC().Format(time.RFC3339Nano), req.Method,
		req.URL.Host, path, auth, resp.StatusCode, resp.Header.Get("X-Request-Id"), elapsed, retry)
	return resp, nil
}
