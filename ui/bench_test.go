package ui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
)

// manyDetails makes n details cycling through the demo record's rows,
// with ids of their own.
func manyDetails(n int) []api.Detail {
	base := demoDetails()
	out := make([]api.Detail, n)
	for i := range out {
		out[i] = base[i%len(base)]
		out[i].ID = fmt.Sprintf("%s-%d", base[i%len(base)].ID[:8], i)
	}
	return out
}

// loadedModel is the details view at 120x40 with every row of src loaded.
func loadedModel(b *testing.B, n int) Model {
	src := &stubSource{details: manyDetails(n)}
	m := New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, Concurrency: 16, RetryBackoff: time.Millisecond})
	for _, msg := range collect(m.Init()) {
		m = sendB(m, msg)
	}
	m = sendB(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	l := dl(m)
	l.SetLoadAll(true)
	m = sendB(m, l.ensure()())
	for !l.AllLoaded() {
		m = sendB(m, press("G"))
	}
	return m
}

// sendB is send for benchmarks: it delivers msg and what follows.
func sendB(m Model, msg tea.Msg) Model {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		if b, ok := queue[0].(tea.BatchMsg); ok {
			queue = queue[1:]
			for _, c := range b {
				queue = append(queue, collect(c)...)
			}
			continue
		}
		next, cmd := m.Update(queue[0])
		m = next.(Model)
		queue = append(queue[1:], collect(cmd)...)
	}
	return m
}

// A keystroke is Update plus View, as Bubble Tea does for each key.
func BenchmarkKeystroke(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			fresh := func() Model { return sendB(loadedModel(b, n), press("g")) } // loaded with G: back to the top
			m := fresh()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// PgDn onto rows never drawn: each key draws a screen of
				// rows anew (j and k over the same rows would measure the
				// cache of drawn rows). At the end, a fresh model.
				if s := m.top().status(); s.cursor+2*s.pageHeight >= s.shown {
					b.StopTimer()
					m = fresh()
					b.StartTimer()
				}
				next, _ := m.Update(press("pgdown"))
				m = next.(Model)
				_ = m.View()
			}
		})
	}
}

// A keystroke that moves the cursor over rows drawn already (j, k).
func BenchmarkKeystrokeDrawnRows(b *testing.B) {
	m := loadedModel(b, 100_000)
	keys := []tea.KeyMsg{press("j"), press("k")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := m.Update(keys[i%2])
		m = next.(Model)
		_ = m.View()
	}
}

// Recomputing a filter (failed only) over every row.
func BenchmarkFilterRecompute(b *testing.B) {
	m := loadedModel(b, 100_000)
	v := dv(m)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.tr.FailedOnly = i%2 == 0
		v.tr.Text = textFilter(b, "reason:quota")
		v.applyOrder()
	}
}

// The heap that 100,000 loaded records hold, and per record: pages of
// packed rows as the details' fetch makes them, and the list's index.
func BenchmarkHeap100kRecords(b *testing.B) {
	details := manyDetails(100_000)
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		l := newPagedList(nil, detailID, paging.Options{PageSize: 100})
		copies := make([]api.Detail, len(details))
		for j, d := range details { // fresh strings, as JSON decoding makes them
			copies[j] = api.Detail{ID: string([]byte(d.ID)), RecordID: string([]byte(d.RecordID)), DesktopID: string([]byte(d.DesktopID)),
				DesktopName: string([]byte(d.DesktopName)), ExecStatus: string([]byte(d.ExecStatus)), ResultCode: string([]byte(d.ResultCode)),
				FailReason: string([]byte(d.FailReason)), StartTime: string([]byte(d.StartTime)), EndTime: string([]byte(d.EndTime)),
				TimeZone: string([]byte(d.TimeZone))}
		}
		var rows []triage.Row
		for p := 0; p*100 < len(copies); p++ { // a page at a time, as they arrive
			rows = append(rows, triage.Rows(api.Page[api.Detail]{Items: copies[p*100 : (p+1)*100]}).Items...)
		}
		l.SetItems(rows)
		copies, rows = nil, nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
		b.ReportMetric(heap/1e6, "MB")
		b.ReportMetric(heap/100_000, "B/record")
		runtime.KeepAlive(l)
	}
}

func textFilter(b *testing.B, s string) filter.Expr {
	e, err := filter.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// Changing the sort over 100,000 loaded rows (o through start and
// duration, as a user presses it), each change a full reorder.
func BenchmarkSortChange100k(b *testing.B) {
	m := loadedModel(b, 100_000)
	v := dv(m)
	keys := []triage.SortKey{triage.SortStart, triage.SortDuration, triage.SortName, triage.SortStatus}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr := v.tr
		tr.SortBy = keys[i%len(keys)]
		v.setTriage(tr)
	}
}

// The UI goroutine's work for a load-all of 100,000 rows with a filter
// (failed only) and a sort (by start) on: every page's Update and the View
// drawn after it, as Bubble Tea does. Fetching and packing the pages run
// in commands, off that goroutine, and are not counted.
func BenchmarkLoadAll100kFilteredSorted(b *testing.B) {
	src := &stubSource{details: manyDetails(100_000)}
	var ui time.Duration
	pages := 0
	for i := 0; i < b.N; i++ {
		m := New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, Concurrency: 16, RetryBackoff: time.Millisecond})
		for _, msg := range collect(m.Init()) {
			m = sendB(m, msg)
		}
		m = sendB(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		queue := []tea.Msg{press("f"), press("o")}
		for len(queue) > 0 {
			msg := queue[0]
			queue = queue[1:]
			if _, ok := msg.(pageMsg[triage.Row]); ok {
				pages++
			}
			t0 := time.Now()
			next, cmd := m.Update(msg)
			m = next.(Model)
			_ = m.View()
			ui += time.Since(t0)
			queue = append(queue, collect(cmd)...)
		}
		if l := dl(m); !l.AllLoaded() || l.Count() == 0 {
			b.Fatalf("loaded %d of %d, %d shown", l.LoadedRows(), l.Total(), l.Count())
		}
	}
	b.ReportMetric(ui.Seconds()/float64(b.N), "ui-s/load")
	b.ReportMetric(float64(ui.Microseconds())/float64(pages), "ui-µs/page")
}

// A keystroke (Update + View) right after the sort of 100,000 rows changed.
func BenchmarkKeystrokeAfterSort100k(b *testing.B) {
	m := loadedModel(b, 100_000)
	keys := []triage.SortKey{triage.SortStart, triage.SortDuration, triage.SortName, triage.SortStatus}
	var key time.Duration
	for i := 0; i < b.N; i++ {
		v := dv(m)
		tr := v.tr
		tr.SortBy = keys[i%len(keys)]
		v.setTriage(tr)
		t0 := time.Now()
		next, _ := m.Update(press("j"))
		m = next.(Model)
		_ = m.View()
		key += time.Since(t0)
	}
	b.ReportMetric(float64(key.Microseconds())/float64(b.N)/1000, "key-ms")
}
