package ui

import (
	"fmt"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// Loading every page of a 60-page run (6,000 records) the way the browser
// does, through the code that ships: the details screen with f pressed
// (failed only: the API cannot filter, so every row is needed), the
// paging engine's requests turned into commands by paged.go, the commands
// run by a Bubble Tea program (each in its own goroutine, the answers back
// through Update one at a time), over HTTP to a fake gateway that allows
// 10 requests a second with a burst of 10 and answers a page in 30 ms. The
// limit allows the load in (60-10)/10 = 5 s; the target is at most 1.3
// times that, with at most 15% of the requests refused. The browser also
// asks for the state of the desktop under the cursor once it has rested
// there, as it does when shipped: one more request through the same
// gateway. It takes real seconds: the gateway's token bucket runs on the
// clock.
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
				c, err := api.New(api.Config{Endpoint: url, ProjectID: "proj-1", Auth: auth, Concurrency: concurrency})
				if err != nil {
					b.Fatal(err)
				}
				task := srv.Data().Tasks[0].ID
				m := New(Config{Source: c, ProjectID: "proj-1", TaskID: task, RecordID: srv.Data().Records[task][0].ID,
					PageSize: 100, Concurrency: concurrency})
				start := time.Now()
				m, err = loadAll(m, time.Minute)
				took := time.Since(start)
				stop()
				if l := dl(m); err != nil || !l.AllCurrent() || l.LoadedRows() != pages*100 {
					b.Fatalf("%d rows loaded, error %v, list error %v", l.LoadedRows(), err, l.Err())
				}
				s, r := srv.Calls()
				elapsed, served, refused = elapsed+took, served+s, refused+r
				b.Logf("%.2f s, %d served, %d refused, concurrency %d at the end", took.Seconds(), s, r, dl(m).Concurrency())
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

// loadAll runs the browser m as a Bubble Tea program (no terminal: no
// input, the frames drawn to nowhere), sizes it at 120x40, presses f on
// the details screen it opens on, and stops once every row is in (or
// after limit).
func loadAll(m Model, limit time.Duration) (Model, error) {
	p := tea.NewProgram(untilLoaded{m}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	go func() {
		p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
		p.Send(press("f"))
	}()
	t := time.AfterFunc(limit, p.Kill)
	defer t.Stop()
	final, err := p.Run()
	if u, ok := final.(untilLoaded); ok {
		m = u.Model
	}
	return m, err
}

// untilLoaded is the browser, quitting once its details list is loading
// every row and every row of this generation is in.
type untilLoaded struct{ Model }

func (u untilLoaded) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := u.Model.Update(msg)
	u.Model = next.(Model)
	if l := dl(u.Model); l.LoadAll() && l.AllCurrent() {
		return u, tea.Quit
	}
	return u, cmd
}
