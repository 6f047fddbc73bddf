package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// APIError is a non-2xx answer from the API. Code and Message come from the
// Huawei error body ({"error_code","error_msg"}, or {"code","message"} as the
// SDK falls back to); RequestID from the X-Request-Id header, which users quote
// to support.
type APIError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// garbled marks a 2xx whose body was cut or not JSON: worth a retry.
	garbled bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if code := oneLine(e.Code); code != "" {
		b.WriteString(" " + code)
	}
	// The request id comes before the message so that a line cut to the
	// terminal's width still shows what support will ask for.
	if e.RequestID != "" {
		b.WriteString(" (request id " + oneLine(e.RequestID) + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + oneLine(e.Message))
	}
	return b.String()
}

// Hint says what a person can do about the error, or "" when there is
// nothing better than retrying later.
func (e *APIError) Hint() string {
	switch {
	case e.Status == http.StatusUnauthorized || strings.HasSuffix(e.Code, ".0301"):
		return "the token or signature was refused: token expired, wrong key, or clock skew?"
	case strings.HasSuffix(e.Code, ".0303"):
		return "the request date is too far from the gateway's clock: check this machine's clock"
	case e.Status == http.StatusForbidden:
		return "the credentials lack permission for Workspace in this project"
	case e.Status == http.StatusNotFound:
		return "check the project, task and record ids, and the region or endpoint"
	case e.Status == http.StatusTooManyRequests || strings.HasSuffix(e.Code, ".0308"):
		return "throttled by the API: wait a few seconds and retry"
	case e.Status >= 500:
		return "the service failed: retry in a moment"
	}
	return ""
}

// Temporary reports whether retrying the same request may succeed:
// throttling, 5xx and gateway pages, and a cut or garbled answer.
func (e *APIError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 ||
		strings.HasSuffix(e.Code, ".0308") || e.garbled
}

// Throttled reports a rate-limit refusal (429, APIG.0308).
func (e *APIError) Throttled() bool {
	return e.Status == http.StatusTooManyRequests || strings.HasSuffix(e.Code, ".0308")
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && secs >= 0 {
		return min(time.Duration(secs)*time.Second, time.Minute)
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return min(t.Sub(now), time.Minute)
	}
	return 0
}

// decodeError builds an APIError from a non-2xx response whose body has been
// read already (size-capped by the caller).
func decodeError(resp *http.Response, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	var wire struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		Code      string `json:"code"`
		Message   string `json:"message"`
	}
	if json.Unmarshal(body, &wire) == nil {
		e.Code = firstNonEmpty(wire.ErrorCode, wire.Code)
		e.Message = firstNonEmpty(wire.ErrorMsg, wire.Message)
	}
	if e.Code == "" && e.Message == "" {
		// A gateway or proxy page rather than the API: say what came back.
		e.Message = describeBody(resp.Header.Get("Content-Type"), body)
	}
	return e
}

// describeBody summarises a body that is not a Huawei error object.
func describeBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return "empty response body"
	}
	if ct := strings.TrimSpace(strings.Split(contentType, ";")[0]); ct != "" && ct != "application/json" {
		return "unexpected " + ct + " response (a gateway or proxy page?)"
	}
	return "unexpected response body"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// oneLine keeps an error on one line; the UI sanitises it further.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
