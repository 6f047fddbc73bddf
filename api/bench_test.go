package api_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// Loading every page of a 6,000-record run from the fake with 40 ms of
// latency per request: the concurrent loader beside a sequential pager, in
// one benchmark, and their ratio.
func BenchmarkLoadAll6000(b *testing.B) {
	c, srv := setup(b, fake.Options{Seed: 5, Latency: 40 * time.Millisecond, BigRecord: 6000})
	task, rec := bigRecord(srv.Data())
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return c.ListRecordDetails(ctx, task, rec, offset, limit)
	}
	id := func(d api.Detail) string { return d.ID }
	var seq, conc time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		n := 0
		for offset := 0; ; offset += 100 { // the sequential pager
			p, err := fetch(context.Background(), offset, 100)
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Items)
			if len(p.Items) < 100 {
				break
			}
		}
		seq += time.Since(start)
		start = time.Now()
		all, err := api.FetchAll(context.Background(), fetch, id, api.FetchAllOptions{Limit: 100, Concurrency: 4})
		if err != nil {
			b.Fatal(err)
		}
		conc += time.Since(start)
		if n != 6000 || len(all) != 6000 {
			b.Fatalf("loaded %d and %d records", n, len(all))
		}
	}
	b.ReportMetric(float64(seq.Milliseconds())/float64(b.N), "sequential-ms")
	b.ReportMetric(float64(conc.Milliseconds())/float64(b.N), "concurrent-ms")
	b.ReportMetric(float64(conc)/float64(seq), "ratio")
}

// Streaming 100,000 rows of large pages (each row carrying a 2 KiB fail
// reason, so a page is about 230 KiB) the way -o does: the live heap at its
// peak, sampled as each row is handed on, beside the same listing
// collected whole. Streaming holds one window of pages plus the ids seen.
func BenchmarkStreamPeakHeap(b *testing.B) {
	const rows, limit = 100_000, 100
	reason := string(make([]byte, 2048))
	fetch := func(_ context.Context, offset, limit int) (api.Page[api.Detail], error) {
		n := max(min(limit, rows-offset), 0)
		items := make([]api.Detail, n)
		for i := range items {
			items[i] = api.Detail{ID: fmt.Sprintf("%012d", offset+i), FailReason: reason + strconv.Itoa(offset+i)}
		}
		return api.Page[api.Detail]{Items: items, Total: rows}, nil
	}
	id := func(d api.Detail) string { return d.ID }
	opts := api.FetchAllOptions{Limit: limit, Concurrency: 4}
	var streamPeak, collectPeak uint64
	for i := 0; i < b.N; i++ {
		base := liveHeap()
		n := 0
		_, err := api.Stream(context.Background(), fetch, id, opts, func(api.Detail) error {
			if n++; n%limit == 0 {
				streamPeak = max(streamPeak, grown(base))
			}
			return nil
		})
		if err != nil || n != rows {
			b.Fatalf("%d rows, %v", n, err)
		}
		base = liveHeap()
		all, err := api.FetchAll(context.Background(), fetch, id, opts)
		if err != nil || len(all) != rows {
			b.Fatalf("%d rows, %v", len(all), err)
		}
		collectPeak = max(collectPeak, grown(base))
		runtime.KeepAlive(all)
	}
	b.ReportMetric(float64(streamPeak)/(1<<20), "stream-peak-MiB")
	b.ReportMetric(float64(collectPeak)/(1<<20), "collected-MiB")
}

// grown is how far the live heap is above base.
func grown(base uint64) uint64 {
	if h := liveHeap(); h > base {
		return h - base
	}
	return 0
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Loading a run of 60 pages (6,000 records) the way -o does, from a fake
// gateway that allows 10 requests a second with a burst of 10 and answers
// a page in 30 ms: the limit allows it in (60-10)/10 = 5 s. The target is
// at most 1.3 times that, with at most 15% of the requests refused.
func BenchmarkStreamAtRateLimit(b *testing.B) {
	const rate, pages = 10, 60
	for _, concurrency := range []int{4, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", concurrency), func(b *testing.B) {
			var r rateRun
			for i := 0; i < b.N; i++ {
				srv := fake.New(fake.Options{Seed: 5, Latency: 30 * time.Millisecond, BigRecord: pages * 100, RateLimit: rate})
				url, stop, err := fake.Start(srv, "")
				if err != nil {
					b.Fatal(err)
				}
				auth, _ := api.NewTokenAuth(testToken)
				// The client's budget allows what --concurrency does, as a session's.
				c, err := api.New(api.Config{Endpoint: url, ProjectID: "proj-1", Auth: auth, Concurrency: concurrency})
				if err != nil {
					b.Fatal(err)
				}
				task, rec := bigRecord(srv.Data())
				fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
					return c.ListRecordDetails(ctx, task, rec, offset, limit)
				}
				n := 0
				start := time.Now()
				stats, err := api.Stream(context.Background(), fetch, func(d api.Detail) string { return d.ID },
					api.FetchAllOptions{Limit: 100, Concurrency: concurrency}, func(api.Detail) error { n++; return nil })
				elapsed := time.Since(start)
				if err != nil || n != pages*100 {
					b.Fatalf("%d rows, %v", n, err)
				}
				stop()
				served, refused := srv.Calls()
				r.add(elapsed, served, refused)
				b.Logf("%.2f s, %d served, %d refused, window %d at the end", elapsed.Seconds(), served, refused, stats.Window)
			}
			r.report(b, rate, pages)
		})
	}
}

// rateRun adds up the loads of a benchmark against a rate limit.
type rateRun struct {
	elapsed         time.Duration
	served, refused int
}

func (r *rateRun) add(elapsed time.Duration, served, refused int) {
	r.elapsed += elapsed
	r.served += served
	r.refused += refused
}

// report gives the mean seconds a load took, its ratio to what the limit
// allows ((pages - burst) / rate seconds, the burst being rate) and the
// share of requests refused, and fails past the targets (1.3 and 15%).
func (r *rateRun) report(b *testing.B, rate, pages int) {
	secs := r.elapsed.Seconds() / float64(b.N)
	ratio := secs / (float64(pages-rate) / float64(rate))
	share := float64(r.refused) / float64(r.served+r.refused)
	b.ReportMetric(0, "ns/op") // the setup's time is in it; s is the load's
	b.ReportMetric(secs, "s")
	b.ReportMetric(ratio, "bound-ratio")
	b.ReportMetric(share*100, "refused-%")
	if ratio > 1.3 || share > 0.15 {
		b.Errorf("%.2f s is %.2f times the bound, %.1f%% refused; the target is at most 1.3 and 15%%", secs, ratio, share*100)
	}
}
