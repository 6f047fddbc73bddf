package api

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"
)

// Budget is the rate a gateway grants one set of credentials at one
// endpoint, shared by every request a Client sends: the browser's lists,
// the baseline and history read behind them, a desktop's state, an
// action. Before, each reader learnt the gateway's rate on its own (a
// Window each): a baseline read throttled kept the list on screen
// sending, both slow-started into the same limit, and a third of the
// requests of a run opened with c and H were refused. Now one Window
// decides for all of them: a refusal halves it and holds every request
// of the session off, and a good answer grows it, whoever sent it.
//
// Requests in line go in order: the foreground (what the user looks at)
// before the background (a baseline, a history: see Background), each in
// the order it came. The readers keep their own windows and retries;
// the Budget adds what only a shared one can know.
type Budget struct {
	g *gate

	mu  sync.Mutex
	seq int // requests in line so far: each one's place
	// hold is how long a refusal holds every request off when the
	// gateway says nothing (no Retry-After), learnt: a window cannot pace
	// requests whose answers come far faster than the rate (30 ms answers
	// at 5 a second), so what does is the hold, long enough for the
	// gateway's budget to refill. goods are the good answers since the
	// last refusal, until the end of the hold it put on.
	hold  time.Duration
	goods int
	until time.Time
	// since is when the last refusal came (or the first request went):
	// goods over the time since is the rate the gateway let through.
	since time.Time
}

// background is the place offset of a background request: after every
// foreground one, whenever it came.
const background = math.MaxInt / 2

// maxHold bounds the hold a refusal puts on every request: a request
// waiting in line is inside its own time, which a longer hold would use
// up (the refused request's own retry still waits the whole Retry-After).
const maxHold = 5 * time.Second

// NewBudget returns a budget of at most most requests out at once (the
// user's --concurrency), starting as a Window does.
func NewBudget(most int) *Budget { return newBudget(most, time.Now) }

func newBudget(most int, now func() time.Time) *Budget {
	return &Budget{g: newGate(most, now), hold: minHold}
}

// The hold a refusal puts on when the gateway gives no Retry-After: from
// minHold (a per-second budget comes back within the second) doubled
// while fewer than fewGoods good answers come between refusals (the
// hold is shorter than the gateway's refill: most requests after it are
// refused too), halved while more than manyGoods do, never past maxHold.
const (
	minHold   = 250 * time.Millisecond
	fewGoods  = 5
	manyGoods = 20
)

type backgroundKey struct{}

// Background marks ctx's requests as a loader's off screen: they go only
// when no foreground request waits.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

func isBackground(ctx context.Context) bool {
	bg, _ := ctx.Value(backgroundKey{}).(bool)
	return bg
}

// acquire waits for the request's turn: room in the window, no hold-off,
// nothing before it in line. A nil Budget lets every request go.
func (b *Budget) acquire(ctx context.Context) (Ticket, error) {
	if b == nil {
		return Ticket{}, nil
	}
	b.mu.Lock()
	if b.since.IsZero() {
		b.since = b.g.now()
	}
	b.seq++
	place := b.seq
	b.mu.Unlock()
	if isBackground(ctx) {
		place += background
	}
	return b.g.acquire(ctx, place)
}

// release notes how the request went. A refusal for rate holds every
// request off for the gateway's Retry-After or the hold learnt (see
// Budget.hold), whichever is longer, at most maxHold.
func (b *Budget) release(t Ticket, err error) {
	if b == nil {
		return
	}
	var hold time.Duration
	var apiErr *APIError
	b.mu.Lock()
	switch {
	case errors.As(err, &apiErr) && apiErr.Throttled():
		now := b.g.now()
		episode := !now.Before(b.until) // the others were sent before the last hold ended, and say nothing of it
		if episode {
			switch {
			case b.goods < fewGoods && !b.until.IsZero():
				b.hold = min(2*b.hold, maxHold)
			case b.goods > manyGoods:
				b.hold = max(b.hold/2, minHold)
			}
		}
		hold = min(max(apiErr.RetryAfter, b.hold), maxHold)
		if episode {
			b.pace(now, hold)
			b.goods, b.since = 0, now
			b.until = now.Add(hold)
		}
	case err == nil:
		b.goods++
		b.g.speedUp()
	}
	b.mu.Unlock()
	b.g.release(t, err, hold)
}

// pace spaces the requests after a refusal at now at 9/10 of the rate
// the gateway let through since the last one: a window alone cannot
// pace requests whose answers come far faster than the rate (30 ms
// answers at 5 a second), so that after each hold the gateway's refilled
// budget is spent at once and the next request is refused; paced, it
// lasts. What the gateway refills during the hold (at that rate) goes at
// once when the hold ends, less one: paced from the start, it would be
// left unspent. Each good answer then quickens the pace by 1/50
// (speedUp), so a gateway that allows more is found again. Callers hold
// b.mu.
func (b *Budget) pace(now time.Time, hold time.Duration) {
	elapsed := now.Sub(b.since)
	if b.goods == 0 || elapsed <= 0 {
		return // nothing let through: the hold, doubled, does the easing
	}
	interval := elapsed * 10 / time.Duration(9*b.goods)
	b.g.mu.Lock()
	b.g.interval = interval
	b.g.credit = max(int(hold/interval)-1, 0)
	b.g.mu.Unlock()
}

// speedUp quickens a gate's pace after a good answer, by 1/50, and
// drops it once it spaces the tries by less than a millisecond.
func (g *gate) speedUp() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.interval -= g.interval / 50; g.interval < time.Millisecond {
		g.interval = 0
	}
}

// Counts is the window's limit now and the refusals for rate so far.
func (b *Budget) Counts() (window, throttled int) {
	if b == nil {
		return 0, 0
	}
	return b.g.counts()
}
