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
