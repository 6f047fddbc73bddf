package api

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryPolicy is wksrec's one rule for trying a failed request again, used
// by FetchAll and by the browser's paged lists alike.
type RetryPolicy struct {
	// Base is the first wait; it doubles for each retry, with jitter.
	Base time.Duration
	// ThrottleBase, when shorter, is Base for a request refused for rate
	// (a Retry-After, when longer, still wins). The refusal has halved the
	// listing's window and holds its other requests off as long (see
	// Window), which is what eases the gateway; a per-second budget comes
	// back within the second, and a wait of seconds would leave it unspent.
	ThrottleBase time.Duration
	// MaxRetries bounds the tries after the first.
	MaxRetries int
	// Budget bounds everything spent on one request, from the start of its
	// first try: waits, and every try's connect and read. A server that
	// drips its answer a byte at a time cannot stretch it.
	Budget time.Duration
}

// DefaultRetry is 2 s doubling, with jitter, at most 4 retries, all within
// a minute; 250 ms doubling for a throttled request the gateway sent no
// Retry-After (Huawei's advice of 2-5 s suits a client that keeps sending
// at the same pace; wksrec halves its pace and holds off instead).
var DefaultRetry = RetryPolicy{Base: 2 * time.Second, ThrottleBase: 250 * time.Millisecond, MaxRetries: 4, Budget: time.Minute}

// Next says whether retry number retries (0-based) of a request first sent
// at started should go out after err, and after how long. A retry that
// could not start before the budget ends is not made.
func (p RetryPolicy) Next(err error, retries int, started, now time.Time) (wait time.Duration, ok bool) {
	if err == nil || !Retryable(err) || retries >= p.MaxRetries {
		return 0, false
	}
	base := p.Base
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Throttled() && p.ThrottleBase > 0 && p.ThrottleBase < base {
		base = p.ThrottleBase
	}
	wait = Backoff(err, retries, base)
	if now.Add(wait).Sub(started) >= p.Budget {
		return 0, false
	}
	return wait, true
}

// After is Next with what a refusal for rate means for the rest of the
// listing, the one rule Stream and the browser's paged lists follow: wait
// is also how long the refused page holds every other request of its
// listing off (give it to Window.Answered), and a page given up on still
// holds them off for the gateway's Retry-After.
func (p RetryPolicy) After(err error, retries int, started, now time.Time) (wait time.Duration, again bool) {
	if wait, again = p.Next(err, retries, started, now); again {
		return wait, true
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Throttled() {
		return apiErr.RetryAfter, false
	}
	return 0, false
}

// Deadline is when every try of a request first sent at started must have
// ended.
func (p RetryPolicy) Deadline(started time.Time) time.Time { return started.Add(p.Budget) }

// Retryable reports whether err may pass on a second try: a temporary API
// error, or a transport failure that may pass (a timeout, a dropped or
// refused connection; not the caller's cancelled context). 400, 401, 403
// and 404 are never retried: repeated bad signatures lock the AK. Nor are
// conditions a retry cannot change: a redirect, a certificate the system
// does not trust, an answer that is not HTTP, a header Go refuses to send.
func Retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Temporary()
	}
	// The client returns the caller's own cancelled or expired context as
	// is, so a TransportError (a timeout included) is always the network's.
	var te *TransportError
	return errors.As(err, &te) && !te.Permanent
}

// Backoff is how long to wait before retry number attempt (0-based) of a
// request that failed with err: base doubled each time with up to 50%
// jitter (so clients that were throttled together do not return together),
// or the server's Retry-After when that is longer.
func Backoff(err error, attempt int, base time.Duration) time.Duration {
	d := base << min(attempt, 20)
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > d {
		d = apiErr.RetryAfter
	}
	return d
}

// retry calls try until it succeeds or the policy gives up. Each try waits
// for room in the gate first (the window, a hold-off), and tells the gate
// how it went. Every try runs under the budget's deadline, which starts
// with the first try, not the wait for room before it; when the budget
// (not the caller) ends a try or the wait for room, the error of the try
// before it is the one returned, since it says what actually went wrong.
func retry[R any](ctx context.Context, p RetryPolicy, now func() time.Time, g *gate, page int, try func(context.Context) (R, error)) (res R, err error) {
	var (
		started   time.Time
		budgetCtx = ctx
		lastErr   error
	)
	for attempt := 0; ; attempt++ {
		ticket, waitErr := g.acquire(budgetCtx, page)
		if waitErr != nil {
			if ctx.Err() == nil && lastErr != nil {
				return res, fmt.Errorf("%w; gave up after %d tries in %s", lastErr, attempt, p.Budget)
			}
			return res, waitErr
		}
		if attempt == 0 {
			started = now()
			var cancel context.CancelFunc
			budgetCtx, cancel = context.WithDeadline(ctx, p.Deadline(started))
			defer cancel()
		}
		res, err = try(budgetCtx)
		if err != nil && ctx.Err() == nil && budgetCtx.Err() != nil && lastErr != nil {
			// The budget ran out during this try.
			g.release(ticket, err, 0) // cut short by the budget: says nothing of the gateway
			return res, fmt.Errorf("%w; gave up after %d tries in %s", lastErr, attempt+1, p.Budget)
		}
		wait, again := p.After(err, attempt, started, now())
		g.release(ticket, err, wait)
		if !again {
			return res, err
		}
		lastErr = err
		if err := Sleep(ctx, wait); err != nil {
			return res, err
		}
	}
}

// Sleep waits d, or until ctx is done (its error then): the one wait
// of the retries, --wait, watch mode and the power actions' pace.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
