package ui

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/internal/trend"
	"github.com/wksrec/wksrec/styles"
)

// The trend screen (R, on a task's runs or in a run): the failed share
// of every run known (the API's listing and the runs the store holds,
// older ones included), and the desktops that failed most often across
// the runs stored, with their last failure: "which desktops keep failing
// this month", with no detail request. The rule is internal/trend's.

// trendMsg is a task's trend, built off the UI's goroutine.
type trendMsg struct {
	id    int64
	trend trend.Trend
	err   error
}

// trendTimeout bounds the runs list the trend needs.
const trendTimeout = time.Minute

// trendIDs number the trend screens, so a late answer finds its own
// (tests build models in parallel: atomic, as comparisonIDs).
var trendIDs atomic.Int64

func trendColumns(tf interface {
	Absolute(value, zone string) string
}) []column[trend.Desktop] {
	return []column[trend.Desktop]{
		{title: "FAILED", width: 7, priority: 0, right: true, value: func(d trend.Desktop) string { return fmt.Sprintf("%d/%d", d.Failed, d.In) }},
		{title: "DESKTOP", width: 18, priority: 0, value: func(d trend.Desktop) string { return orDash(sanitize.Line(d.Name)) }},
		{title: "LAST FAILED", width: 16, priority: 2, value: func(d trend.Desktop) string { return toMinutes(sanitize.Line(d.LastRun)) }},
		{title: "CODE", width: 12, priority: 1, value: func(d trend.Desktop) string { return orDash(sanitize.Line(d.LastCode)) }},
		{title: "FAIL REASON", width: 20, maxWidth: -1, priority: 1, value: func(d trend.Desktop) string { return orDash(sanitize.Line(d.LastReason)) }},
	}
}

func trendPaneText(d trend.Desktop, st styles.Styles, width int) string {
	return labelled([]field{
		{"Desktop", orDash(sanitize.Line(d.Name))},
		{"Desktop ID", sanitize.Line(d.ID)},
		{"Failed", fmt.Sprintf("in %d of the %d runs stored it was in", d.Failed, d.In)},
		{"Last failed", sanitize.Line(d.LastRun)},
		{"Result code", orDash(sanitize.Line(d.LastCode))},
		{"Fail reason", orDash(sanitize.Block(d.LastReason))},
	}, st, width)
}

// trendView is a task's trend.
type trendView struct {
	*listView[trend.Desktop]
	id     int64
	taskID string
	trend  trend.Trend
	done   bool
	err    error
	loaded bool // asked for once: start asks, r asks again
	reader *runs.Reader
	sc     *store.Scope
}

// newTrend is the trend screen of the task; its runs come from reader
// (the API's listing and the store's), their rows from the store only.
func newTrend(b views, taskID string) *trendView {
	v := &trendView{id: trendIDs.Add(1), taskID: taskID, listView: &listView[trend.Desktop]{
		list:      newPagedList[trend.Desktop](nil, func(d trend.Desktop) string { return d.ID }, paging.Options{PageSize: 100}),
		cols:      trendColumns(b.tf),
		noun:      "desktops",
		empty:     "Reading the task's runs…",
		crumbText: "trend",
		paneText:  trendPaneText,
		started:   true,
		copyID:    func(d trend.Desktop) (string, string) { return d.ID, "desktop id " + shortID(sanitize.Line(d.ID)) },
		noMatch:   "/ edits the filter (empty it there to clear it).",
	}}
	v.fields = func(d trend.Desktop) map[filter.Field]string {
		return map[filter.Field]string{filter.Name: d.Name, filter.ID: d.ID, filter.Code: d.LastCode, filter.Reason: d.LastReason}
	}
	v.prompt = newFilterPrompt(b.st)
	v.setText = v.filterText
	v.reader, v.sc = b.reader, b.store
	return v
}

// readTrend lists the task's runs and builds the trend from the rows the
// store holds.
func readTrend(reader *runs.Reader, sc *store.Scope, taskID string, id int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), trendTimeout)
		defer cancel()
		all, err := reader.List(ctx, taskID)
		if err != nil {
			return trendMsg{id: id, err: err}
		}
		t := trend.Build(all, func(r api.Record) ([]api.Detail, bool) {
			run, ok := sc.Load(taskID, r.ID)
			return run.Details, ok
		})
		return trendMsg{id: id, trend: t}
	}
}

func (v *trendView) start() tea.Cmd {
	if v.loaded {
		return nil
	}
	v.loaded = true
	return readTrend(v.reader, v.sc, v.taskID, v.id)
}

func (v *trendView) handle(msg tea.Msg) (tea.Cmd, bool) {
	m, ok := msg.(trendMsg)
	if !ok || m.id != v.id {
		return v.listView.handle(msg)
	}
	v.done, v.err, v.trend = true, m.err, m.trend
	v.empty = "No desktop failed in the runs stored. A run is stored once read whole (opened with f, c, H or -o)."
	if m.err != nil {
		what, hint := describeError(m.err)
		v.empty = "✗ listing the task's runs: " + what + " – " + orDash(hint)
	}
	v.list.SetItems(m.trend.Desktops)
	if v.lf.active() {
		v.orderByListFilter()
	}
	return nil, true
}

// refresh reads the trend again.
func (v *trendView) refresh() tea.Cmd {
	v.done = false
	return readTrend(v.reader, v.sc, v.taskID, v.id)
}

func (v *trendView) leaf() bool    { return true }
func (v *trendView) running() bool { return false }

func (v *trendView) helpKeys(c helpContext) keyHelp {
	return c.list(listKeys{lists: []key.Binding{c.k.Filter}})
}

// summary is every known run's failed share, oldest to newest, and how
// many runs the desktops' counts cover.
func (v *trendView) summary(progress string) string {
	if !v.done {
		return progress
	}
	var shares []float64
	for _, r := range v.trend.Runs {
		if f, ok := failedShare(r); ok {
			shares = append(shares, f)
		}
	}
	spark, top := sparkline(shares)
	line := fmt.Sprintf("%s: failed share %s (highest %.0f%%) · desktops from the %d stored",
		plural(len(v.trend.Runs), "run", "runs"), spark, top*100, v.trend.Read)
	if progress != "" {
		line = progress + " │ " + line
	}
	return line
}
