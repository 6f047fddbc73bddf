package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
)

// Writes (the power actions' POST) change the cloud, so nothing below
// wksrec's own code may send one again. Go's transports replay a request
// whose body they can rewind: net/http sets Request.GetBody for a
// bytes.Reader, and the HTTP/2 transport uses it after a stream reset
// (RST_STREAM PROTOCOL_ERROR or REFUSED_STREAM), a GOAWAY or a connection
// lost, even once the body was read by the server; HTTP/1 replays a
// request marked idempotent (an Idempotency-Key header). oneShot takes
// both away, and records whether the request went out whole: a failure
// after that may have been applied, one before it was not.

// oneShot is req as a request the transports cannot send again, with
// wrote set once its headers and body are written.
func oneShot(req *http.Request, wrote *atomic.Bool) *http.Request {
	req.GetBody = nil
	req.Header.Del("Idempotency-Key")
	req.Header.Del("X-Idempotency-Key")
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}}
	return req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
}

// UnansweredError is a write that went out whole and got no answer (or an
// answer cut short): the API may have carried it out.
type UnansweredError struct {
	Host   string
	Status int // the answer's status when it began to arrive, else 0
	Err    error
}

func (e *UnansweredError) Error() string {
	what := "no answer"
	if e.Status != 0 {
		what = fmt.Sprintf("an answer (HTTP %d) cut short", e.Status)
	}
	return fmt.Sprintf("%s from %s after the request went out: %v", what, e.Host, transportCause(e.Err))
}

func (e *UnansweredError) Unwrap() error { return e.Err }

// transportCause is err without the HTTP/2 transport's advice to its
// programmer ("cannot retry err [X] after Request.Body was written; define
// Request.GetBody…"): X is what happened, and not retrying is the point.
func transportCause(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "cannot retry err ["); i >= 0 {
		rest := msg[i+len("cannot retry err ["):]
		if j := strings.LastIndex(rest, "] after Request.Body was written"); j >= 0 {
			return rest[:j]
		}
	}
	return msg
}

// MayHaveBeenApplied reports whether a write that failed with err may
// still have been carried out, so that sending it again could apply it
// twice. Only a refusal (HTTP 4xx, throttling included) or a failure
// before the request went out whole says it was not: a 5xx, whatever its
// error_code, a 2xx that could not be read, and a connection reset or a
// timeout after the body went out may all come after the API acted.
func MayHaveBeenApplied(err error) bool {
	if err == nil {
		return true
	}
	var (
		apiErr *APIError
		un     *UnansweredError
		te     *TransportError
		bad    *InvalidIDError
	)
	switch {
	case errors.As(err, &un):
		return true
	case errors.As(err, &apiErr):
		return apiErr.Status/100 != 4
	case errors.As(err, &te), errors.As(err, &bad),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Not sent whole: do reports a failure after the request went out
		// as an UnansweredError, whatever its cause.
		return false
	}
	return true // what wksrec cannot place may have gone out
}
