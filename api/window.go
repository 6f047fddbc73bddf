package api

import (
	"errors"
	"time"

	"github.com/wksrec/wksrec/internal/defaults"
)

// Window is how many requests one listing may have out at once, learnt
// from the gateway the way TCP learns a network's capacity (AIMD): it grows
// while answers are good and halves when the gateway throttles, so a load
// runs at about the rate the gateway allows instead of giving up a request
// slot for good at each refusal.
//
//   - It starts at the default concurrency (or the maximum, when that is
//     lower) and, until the first throttling, grows by one for each good
//     answer, about doubling each round trip, up to the maximum, the
//     user's --concurrency ("slow start"): a gateway that may allow less
//     is not hit with the whole maximum at once.
//   - After a throttling it grows by one for each window's worth of good
//     answers (additive increase), up to the maximum again.
//   - A throttled answer halves it, down to one (multiplicative decrease).
//     Requests sent at the same too-large window are refused together:
//     only the first refusal counts, the others were sent before the
//     window was halved and say nothing new about the halved one. Each
//     request carries a Ticket saying when it was sent, as TCP ignores the
//     losses of a window it has already cut. Nor do their good answers
//     grow the halved window.
//   - Only requests sent while the window was at least half in use grow
//     it: a list paged one screen at a time says nothing about whether
//     more requests at once would pass, and must not run the window up to
//     a maximum never tried (Linux's cwnd-limited rule).
//   - A throttled answer holds off every new request, retries included,
//     until its wait is over (the gateway's Retry-After, or the throttled
//     request's own back-off when the gateway sent none). The refusal says
//     the user's budget at the gateway is spent; what is sent before it
//     comes back is refused too and only adds refusals (which may count
//     against the budget themselves). After the hold-off the halved window
//     keeps the load from bursting back at full width.
//   - Requests sent within one such wait after a hold-off do not grow the
//     window: they are answered from the budget the gateway refilled while
//     wksrec held off, which says nothing of the rate it allows. Against a
//     gateway that keeps throttling, the window so settles low (one
//     request out, when one is already faster than the rate), and the
//     refusals stay about one per hold-off; once the throttling stops, it
//     grows again.
//
// It is plain data: no goroutines and no clock of its own. The paging
// engine and Stream tell it what happened and when; it says how many
// requests may be out and when the next may go. Not safe for concurrent
// use: Stream guards it with a mutex.
type Window struct {
	max   int
	limit int // requests allowed out now, 1..max
	// grow is where slow start ends: below it each good answer adds one,
	// from it a window's worth of them. The first throttling sets it.
	grow  int
	acked int // good answers toward the next +1, from grow on
	// epoch counts the decreases; a Ticket carries the epoch its request
	// was sent in, so a refusal of a request sent before the latest
	// decrease does not decrease again.
	epoch int
	hold  time.Time // no request goes before this instant
	// calm is when requests may grow the window again after a hold-off:
	// the answers right after one are the gateway's refilled burst, not a
	// sign that it allows more.
	calm time.Time
}

// Ticket is what the Window noted when a request went out; the request's
// outcome goes back to the Window with it.
type Ticket struct {
	epoch int
	used  bool // it may grow the window: sent with the window at least half in use, not right after a hold-off
}

// NewWindow returns a window that may grow to most requests at once (at
// least 1).
func NewWindow(most int) Window {
	most = max(most, 1)
	return Window{max: most, limit: min(most, defaults.Concurrency), grow: most}
}

// Limit is how many requests may be out now.
func (w *Window) Limit() int { return max(w.limit, 1) }

// Max is what the window may grow to.
func (w *Window) Max() int { return max(w.max, 1) }

// Wait is how long from now before the next request may go: zero, or what
// is left of a throttled answer's hold-off.
func (w *Window) Wait(now time.Time) time.Duration { return max(w.hold.Sub(now), 0) }

// Send notes a request going out at now while inFlight requests, itself
// included, are out.
func (w *Window) Send(inFlight int, now time.Time) Ticket {
	return Ticket{epoch: w.epoch, used: 2*inFlight >= w.Limit() && !now.Before(w.calm)}
}

// Succeeded notes a good answer to the request of t.
func (w *Window) Succeeded(t Ticket) {
	if !t.used || t.epoch != w.epoch || w.limit >= w.max {
		return // the answer says nothing of the window as it is now
	}
	if w.limit < w.grow {
		w.limit++ // slow start: one more for each good answer
		return
	}
	if w.acked++; w.acked >= w.limit {
		w.limit, w.acked = w.limit+1, 0 // one more for each window's worth
	}
}

// Throttled notes that the request of t was refused for rate at now, and
// that it waits wait before it is tried again: nothing is sent before
// then. The window halves, unless the request was sent before the last
// decrease.
func (w *Window) Throttled(t Ticket, now time.Time, wait time.Duration) {
	if until := now.Add(wait); until.After(w.hold) {
		w.hold, w.calm = until, until.Add(wait)
	}
	if t.epoch != w.epoch {
		return // sent at the window already cut for it
	}
	w.epoch++
	w.limit = max(w.Limit()/2, 1)
	w.grow, w.acked = w.limit, 0
}

// Answered notes at now how the request of t was answered, the one place
// where an answer changes the window: a good answer (err nil) may widen
// it; a refusal for rate (429, APIG.0308) halves it and holds every
// request off for hold, as long as the refused page waits (see
// RetryPolicy.After); other errors say nothing of it. It reports whether
// err was a refusal for rate.
func (w *Window) Answered(t Ticket, err error, now time.Time, hold time.Duration) (throttled bool) {
	var apiErr *APIError
	switch {
	case err == nil:
		w.Succeeded(t)
	case errors.As(err, &apiErr) && apiErr.Throttled():
		w.Throttled(t, now, hold)
		return true
	}
	return false
}
