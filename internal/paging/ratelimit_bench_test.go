package paging_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/paging"
)

// Loading every page of a 60-page run (6,000 records) the way the browser
// does (f, a sort, an export), from a fake gateway that allows 10 requests
// a second with a burst of 10 and answers a page in 30 ms: the limit
// allows it in (60-10)/10 = 5 s. The target is at most 1.3 times that,
// with at most 15% of the requests refused.
func BenchmarkLoadAllAtRateLimit(b *testing.B) {
	const rate, pages = 10, 60
	for _, concurrency := range []int{4, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", concurrency), func(b *testing.B) {
			var elapsed time.Duration
			var served, refused int
			for i := 0; i < b.N; i++ {
				srv := fake.New(fake.Options{Seed: 5, Latency: 30 * time.Millisecond, BigRecord: pages * 100, RateLimit: rate})
				url, stop, err := fake.Start(srv, "")
				if err != nil {
					b.Fatal(err)
				}
				auth, _ := api.NewTokenAuth("bench-token")
				c, err := api.New(api.Config{Endpoint: url, ProjectID: "proj-1", Auth: auth})
				if err != nil {
					b.Fatal(err)
				}
				task := srv.Data().Tasks[0].ID
				rec := srv.Data().Records[task][0].ID
				fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
					return c.ListRecordDetails(ctx, task, rec, offset, limit)
				}
				l := paging.New(func(d api.Detail) string { return d.ID }, paging.Options{PageSize: 100, Concurrency: concurrency})
				l.Size(30)
				l.SetLoadAll(true)
				start := time.Now()
				drive(l, fetch)
				took := time.Since(start)
				stop()
				if !l.AllLoaded() || l.LoadedRows() != pages*100 {
					b.Fatalf("%d rows loaded, error %v", l.LoadedRows(), l.Err())
				}
				s, r := srv.Calls()
				elapsed, served, refused = elapsed+took, served+s, refused+r
				b.Logf("%.2f s, %d served, %d refused, concurrency %d at the end", took.Seconds(), s, r, l.Concurrency())
			}
			secs := elapsed.Seconds() / float64(b.N)
			ratio := secs / (float64(pages-rate) / float64(rate))
			share := float64(refused) / float64(served+refused)
			b.ReportMetric(0, "ns/op") // the setup's time is in it; s is the load's
			b.ReportMetric(secs, "s")
			b.ReportMetric(ratio, "bound-ratio")
			b.ReportMetric(share*100, "refused-%")
			if ratio > 1.3 || share > 0.15 {
				b.Errorf("%.2f s is %.2f times the bound, %.1f%% refused; the target is at most 1.3 and 15%%", secs, ratio, share*100)
			}
		})
	}
}

// drive does what the browser's paged list does with the engine's
// requests: each is sent in a goroutine of its own with its time limit, a
// delayed one is handed back (Due) when its timer fires, and answers are
// handed to the list one at a time, until nothing is out or waiting.
func drive(l *paging.List[api.Detail], fetch func(context.Context, int, int) (api.Page[api.Detail], error)) {
	type event struct {
		req    paging.Request
		due    bool
		answer paging.Answer[api.Detail]
	}
	events := make(chan event)
	out := 0
	dispatch := func(reqs []paging.Request) {
		for _, r := range reqs {
			out++
			if r.Delay > 0 {
				time.AfterFunc(r.Delay, func() { events <- event{req: r, due: true} })
				continue
			}
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
				defer cancel()
				page, err := fetch(ctx, r.Offset, r.Limit)
				events <- event{req: r, answer: paging.Answer[api.Detail]{Gen: r.Gen, Page: r.Page, Result: page, Err: err}}
			}()
		}
	}
	dispatch(l.Start())
	for out > 0 {
		e := <-events
		out--
		if e.due {
			dispatch(l.Due(e.req.Gen, e.req.Page))
		} else {
			dispatch(l.Handle(e.answer))
		}
	}
}
