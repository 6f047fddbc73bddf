package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&APIError{Status: 429}, true},
		{&APIError{Status: 400, Code: "APIG.0308"}, true},
		{&APIError{Status: 500}, true},
		{&APIError{Status: 502, Message: "unexpected text/html response (a gateway or proxy page?)"}, true},
		{&APIError{Status: 200, garbled: true}, true},
		{&TransportError{Host: "h", Err: errors.New("connection reset")}, true},
		{fmt.Errorf("page 3: %w", &APIError{Status: 503}), true},
		{&APIError{Status: 400}, false},
		{&APIError{Status: 401, Code: "APIG.0301"}, false},
		{&APIError{Status: 403}, false},
		{&APIError{Status: 404}, false},
		{&TransportError{Host: "h", Err: context.DeadlineExceeded}, true}, // the request's own timeout
		{context.Canceled, false},
		{errors.New("other"), false},
	}
	for _, tc := range tests {
		if got := Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// A throttled request waits the short ThrottleBase, or the Retry-After when
// longer; other failures wait Base; a policy whose Base is shorter than
// ThrottleBase (tests) keeps it for both.
func TestNextThrottled(t *testing.T) {
	started := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		policy RetryPolicy
		err    error
		lo, hi time.Duration
	}{
		{"throttled", DefaultRetry, &APIError{Status: 429, Code: "APIG.0308"}, 250 * time.Millisecond, 375 * time.Millisecond},
		{"throttled, APIG.0308 alone", DefaultRetry, &APIError{Status: 400, Code: "APIG.0308"}, 250 * time.Millisecond, 375 * time.Millisecond},
		{"throttled with Retry-After", DefaultRetry, &APIError{Status: 429, RetryAfter: 3 * time.Second}, 3 * time.Second, 3 * time.Second},
		{"a 503", DefaultRetry, &APIError{Status: 503}, 2 * time.Second, 3 * time.Second},
		{"a dropped connection", DefaultRetry, &TransportError{Host: "h", Err: errors.New("connection reset")}, 2 * time.Second, 3 * time.Second},
		{"a short Base", RetryPolicy{Base: time.Millisecond, ThrottleBase: 250 * time.Millisecond, MaxRetries: 4, Budget: time.Minute},
			&APIError{Status: 429}, time.Millisecond, 1500 * time.Microsecond},
	} {
		for range 20 {
			if wait, ok := tc.policy.Next(tc.err, 0, started, started); !ok || wait < tc.lo || wait > tc.hi {
				t.Fatalf("%s: wait %v (%v), want %v to %v", tc.name, wait, ok, tc.lo, tc.hi)
			}
		}
	}
}

func TestBackoff(t *testing.T) {
	base := 2 * time.Second
	for attempt := 0; attempt < 4; attempt++ {
		lo, hi := base<<attempt, base<<attempt*3/2
		for i := 0; i < 50; i++ {
			if d := Backoff(&APIError{Status: 429}, attempt, base); d < lo || d > hi {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, lo, hi)
			}
		}
	}
	// The server's Retry-After wins when it asks for longer.
	if d := Backoff(&APIError{Status: 429, RetryAfter: 20 * time.Second}, 0, base); d != 20*time.Second {
		t.Errorf("with Retry-After 20s: %v", d)
	}
	// Four retries stay within the minute the issue allows.
	var total time.Duration
	for attempt := 0; attempt < 4; attempt++ {
		total += base << attempt * 3 / 2
	}
	if total > 60*time.Second {
		t.Errorf("worst case %v of waiting", total)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"":     0,
		"3":    3 * time.Second,
		"600":  time.Minute, // capped
		"-1":   0,
		"soon": 0,
		now.Add(5 * time.Second).Format(http.TimeFormat): 5 * time.Second,
	} {
		if got := parseRetryAfter(h, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}
