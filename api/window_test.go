package api

import (
	"testing"
	"time"
)

// The window's rules, step by step, on a clock that moves only when told.
func TestWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	// send sends n requests on top of out already out and returns their
	// tickets.
	send := func(w *Window, out, n int) []Ticket {
		var ts []Ticket
		for i := 1; i <= n; i++ {
			ts = append(ts, w.Send(out+i, t0))
		}
		return ts
	}
	succeed := func(w *Window, ts []Ticket) {
		for _, tk := range ts {
			w.Succeeded(tk)
		}
	}
	for _, tc := range []struct {
		name      string
		max       int
		run       func(w *Window) // on t0
		wantLimit int
		wantWait  time.Duration // at t0
	}{
		{"starts at the default concurrency", 16, func(*Window) {}, 4, 0},
		{"or at a lower maximum", 2, func(*Window) {}, 2, 0},
		{"a maximum below one is one", 0, func(*Window) {}, 1, 0},
		{"slow start: one more for each good answer", 16, func(w *Window) {
			succeed(w, send(w, 0, 4)) // the first went out alone: 4 -> 7
		}, 7, 0},
		{"slow start stops at the maximum", 6, func(w *Window) {
			succeed(w, send(w, 0, 4))
			succeed(w, send(w, 0, 6))
		}, 6, 0},
		{"answers to a window hardly used do not grow it", 16, func(w *Window) {
			for range 20 {
				succeed(w, send(w, 0, 1)) // one request at a time
			}
		}, 4, 0},
		{"a throttled answer halves the window", 16, func(w *Window) {
			succeed(w, send(w, 0, 4)) // 7
			tk := send(w, 0, 7)
			w.Throttled(tk[6], t0, 0)
		}, 3, 0},
		{"halving stops at one", 16, func(w *Window) {
			for range 5 {
				w.Throttled(w.Send(1, t0), t0, 0)
			}
		}, 1, 0},
		{"refusals of requests sent at one window count once", 16, func(w *Window) {
			succeed(w, send(w, 0, 4)) // 7
			tk := send(w, 0, 7)       // the gateway allows 3 of them
			for _, k := range tk[3:] {
				w.Throttled(k, t0, 0) // 7 -> 3, the others were sent at 7
			}
		}, 3, 0},
		{"a refusal of a request sent after the decrease counts again", 16, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0, 0) // 4 -> 2
			w.Throttled(w.Send(2, t0), t0, 0) // 2 -> 1
		}, 1, 0},
		{"good answers to requests sent before a decrease do not grow it", 16, func(w *Window) {
			tk := send(w, 0, 4)
			w.Throttled(tk[0], t0, 0) // 4 -> 2
			succeed(w, tk[1:])
		}, 2, 0},
		{"after a throttling, one more for each window's worth", 16, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0, 0) // 4 -> 2
			succeed(w, send(w, 0, 2))         // 2 -> 3
			succeed(w, send(w, 0, 2))         // 2 of 3
		}, 3, 0},
		{"and so grows back to the maximum", 8, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0, 0) // 4 -> 2
			for range 10 {                    // 2 -> 8 in six rounds, then no further
				n := w.Limit()
				succeed(w, send(w, n, n)) // a window's worth, each sent with the window in use
			}
		}, 8, 0},
		{"answers from the refilled budget right after a hold-off do not grow it", 16, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0.Add(-time.Second), time.Second) // 4 -> 2, held off until t0
			succeed(w, send(w, 2, 2))                                     // sent at t0: within a second after the hold
		}, 2, 0},
		{"later answers do", 16, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0.Add(-2*time.Second), time.Second) // held off until a second ago
			succeed(w, send(w, 2, 2))                                       // 2 -> 3
		}, 3, 0},
		{"Retry-After holds every request off", 16, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0, time.Second)
		}, 2, time.Second},
		{"a later refusal's longer hold wins, even if it does not halve", 16, func(w *Window) {
			tk := send(w, 0, 4)
			w.Throttled(tk[0], t0.Add(-100*time.Millisecond), time.Second)
			w.Throttled(tk[1], t0, time.Second)
		}, 2, time.Second},
		{"a shorter one does not cut a hold short", 16, func(w *Window) {
			tk := send(w, 0, 4)
			w.Throttled(tk[0], t0, time.Second)
			w.Throttled(tk[1], t0, 250*time.Millisecond)
		}, 2, time.Second},
		{"a hold in the past is over", 16, func(w *Window) {
			w.Throttled(w.Send(4, t0), t0.Add(-2*time.Second), time.Second)
		}, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWindow(tc.max)
			tc.run(&w)
			if w.Limit() != tc.wantLimit || w.Wait(t0) != tc.wantWait {
				t.Errorf("limit %d, wait %v; want %d, %v", w.Limit(), w.Wait(t0), tc.wantLimit, tc.wantWait)
			}
		})
	}
}

// What one answer means for the listing's other requests, as Stream and
// the browser's lists both apply it: RetryPolicy.After decides the retry
// and the hold-off, Window.Answered notes the answer.
func TestAnswerHoldsTheOthersOff(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	policy := RetryPolicy{Base: 2 * time.Second, ThrottleBase: 250 * time.Millisecond, MaxRetries: 4, Budget: time.Minute}
	throttled := &APIError{Status: 429, Code: "APIG.0308"}
	for _, tc := range []struct {
		name         string
		err          error
		retries      int
		again        bool
		waitLo       time.Duration // the retry's wait, lo..lo+50%
		throttled    bool
		limit        int           // the window's limit after it (from 4)
		hold         time.Duration // how long nothing may go
		holdUpToWait bool          // the hold-off is the retry's wait
	}{
		{name: "a good answer", limit: 5},
		{name: "a refusal for rate halves the window and holds everything off while the page waits",
			err: throttled, again: true, waitLo: 250 * time.Millisecond, throttled: true, limit: 2, holdUpToWait: true},
		{name: "with a Retry-After", err: &APIError{Status: 429, RetryAfter: 3 * time.Second},
			again: true, waitLo: 3 * time.Second, throttled: true, limit: 2, hold: 3 * time.Second},
		{name: "a page given up on still holds the others off for the Retry-After",
			err: &APIError{Status: 429, RetryAfter: 5 * time.Second}, retries: 4, throttled: true, limit: 2, hold: 5 * time.Second},
		{name: "given up on without a Retry-After: halved, nothing held off", err: throttled, retries: 4, throttled: true, limit: 2},
		{name: "a 503 says nothing of the window", err: &APIError{Status: 503}, again: true, waitLo: 2 * time.Second, limit: 4},
		{name: "a 401 is not retried", err: &APIError{Status: 401}, limit: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWindow(8)
			tickets := []Ticket{w.Send(1, t0), w.Send(2, t0), w.Send(3, t0), w.Send(4, t0)} // the last with the window in use
			wait, again := policy.After(tc.err, tc.retries, t0, t0)
			if again != tc.again || again && (wait < tc.waitLo || wait > tc.waitLo*3/2) {
				t.Errorf("retry %v after %v; want %v after %v", again, wait, tc.again, tc.waitLo)
			}
			if got := w.Answered(tickets[3], tc.err, t0, wait); got != tc.throttled {
				t.Errorf("throttled %v", got)
			}
			hold := w.Wait(t0)
			switch {
			case tc.holdUpToWait:
				if hold != wait || hold == 0 {
					t.Errorf("held off %v; want the page's wait %v", hold, wait)
				}
			case hold != tc.hold:
				t.Errorf("held off %v; want %v", hold, tc.hold)
			}
			if w.Limit() != tc.limit {
				t.Errorf("limit %d; want %d", w.Limit(), tc.limit)
			}
		})
	}
}
