package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/api/fake"
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
