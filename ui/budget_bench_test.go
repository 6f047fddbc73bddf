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

// Everything a session reads at once, through one gateway: a run opened
// (its details, every page, since c needs every row), c (the run before,
// read whole) and H (the runs before that, read whole), and the state of
// the desktop under the cursor, as the shipped browser sends them (the
// lists, the reader's streams, the desktop call: one api.Client, so one
// rate budget). The gateway is the fake's token bucket (a burst of rate,
// then rate a second; 30 ms a page). The bound is the requests answered
// less the burst, at the rate; the target is at most 1.3 times it, with
// at most 15% of the requests refused. Before the budget was shared, the
// run, c and H (6 runs) at 10 a second had 35% refused, --history 30 at
// 5 a second 45%. It takes real seconds: the bucket runs on the clock.
func BenchmarkSessionAtRateLimit(b *testing.B) {
	for _, tc := range []struct {
		rate, history int
		keys          []string
	}{
		{10, 6, []string{"c", "H"}},
		{5, 30, []string{"H"}},
	} {
		b.Run(fmt.Sprintf("keys=%s/history=%d/rate=%d", tc.keys, tc.history, tc.rate), func(b *testing.B) {
			var elapsed, bound time.Duration
			var served, refused int
			for i := 0; i < b.N; i++ {
				srv := fake.New(fake.Options{Seed: 5, Latency: 30 * time.Millisecond, RateLimit: tc.rate})
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
				m := New(Config{Source: c, ProjectID: "proj-1", TaskID: task, RecordID: srv.Data().Records[task][0].ID,
					PageSize: 100, History: tc.history})
				start := time.Now()
				m, err = untilRead(m, tc.keys, 5*time.Minute)
				took := time.Since(start)
				stop()
				v := dv(m)
				if err != nil || (v.cmp == nil) == (tc.keys[0] == "c") || !v.hist.Ready() {
					b.Fatalf("not all read: error %v, list error %v", err, v.list.Err())
				}
				s, r := srv.Calls()
				elapsed, served, refused = elapsed+took, served+s, refused+r
				bound += time.Duration(float64(s-tc.rate) / float64(tc.rate) * float64(time.Second))
				b.Logf("%.2f s, %d served, %d refused, %d runs in the history", took.Seconds(), s, r, v.hist.covered())
			}
			secs := elapsed.Seconds() / float64(b.N)
			ratio := elapsed.Seconds() / bound.Seconds()
			share := float64(refused) / float64(served+refused)
			b.ReportMetric(0, "ns/op") // the setup's time is in it; s is the reading's
			b.ReportMetric(secs, "s")
			b.ReportMetric(ratio, "bound-ratio")
			b.ReportMetric(share*100, "refused-%")
			if ratio > 1.3 || share > 0.15 {
				b.Errorf("%.2f s is %.2f times the bound, %.1f%% refused; the target is at most 1.3 and 15%%", secs, ratio, share*100)
			}
		})
	}
}

// untilRead runs the browser m as a Bubble Tea program (no terminal),
// sizes it at 120x40, presses keys on the details screen it opens on,
// and stops once the run's rows (every one, after c), the comparison
// (if c) and the history are all in (or after limit).
func untilRead(m Model, keys []string, limit time.Duration) (Model, error) {
	p := tea.NewProgram(readAll{m}, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	go func() {
		p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
		for _, k := range keys {
			p.Send(press(k))
		}
	}()
	t := time.AfterFunc(limit, p.Kill)
	defer t.Stop()
	final, err := p.Run()
	if r, ok := final.(readAll); ok {
		m = r.Model
	}
	return m, err
}

// readAll is the browser, quitting once its details screen has every row
// of this generation, its comparison and its history ready.
type readAll struct{ Model }

func (r readAll) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := r.Model.Update(msg)
	r.Model = next.(Model)
	v, ok := r.top().(*detailsView)
	if ok && v.hist.Ready() && (v.cmp == nil || v.cmp.Ready()) && (!v.list.LoadAll() || v.list.AllCurrent()) {
		return r, tea.Quit
	}
	return r, cmd
}
