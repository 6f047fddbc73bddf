package api

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// FetchAllOptions tune Stream and FetchAll.
type FetchAllOptions struct {
	Limit       int // page size
	Concurrency int // requests in flight at most; fewer after throttling
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
	Window     int // requests in flight at most at the end (fewer after throttling)
}

// errRepeating ends a listing whose pages stopped bringing anything new.
var errRepeating = errors.New("the API kept sending rows it had sent already")

// repeatLimit is how many full pages in a row may bring nothing new before
// the listing is judged to be going round in circles.
const repeatLimit = 3

// Stream pages through a listing and hands every item to emit, in page
// order, as pages arrive. Memory is one window of pages (Concurrency) plus
// the set of ids seen, whatever the listing's size or total_count.
//
// total_count is only a hint of how far to ask ahead: a short or empty page
// ends the listing, and a listing that is still growing at its claimed end
// is followed on. Rows beyond the limit a page was asked for are kept (and
// de-duplicated against the next page); rows without an id are all kept;
// a row whose id was handed on already is dropped and counted. Each page is
// retried under opts.Retry; throttling costs a request slot, so the load
// slows down instead of hammering the gateway.
func Stream[T any](ctx context.Context, fetch func(ctx context.Context, offset, limit int) (Page[T], error),
	id func(T) string, opts FetchAllOptions, emit func(T) error) (FetchStats, error) {
	var stats FetchStats
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

	type result struct {
		page      Page[T]
		throttled bool
		err       error
	}
	var (
		pending []chan result // futures of the pages in flight, in page order
		next    int           // the next page to ask for
		total   = -1          // the latest total_count: how far to ask ahead
		window  = max(opts.Concurrency, 1)
		seen    = map[string]struct{}{}
		stale   int // full pages in a row that brought nothing new
		done    bool
		prev    []T // the page before, to spot a repeat of rows without ids
	)
	launch := func(p int) {
		ch := make(chan result, 1)
		pending = append(pending, ch)
		go func() {
			page, throttled, err := retry(ctx, opts.Retry, opts.now, func(ctx context.Context) (Page[T], error) {
				return fetch(ctx, p*opts.Limit, opts.Limit)
			})
			ch <- result{page, throttled, err}
		}()
	}
	for !done {
		// Ask ahead while the claimed total says there is more; when only
		// the page at the frontier is left, ask for it even past the
		// total (the listing may have grown, or total_count may be wrong).
		for len(pending) < window && next < opts.MaxPages && (len(pending) == 0 || int64(next)*int64(opts.Limit) < int64(total)) {
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
		if res.throttled {
			window = max(window-1, 1)
		}
		stats.Pages++
		total = res.page.Total
		items := res.page.Items
		stats.Rows += len(items)
		fresh := 0 // rows handed on that were not sent before
		for _, it := range items {
			if k := id(it); k != "" {
				if _, dup := seen[k]; dup {
					stats.Duplicates++
					continue
				}
				seen[k] = struct{}{}
			}
			fresh++
			stats.Emitted++
			if err := emit(it); err != nil {
				cancel()
				drain(pending)
				return stats, err
			}
		}
		repeat := len(items) > 0 && reflect.DeepEqual(items, prev)
		prev = items
		switch {
		case len(items) < opts.Limit:
			done = true // a short or empty page ends the listing
		case fresh == 0 || repeat:
			if stale++; stale == repeatLimit {
				cancel()
				drain(pending)
				return stats, fmt.Errorf("%w (%d full pages with nothing new); stopped after %d rows", errRepeating, repeatLimit, stats.Emitted)
			}
		default:
			stale = 0
		}
	}
	cancel()
	drain(pending)
	stats.Window = window
	return stats, nil
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
