package api_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

func TestFetchAllWithThrottlingInTheMiddle(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3, Latency: 5 * time.Millisecond, Faults: []fake.Fault{
		{PathContains: "/records/", Offset: 1200, Status: 429, Code: "APIG.0308", Message: "policy user over ratelimit,limit:20,time:1 second", Times: 2},
	}})
	task, rec := bigRecord(srv.Data())
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return c.ListRecordDetails(ctx, task, rec, offset, limit)
	}
	got, err := api.FetchAll(context.Background(), fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: 100, Concurrency: 4, Retry: fastRetry(10 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	want := srv.Data().Details[rec]
	if len(got) != len(want) {
		t.Fatalf("%d details, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Fatalf("detail %d is %s, want %s: each record exactly once, in order", i, got[i].ID, want[i].ID)
		}
	}
	hits := 0
	for _, r := range srv.Requests() {
		if r.Offset == "1200" {
			hits++
		}
	}
	if hits != 3 {
		t.Errorf("offset 1200 requested %d times, want 3 (two throttled, one served)", hits)
	}
}

func TestFetchAllStopsOnShortPageAndDedupes(t *testing.T) {
	// The listing claims 1,000 rows, has 250, and repeats one id across pages.
	items := make([]api.Detail, 250)
	for i := range items {
		items[i].ID = string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	items[100].ID = items[99].ID // the row at a page edge shifted
	var calls atomic.Int32
	fetch := func(_ context.Context, offset, limit int) (api.Page[api.Detail], error) {
		calls.Add(1)
		end := min(offset+limit, len(items))
		if offset >= end {
			return api.Page[api.Detail]{Total: 1000}, nil
		}
		return api.Page[api.Detail]{Items: items[offset:end], Total: 1000}, nil
	}
	got, err := api.FetchAll(context.Background(), fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: 100, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 249 {
		t.Errorf("%d items, want 249 (250 less one duplicate)", len(got))
	}
	// Three pages hold the rows; the short one ends the listing. Only
	// requests already out when it came may follow: at most the window.
	if n := calls.Load(); n > 3+3 {
		t.Errorf("%d calls for 3 pages of rows", n)
	}
}

func TestFetchAllGivesUpOnPermanentErrors(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3, Faults: []fake.Fault{{PathContains: "/records/", Offset: 300, Status: 403, Code: "WKS.0403", Message: "forbidden"}}})
	task, rec := bigRecord(srv.Data())
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return c.ListRecordDetails(ctx, task, rec, offset, limit)
	}
	_, err := api.FetchAll(context.Background(), fetch, func(d api.Detail) string { return d.ID }, api.FetchAllOptions{Limit: 100, Concurrency: 4})
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 403 {
		t.Fatalf("err = %v, want the 403", err)
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Offset == "300" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("a 403 was requested %d times; it must not be retried", n)
	}
}

// A garbled answer, a dropped connection and a Retry-After are all retried;
// FetchAll still returns every record once.
func TestFetchAllRetriesGarbledAndDropped(t *testing.T) {
	var calls atomic.Int32
	items := make([]api.Detail, 250)
	for i := range items {
		items[i].ID = fmt.Sprint(i)
	}
	fetch := func(_ context.Context, offset, limit int) (api.Page[api.Detail], error) {
		n := calls.Add(1)
		switch {
		case offset == 100 && n < 4:
			return api.Page[api.Detail]{}, &api.TransportError{Host: "h", Err: errors.New("connection reset by peer")}
		case offset == 200 && n < 6:
			return api.Page[api.Detail]{}, &api.APIError{Status: 503, RetryAfter: time.Millisecond}
		}
		end := min(offset+limit, len(items))
		return api.Page[api.Detail]{Items: items[offset:end], Total: len(items)}, nil
	}
	got, err := api.FetchAll(context.Background(), fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: 100, Concurrency: 1, Retry: fastRetry(time.Millisecond)})
	if err != nil || len(got) != 250 {
		t.Fatalf("%d items, %v", len(got), err)
	}
}

// The fake's faults for what a gateway does under load: a truncated JSON
// body, an HTML error page, a throttle with Retry-After. All are retried.
func TestFetchAllThroughGatewayFaults(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3, Faults: []fake.Fault{
		{PathContains: "/records/", Offset: 100, Status: 200, RawBody: `{"tasks_records_details":[{"id":"x"`, ContentType: "application/json", Times: 1},
		{PathContains: "/records/", Offset: 200, Status: 502, RawBody: "<html><h1>502 Bad Gateway</h1></html>", Times: 1},
		{PathContains: "/records/", Offset: 300, Status: 429, Code: "APIG.0308", Message: "over ratelimit", RetryAfter: "0", Times: 1},
	}})
	task, rec := bigRecord(srv.Data())
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return c.ListRecordDetails(ctx, task, rec, offset, limit)
	}
	got, err := api.FetchAll(context.Background(), fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: 100, Concurrency: 2, Retry: fastRetry(time.Millisecond)})
	if err != nil || len(got) != len(srv.Data().Details[rec]) {
		t.Fatalf("%d details, %v", len(got), err)
	}
	retried := map[string]int{}
	for _, r := range srv.Requests() {
		retried[r.Offset]++
	}
	for _, off := range []string{"100", "200", "300"} {
		if retried[off] != 2 {
			t.Errorf("offset %s requested %d times, want 2", off, retried[off])
		}
	}
}

// fastRetry is DefaultRetry with a short first wait, for tests.
func fastRetry(base time.Duration) api.RetryPolicy {
	p := api.DefaultRetry
	p.Base = base
	return p
}

// Throttled pages are retried, each refusal counted, every row handed on
// once and in order, and never more requests out than the maximum.
func TestThrottledPagesRetriedWithinTheWindow(t *testing.T) {
	const pages = 40
	items := make([]api.Detail, pages*100)
	for i := range items {
		items[i].ID = fmt.Sprint(i)
	}
	var mu sync.Mutex
	var inFlight, most int
	refused := map[int]bool{}
	fetch := func(_ context.Context, offset, limit int) (api.Page[api.Detail], error) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		throttle := (offset == 300 || offset == 500) && !refused[offset]
		refused[offset] = true
		mu.Unlock()
		defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
		if throttle {
			return api.Page[api.Detail]{}, &api.APIError{Status: 429, Code: "APIG.0308"}
		}
		return api.Page[api.Detail]{Items: items[min(offset, len(items)):min(offset+limit, len(items))], Total: len(items)}, nil
	}
	next := 0
	stats, err := api.Stream(context.Background(), fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: 100, Concurrency: 4, Retry: fastRetry(time.Millisecond)},
		func(d api.Detail) error {
			if d.ID != fmt.Sprint(next) {
				return fmt.Errorf("row %s handed on at %d", d.ID, next)
			}
			next++
			return nil
		})
	if err != nil || next != len(items) {
		t.Fatalf("%d rows, %v", next, err)
	}
	if stats.Throttled != 2 || most > 4 || stats.Window < 1 || stats.Window > 4 {
		t.Errorf("%d throttled, %d requests at once, window %d at the end; want 2, at most 4, 1 to 4", stats.Throttled, most, stats.Window)
	}
}
