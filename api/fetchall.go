package api

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// FetchAllOptions tune FetchAll.
type FetchAllOptions struct {
	Limit       int // page size
	Concurrency int // requests in flight at most; fewer after throttling
	// Backoff is the first wait after a throttled or failed page (doubled
	// each retry, 4 retries at most). 2 s by default, as Huawei advises.
	Backoff time.Duration
}

// FetchAll loads every item of a listing: the first page for the total,
// then the rest with a bounded number of concurrent requests. A throttled
// (429, APIG.0308) or 5xx page is retried after a back-off and costs one
// worker, so the load slows down instead of hammering the gateway. Items are
// returned in order, each id once, and the listing ends at a short page
// even when total_count claimed more.
func FetchAll[T any](ctx context.Context, fetch func(ctx context.Context, offset, limit int) (Page[T], error),
	id func(T) string, opts FetchAllOptions) ([]T, error) {
	if opts.Limit < 1 {
		return nil, errors.New("FetchAll: limit must be at least 1")
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 2 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	first, _, err := fetchOnce(ctx, fetch, 0, opts.Limit, opts.Backoff)
	if err != nil {
		return nil, err
	}
	pages := [][]T{first.Items}
	if len(first.Items) == opts.Limit && first.Total > opts.Limit {
		n := (first.Total + opts.Limit - 1) / opts.Limit
		rest, err := fetchPages(ctx, fetch, 1, n, opts)
		if err != nil {
			return nil, err
		}
		pages = append(pages, rest...)
	}
	// total_count may have grown while we paged: go on until a short page,
	// a bounded number of times.
	for extra := 0; len(pages[len(pages)-1]) == opts.Limit && !shortBefore(pages, opts.Limit); extra++ {
		if extra == 1000 {
			return nil, fmt.Errorf("the listing kept growing past %d pages", len(pages))
		}
		p, _, err := fetchOnce(ctx, fetch, len(pages)*opts.Limit, opts.Limit, opts.Backoff)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p.Items)
	}
	seen := map[string]bool{}
	var out []T
	for _, p := range pages {
		for _, it := range p {
			if k := id(it); !seen[k] {
				seen[k] = true
				out = append(out, it)
			}
		}
		if len(p) < opts.Limit {
			break // a short page ends the listing
		}
	}
	return out, nil
}

// shortBefore reports whether a page before the last was short (the
// listing shrank while paging; nothing more to fetch).
func shortBefore[T any](pages [][]T, limit int) bool {
	for _, p := range pages[:len(pages)-1] {
		if len(p) < limit {
			return true
		}
	}
	return false
}

// fetchPages loads pages [from, to) with a shrinking pool of workers.
func fetchPages[T any](ctx context.Context, fetch func(context.Context, int, int) (Page[T], error), from, to int, opts FetchAllOptions) ([][]T, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := max(opts.Concurrency, 1)
	tokens := make(chan struct{}, workers)
	for range workers {
		tokens <- struct{}{}
	}
	var (
		mu      sync.Mutex
		out     = make([][]T, to-from)
		wg      sync.WaitGroup
		retired = 0
	)
	for p := from; p < to; p++ {
		select {
		case <-tokens:
		case <-ctx.Done():
			wg.Wait()
			return nil, context.Cause(ctx)
		}
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			page, throttled, err := fetchOnce(ctx, fetch, p*opts.Limit, opts.Limit, opts.Backoff)
			if err != nil {
				cancel(err)
				tokens <- struct{}{}
				return
			}
			mu.Lock()
			out[p-from] = page.Items
			// A throttled worker retires (keeping one), so later pages go
			// out with less concurrency.
			retire := throttled && retired < workers-1
			if retire {
				retired++
			}
			mu.Unlock()
			if !retire {
				tokens <- struct{}{}
			}
		}(p)
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// fetchOnce fetches a page, retrying temporary failures after a doubling
// back-off (at most 4 retries). throttled says whether any try was refused
// for rate.
func fetchOnce[T any](ctx context.Context, fetch func(context.Context, int, int) (Page[T], error), offset, limit int, backoff time.Duration) (Page[T], bool, error) {
	throttled, first := false, time.Now()
	for attempt := 0; ; attempt++ {
		p, err := fetch(ctx, offset, limit)
		wait := Backoff(err, attempt, backoff)
		// At most 4 retries, and none that would end past a minute of trying.
		if err == nil || !Retryable(err) || attempt == 4 || time.Since(first)+wait > time.Minute {
			return p, throttled, err
		}
		var apiErr *APIError
		throttled = throttled || (errors.As(err, &apiErr) && apiErr.Throttled())
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return p, throttled, ctx.Err()
		}
	}
}
