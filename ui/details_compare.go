package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// A run's details compared with a baseline run of the same task (c): the
// previous run, or the one marked on the runs list (m). The baseline is
// read in the background, every page, through the same request budget as
// everything else; its outcomes by desktop classify each row (the CHANGE
// column, the change filter and sort), and its rows list the desktops gone.

// comparison is one comparison of the details screen with a baseline.
type comparison struct {
	id   int64
	base api.Record // the baseline run, once known
	// against is the run marked it compares with, "" for the run before.
	against string
	label   string // the baseline as the screen names it ("vs 2026-11-27 02:00")
	read    *atomic.Int64
	total   *atomic.Int64 // the baseline's total_count; -1 until known
	cancel  context.CancelFunc
	done    bool
	err     error
	// outcomes are the baseline's by desktop, with its rows for the
	// desktops gone; nil until every page is read.
	outcomes *compare.Baseline
	// list and failures are the run's rows and which of its desktops
	// failed in any row: a desktop listed twice gets one change.
	list     *paging.List[triage.Row]
	failures *triage.Failures
}

var comparisonIDs atomic.Int64

// baselineMsg is a baseline read whole, or why it could not be.
type baselineMsg struct {
	id       int64
	base     api.Record
	outcomes *compare.Baseline
	err      error
}

// errNoPreviousRun says the run compared is the task's oldest.
var errNoPreviousRun = errors.New("the task's oldest run: none before it to compare with; m on the runs list marks a baseline")

// startComparison begins comparing the run with mark, or with the run
// before it when mark is nil.
func (b views) startComparison(taskID, runID string, mark *api.Record) (*comparison, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &comparison{id: comparisonIDs.Add(1), read: &atomic.Int64{}, total: &atomic.Int64{}, cancel: cancel}
	c.total.Store(-1)
	if mark != nil {
		c.base, c.label = *mark, "vs "+toMinutes(b.tf.Absolute(mark.StartTime, mark.TimeZone))
		c.against = mark.ID
	}
	reader, read, total, id := b.reader, c.read, c.total, c.id
	return c, func() tea.Msg {
		base := mark
		if base == nil {
			before, err := reader.Before(ctx, taskID, runID, 1)
			switch {
			case errors.Is(err, runs.ErrNotListed):
				return baselineMsg{id: id, err: errors.New("this run is not among the task's runs any more")}
			case err != nil:
				return baselineMsg{id: id, err: err}
			case len(before) == 0:
				return baselineMsg{id: id, err: errNoPreviousRun}
			}
			base = &before[0]
		}
		outcomes, err := reader.Read(ctx, taskID, *base, true, func(n, of int) { read.Store(int64(n)); total.Store(int64(of)) })
		if err != nil {
			return baselineMsg{id: id, base: *base, err: fmt.Errorf("reading the baseline run: %w", err)}
		}
		return baselineMsg{id: id, base: *base, outcomes: outcomes}
	}
}

// stop ends the reading of the baseline, if it still goes on.
func (c *comparison) stop() {
	if c != nil && c.cancel != nil {
		c.cancel()
	}
}

// loading reports a baseline still being read.
func (c *comparison) loading() bool { return c != nil && !c.done }

// Ready reports a baseline read whole.
func (c *comparison) Ready() bool { return c != nil && c.done && c.outcomes != nil }

// Change is how the row changed against the baseline (ok false while the
// baseline is read, or when it could not be).
func (c *comparison) Change(r *triage.Row) (compare.Change, bool) {
	if !c.Ready() {
		return 0, false
	}
	c.failures.Update(c.list)
	return triage.Classify(c.outcomes, c.failures, r)
}

// Version changes when a row's change may have changed without its page
// changing: a desktop found failed in a later row.
func (c *comparison) Version() int {
	if !c.Ready() {
		return 0
	}
	c.failures.Update(c.list)
	return c.failures.Flips()
}

// incomplete is how many rows the baseline said it has that did not come.
func (c *comparison) incomplete() int {
	if !c.Ready() {
		return 0
	}
	return c.outcomes.Missing()
}

// progress says how far the baseline's reading has got.
func (c *comparison) progress() string {
	what := "the previous run"
	if c.label != "" {
		what = c.label[len("vs "):]
	}
	read, total := c.read.Load(), c.total.Load()
	if total <= 0 {
		return "comparing with " + what + ": reading it…"
	}
	return fmt.Sprintf("comparing with %s: reading it %s", what, progressBar(int(min(read, total)), int(total), 12))
}

// toMinutes drops the seconds of a formatted time (runs start on the
// minute; the line has no room for them).
func toMinutes(t string) string {
	if len(t) == len("2006-01-02 15:04:05") && t[16] == ':' {
		return t[:16]
	}
	return t
}

// changeStyle colours a change where colour exists; the word says it all
// without colour.
func changeStyle(st styles.Styles, c compare.Change) lipgloss.Style {
	switch c {
	case compare.NewFailure, compare.StillFailing:
		return st.Status("FAIL")
	case compare.Recovered:
		return st.Status("SUCCESS")
	}
	return lipgloss.NewStyle()
}

// changeColumn is the CHANGE column of a comparison.
func changeColumn(v *detailsView) column[triage.Row] {
	return column[triage.Row]{title: "CHANGE", sortKey: triage.SortChange, width: 13, priority: 1,
		value: func(r triage.Row) string {
			if c, ok := v.cmp.Change(&r); ok {
				return c.String()
			}
			switch {
			case v.cmp.loading():
				return "…"
			case v.cmp.incomplete() > 0:
				return "?" // the baseline was read short: this desktop may be in the part missing
			}
			return "—" // the baseline could not be read: the status line says why
		},
		style: func(st styles.Styles, r triage.Row) lipgloss.Style {
			c, _ := v.cmp.Change(&r)
			return changeStyle(st, c)
		}, styleByText: true}
}

// summary is the comparison in a line: against what, and the changes
// that matter ("vs 2026-11-27 02:00 · 369 new failures · 141 still failing
// · 380 recovered · 3 gone").
//
// short is the form for a narrow terminal, every count kept: "vs 11-27
// 02:00: 369 new · 141 still · 380 recovered · 3 gone · 16 added".
func (v *detailsView) comparisonLine(short bool) string {
	c := v.cmp
	switch {
	case c == nil:
		return ""
	case c.err != nil:
		return ""
	case c.loading():
		return c.progress()
	}
	n := v.changes.Update(v.list.List, c.outcomes, c.failures)
	parts := []string{c.label}
	if short {
		parts = []string{"vs " + shortRunTime(strings.TrimPrefix(c.label, "vs ")) + ":"}
	}
	if m := c.incomplete(); m > 0 {
		// Said first: every count after it is of what could be told.
		warn := fmt.Sprintf("⚠ baseline incomplete: %s rows did not come, %s unknown (?)", commas(m), commas(v.changes.Unknown()))
		if short {
			warn = fmt.Sprintf("⚠ baseline short %s, ? %s", commas(m), commas(v.changes.Unknown()))
		}
		parts = append(parts, warn)
	}
	// Most urgent first.
	shortWords := map[compare.Change]string{compare.NewFailure: "new", compare.StillFailing: "still",
		compare.Recovered: "recovered", compare.OnlyInBaseline: "gone", compare.OnlyInCurrent: "added"}
	for _, ch := range []compare.Change{compare.NewFailure, compare.StillFailing, compare.Recovered, compare.OnlyInBaseline, compare.OnlyInCurrent} {
		if n[ch] == 0 && ch != compare.NewFailure {
			continue
		}
		word := ch.String()
		if n[ch] != 1 && (ch == compare.NewFailure || ch == compare.OnlyInCurrent) {
			word += "s"
		}
		if short {
			word = shortWords[ch]
		}
		parts = append(parts, fmt.Sprintf("%s %s", commas(n[ch]), word))
	}
	line := strings.Join(parts, " · ")
	if short {
		line = parts[0] + " " + strings.Join(parts[1:], " · ")
	}
	if !v.list.AllLoaded() {
		line += fmt.Sprintf(" (of %s loaded)", commas(v.list.LoadedRows()))
	}
	return sanitize.Line(line)
}

// toggleCompare turns the comparison on (against the run marked on the
// runs list, else the run before) or off. Every row is needed to count
// the changes, so on loads every page.
func (v *detailsView) toggleCompare() tea.Cmd {
	if v.cmp != nil {
		v.dropComparison()
		return tea.Batch(v.list.ensure(), v.setSize(v.width, v.height))
	}
	var mark *api.Record
	if m, ok := v.views.marks[v.taskID]; ok && m.ID != v.recordID {
		mark = &m
	}
	c, load := v.views.startComparison(v.taskID, v.recordID, mark)
	c.list, c.failures = v.list.List, &v.failures
	v.cmp = c
	v.rebuildColumns()
	tr := v.tr
	tr.Changes = c
	v.list.SetLoadAll(true)
	return tea.Batch(load, v.setTriage(tr), v.setSize(v.width, v.height))
}

// rebaseComparison compares with the run marked now (m on the runs list),
// or the run before when none is, if the comparison on is against
// another: the filters and sort stay (a change: filter included).
func (v *detailsView) rebaseComparison() tea.Cmd {
	if v.cmp == nil {
		return nil
	}
	var mark *api.Record
	if m, ok := v.views.marks[v.taskID]; ok && m.ID != v.recordID {
		mark = &m
	}
	if (mark == nil && v.cmp.against == "") || (mark != nil && mark.ID == v.cmp.against) {
		return nil
	}
	v.cmp.stop()
	c, load := v.views.startComparison(v.taskID, v.recordID, mark)
	c.list, c.failures = v.list.List, &v.failures
	v.cmp = c
	v.rebuildColumns()
	tr := v.tr
	tr.Changes = c
	return tea.Batch(load, v.setTriage(tr), v.setSize(v.width, v.height))
}

// dropComparison ends the comparison: its reading, its column, its
// filter and sort.
func (v *detailsView) dropComparison() {
	v.cmp.stop()
	v.cmp = nil
	v.rebuildColumns()
	tr := v.tr
	tr.Changes, tr.Change = nil, nil
	if tr.SortBy == triage.SortChange {
		tr.SortBy = triage.SortNone
	}
	v.tr = tr
	v.sorted, v.sortDesc = tr.SortBy, tr.Desc
	v.rows = rowCache{}
	v.applyOrder()
}

// status adds the baseline's reading to the list's loading: the spinner
// runs, and the progress redraws.
func (v *detailsView) status() listStatus {
	s := v.listView.status()
	s.loading = s.loading || v.cmp.loading() || v.hist.loading()
	s.stored = v.stored
	return s
}

// rebuildColumns lays out the details' columns with those of a comparison
// (CHANGE, after the status) and of the history (HISTORY, after it).
func (v *detailsView) rebuildColumns() {
	cols := chooseColumns(detailColumns(v.tf), v.views.columns["details"])
	at := min(2, len(cols))
	if i := triage.IndexTitle(titlesOf(cols), "STATUS"); i >= 0 {
		at = i + 1
	}
	var extra []column[triage.Row]
	if v.cmp != nil && v.cmp.err == nil {
		extra = append(extra, changeColumn(v)) // a comparison that failed has no column of "—": its error says why
	}
	if v.hist != nil {
		extra = append(extra, historyColumn(v, v.views.history))
	}
	if v.nowCol {
		extra = append(extra, nowColumn(v))
	}
	v.cols = append(cols[:at:at], append(extra, cols[at:]...)...)
	v.widths = layoutColumns(v.cols, v.width)
	v.rows = rowCache{}
}

// statusLine is the comparison's line (or its error) for the line above
// the footer.
func (v *detailsView) statusLine(width int) (line string, isErr bool) {
	if v.hist != nil && v.hist.err != nil {
		what, hint := describeError(v.hist.err)
		return "✗ history: " + what + " – " + orDash(hint) + " · H twice to try again", true
	}
	if v.cmp != nil && v.cmp.err != nil {
		what, hint := describeError(v.cmp.err)
		line = "✗ comparing runs: " + what
		if hint != "" {
			line += " – " + hint
		}
		if !errors.Is(v.cmp.err, errNoPreviousRun) {
			line += " · c twice to try again"
		}
		return line, true
	}
	// The whole line where it fits; else the comparison's short form
	// (every count kept, the words shortened), the history's after it
	// only if that fits too: the HISTORY column shows it anyway.
	for _, short := range []bool{false, true} {
		var parts []string
		for _, part := range []string{v.comparisonLine(short), v.hist.shortLine()} {
			if part != "" {
				parts = append(parts, part)
			}
		}
		if len(parts) == 0 && v.hist.loading() {
			return v.hist.progress(), false
		}
		line = strings.Join(parts, " · ")
		if ansi.StringWidth(line) <= width {
			return line, false
		}
	}
	if c := v.comparisonLine(true); c != "" {
		return c, false
	}
	return line, false
}

// takeBaseline stores a baseline read whole (or why it was not).
func (v *detailsView) takeBaseline(msg baselineMsg) {
	c := v.cmp
	c.done, c.err = true, msg.err
	if msg.base.ID != "" {
		c.base = msg.base
		c.label = "vs " + toMinutes(v.tf.Absolute(msg.base.StartTime, msg.base.TimeZone))
	}
	c.outcomes = msg.outcomes
	if c.err != nil {
		v.rebuildColumns()
	}
	v.order = triage.Order{} // every row's change is known now
	v.rows = rowCache{}      // and the CHANGE cells change
	if v.tr.Active() {
		v.applyOrder()
	}
}

// cycleChange shows one change after another: new failures, still
// failing, recovered, new desktops, unchanged, then all again.
func (v *detailsView) cycleChange(h host) tea.Cmd {
	if v.cmp == nil {
		h.setNote("c compares with the previous run first")
		return nil
	}
	order := []compare.Change{compare.NewFailure, compare.StillFailing, compare.Recovered, compare.OnlyInCurrent, compare.Unchanged}
	tr := v.tr
	switch {
	case tr.Change == nil:
		tr.Change = &order[0]
	case *tr.Change == order[len(order)-1]:
		tr.Change = nil
	default:
		for i, c := range order {
			if c == *tr.Change {
				tr.Change = &order[i+1]
				break
			}
		}
	}
	return v.setTriage(tr)
}
