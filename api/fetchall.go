package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wksrec/wksrec/internal/listing"
)

// FetchAllOptions tune Stream and FetchAll.
type FetchAllOptions struct {
	Limit int // page size
	// Concurrency bounds the requests in flight: the Window starts at the
	// default concurrency (or this, when lower), grows to this while
	// answers are good, and halves when the gateway throttles.
	Concurrency int
	// Retry decides retries of each page; DefaultRetry when zero.
	Retry RetryPolicy
	// MaxPages bounds the requests of one listing (default 100,000 pages):
	// a server that never sends a short page cannot keep wksrec paging.
	MaxPages int
	now      func() time.Time
}

// FetchStats says what a Stream saw.
type FetchStats struct {
	Pages      int // pages received
	Rows       int // rows the server sent
	Emitted    int // rows handed on
	Duplicates int // rows dropped because their id was handed on already
	Window     int // requests allowed in flight at the end (the Window's limit)
	Throttled  int // answers refused for rate (429, APIG.0308), retried or not
}

// Stream pages through a listing and hands every item to emit, in page
// order, as pages arrive. Memory is one window of pages (Concurrency) plus
// the index of ids seen, whatever the listing's size or total_count.
//
// The listing's rules are listing.Rules', as the browser's: total_count is
// only a hint of how far to ask ahead, a short or empty page ends the
// listing, and a listing that is still growing at its claimed end is
// followed on; full pages that keep bringing nothing new end it with an
// error wrapping listing.ErrRepeating. Rows beyond the limit a page was
// asked for are kept (and de-duplicated against the next page); rows
// without an id are all kept; a row whose id was handed on already
// (listing.Index) is dropped and counted. Each page is retried under
// opts.Retry. The requests in flight follow a Window: the load runs at the
// pace the gateway allows instead of hammering it, and picks up again once
// the gateway allows more.
func Stream[T any](ctx context.Context, fetch func(ctx context.Context, offset, limit int) (Page[T], error),
	id func(T) string, opts FetchAllOptions, emit func(T) error) (stats FetchStats, err error) {
	if opts.Limit < 1 {
		return stats, errors.New("FetchAll: limit must be at least 1")
	}
	if opts.Retry == (RetryPolicy{}) {
		opts.Retry = DefaultRetry
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = 100_000
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := newGate(opts.Concurrency, opts.now)
	defer func() { stats.Window, stats.Throttled = g.counts() }() // on errors too: --debug tells them

	type result struct {
		page Page[T]
		err  error
	}
	var (
		pending  []chan result              // futures of the pages in flight, in page order
		next     int                        // the next page to ask for
		rules    = listing.New(opts.Limit)  // how long the listing is, where it ends
		total    = -1                       // its length as far as known: how far to ask ahead
		furthest int                        // the end of the furthest rows received
		ahead    = max(opts.Concurrency, 1) // pages in progress at most: the memory held
		seen     = listing.Index{}
		prev     []T // the page before, to spot a repeat of rows without ids
	)
	launch := func(p int) {
		ch := make(chan result, 1)
		pending = append(pending, ch)
		g.queue(p) // now, in page order: the goroutines may start in any order
		go func() {
			page, err := retry(ctx, opts.Retry, opts.now, g, p, func(ctx context.Context) (Page[T], error) {
				return fetch(ctx, p*opts.Limit, opts.Limit)
			})
			ch <- result{page, err}
		}()
	}
	for !rules.Ended() {
		// Ask ahead while the claimed total says there is more; when only
		// the page at the frontier is left, ask for it even past the
		// total (the listing may have grown, or total_count may be wrong).
		// Pages in progress wait in the gate for room in the window.
		for len(pending) < ahead && next < opts.MaxPages && (len(pending) == 0 || int64(next)*int64(opts.Limit) < int64(total)) {
			launch(next)
			next++
		}
		if len(pending) == 0 {
			return stats, fmt.Errorf("the listing did not end after %d pages; stopped", opts.MaxPages)
		}
		var res result
		select {
		case res = <-pending[0]:
		case <-ctx.Done():
			drain(pending) // none outlives the call
			return stats, ctx.Err()
		}
		pending = pending[1:]
		if res.err != nil {
			cancel()
			drain(pending)
			return stats, res.err
		}
		offset, items := stats.Pages*opts.Limit, res.page.Items // pages arrive in order
		stats.Pages++
		total = rules.Length(total, offset, len(items), res.page.Total, func() int { return furthest })
		furthest = max(furthest, offset+len(items))
		received := stats.Rows // each row's place in the reading: rows beyond a page's limit overlap the next page's
		stats.Rows += len(items)
		fresh := 0 // rows handed on that were not sent before
		for i, it := range items {
			if _, dup := seen.Note(id(it), received+i, nil); dup {
				stats.Duplicates++
				continue
			}
			fresh++
			stats.Emitted++
			if err := emit(it); err != nil {
				cancel()
				drain(pending)
				return stats, err
			}
		}
		same := listing.Same(items, prev)
		prev = items
		if _, ended := rules.Repeat(offset, len(items), fresh, same); ended {
			cancel()
			drain(pending)
			return stats, fmt.Errorf("%w (%d full pages with nothing new); stopped after %d rows", listing.ErrRepeating, listing.RepeatLimit, stats.Emitted)
		}
	}
	cancel()
	drain(pending)
	return stats, nil
}

// gate is Stream's Window, shared by the goroutines of its pages: a try
// waits until the window has room and no hold-off is on, and the lowest
// page waiting goes first (so a throttled page's retry goes before the
// pages after it, and pages are handed on in order sooner).
type gate struct {
	now func() time.Time

	mu        sync.Mutex
	win       Window
	inFlight  int
	waiting   []int         // pages in line for room: started, or waiting for a retry's room
	changed   chan struct{} // closed, and replaced, when room may have come
	throttled int
	// interval spaces the tries (zero: none), next is when the next may
	// go, credit how many may go first unspaced: a Budget's pace (see
	// Budget.pace); a Stream's own gate has none.
	interval time.Duration
	next     time.Time
	credit   int // tries that may go unspaced: what the gateway refilled during a hold
}

func newGate(most int, now func() time.Time) *gate {
	return &gate{now: now, win: NewWindow(most), changed: make(chan struct{})}
}

// queue puts page p in line for room in the window.
func (g *gate) queue(p int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !slices.Contains(g.waiting, p) {
		g.waiting = append(g.waiting, p)
	}
}

// acquire waits until page p may send a try, and notes it going out.
func (g *gate) acquire(ctx context.Context, p int) (Ticket, error) {
	g.queue(p)
	g.mu.Lock()
	defer g.mu.Unlock()
	defer func() {
		g.waiting = slices.DeleteFunc(g.waiting, func(q int) bool { return q == p })
		g.wake() // the next page waiting may be the lowest now
	}()
	for {
		now := g.now()
		hold := g.win.Wait(now)
		if g.credit == 0 {
			hold = max(hold, g.next.Sub(now))
		}
		if hold <= 0 && g.inFlight < g.win.Limit() && slices.Min(g.waiting) == p {
			g.inFlight++
			g.credit = max(g.credit-1, 0)
			g.next = now.Add(g.interval)
			return g.win.Send(g.inFlight, now), nil
		}
		changed := g.changed
		g.mu.Unlock()
		var timeout <-chan time.Time
		var t *time.Timer
		if hold > 0 {
			t = time.NewTimer(hold)
			timeout = t.C
		}
		var err error
		select {
		case <-changed:
		case <-timeout:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if t != nil {
			t.Stop()
		}
		g.mu.Lock()
		if err != nil {
			return Ticket{}, err
		}
	}
}

// release notes how a try went: err nil for a good answer; when refused
// for rate, wait is how long the page waits before its retry, and holds
// the other pages off as long.
func (g *gate) release(t Ticket, err error, wait time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
	if g.win.Answered(t, err, g.now(), wait) {
		g.throttled++
	}
	g.wake()
}

// wake tells the pages waiting that room may have come. Callers hold g.mu.
func (g *gate) wake() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// counts is the window's limit and the refusals for rate so far.
func (g *gate) counts() (window, throttled int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.win.Limit(), g.throttled
}

// drain waits for the requests still out, which were cancelled.
func drain[R any](pending []chan R) {
	for _, ch := range pending {
		<-ch
	}
}

// FetchAll is Stream collected into a slice, for listings known to be
// small and for tests.
func FetchAll[T any](ctx context.Context, fetch func(ctx context.Context, offset, limit int) (Page[T], error),
	id func(T) string, opts FetchAllOptions) ([]T, error) {
	var out []T
	_, err := Stream(ctx, fetch, id, opts, func(it T) error { out = append(out, it); return nil })
	return out, err
}
