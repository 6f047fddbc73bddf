// Package fake is an in-process stand-in for the Huawei Cloud Workspace

// scheduled-task API: the three calls wksrec makes, with the real paths,
// parameter rules, response shapes and Huawei-style error bodies, over
// deterministic generated data. It serves --demo, --serve-demo and the tests,
// and can add latency, inject faults and throttle as the gateway does.
package fake

import (
	"strconv"
	"strings"
	"time"
)

// What can go wrong on purpose: injected faults (a status, a delay, a
// gateway page on a path and offset) and the gateway's rate limit.

// Fault makes matching requests fail. A request matches when its path
// contains PathContains (any path if empty) and its offset equals Offset
// (any offset if Offset < 0).
type Fault struct {
	PathContains string
	Offset       int
	Status       int
	Code         string // error_code; empty for a non-JSON body
	Message      string
	RawBody      string // sent as is instead of a JSON error when set
	ContentType  string // of RawBody; text/html when empty (a gateway page)
	RetryAfter   string // a Retry-After header to send
	Times        int    // how many requests fail; 0 means every one
	// Delay holds the answer this long (a slow page); with Status 0 the
	// page is then served as usual.
	Delay time.Duration
}

// DemoFaults are what --demo-faults injects into the demo's showcase run,
// so a newcomer sees throttling, a failing gateway and a slow page, and
// how wksrec retries them: the third page is throttled twice, the eighth
// answers 503 once, the thirteenth takes three seconds.
func DemoFaults() []Fault {
	return []Fault{
		{PathContains: "/records/", Offset: 200, Status: 429, Code: "APIG.0308", Message: "The throttling threshold has been reached: policy user over ratelimit, limit:20, time:1 second", RetryAfter: "1", Times: 2},
		{PathContains: "/records/", Offset: 700, Status: 503, RawBody: "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", Times: 1},
		{PathContains: "/records/", Offset: 1200, Delay: 3 * time.Second, Times: 1},
	}
}

// bucket is the gateway's rate limit: a token bucket that holds at most
// rate tokens and gains rate a second; a call takes one or is refused.
type bucket struct {
	rate            int // 0: no limit
	tokens          float64
	last            time.Time // when tokens was worked out
	served, refused int
}

// take takes a token for a call arriving at now, or says how long until
// one is due, rounded up to whole seconds (a Retry-After's unit: never
// less than a second, so a client that waits for it finds a token).
func (b *bucket) take(now time.Time) (retryAfter time.Duration) {
	if b.rate <= 0 {
		b.served++
		return 0
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(float64(b.rate), b.tokens+elapsed.Seconds()*float64(b.rate))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		b.served++
		return 0
	}
	b.refused++
	due := time.Duration((1 - b.tokens) / float64(b.rate) * float64(time.Second))
	return max(time.Second, (due+time.Second-1)/time.Second*time.Second)
}

// matchFault returns the first fault matching the request and counts the hit. Callers hold s.mu.
func (s *Server) matchFault(path, offset string) *Fault {
	for i := range s.faults {
		f := &s.faults[i]
		if f.PathContains != "" && !strings.Contains(path, f.PathContains) {
			continue
		}
		if f.Offset >= 0 && offset != strconv.Itoa(f.Offset) {
			continue
		}
		if f.Times > 0 && s.hits[i] >= f.Times {
			continue
		}
		s.hits[i]++
		return f
	}
	return nil
}
