package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// A desktop's history (H): its status in this run and the runs before it,
// newest first, read in the background through the shared request budget.
// Only each desktop's outcome a run is kept (status, code, reason:
// interned), never the runs' rows.

// history is one reading of the runs before the run shown.
type history struct {
	id        int64
	runs      []api.Record // the runs before, nearest first: history index i+1
	outcomes  *compare.History
	runsRead  *atomic.Int64
	runsTotal *atomic.Int64 // -1 until the runs before are known
	cancel    context.CancelFunc
	done      bool
	err       error
	short     []runs.Incomplete // runs read short: their absences may be wrong
}

var historyIDs atomic.Int64

// historyMsg is the history read whole, or why it could not be.
type historyMsg struct {
	id       int64
	runs     []api.Record
	outcomes *compare.History
	short    []runs.Incomplete
	err      error
}

// startHistory reads the n-1 runs before run runID.
func (b views) startHistory(taskID, runID string, n int) (*history, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	h := &history{id: historyIDs.Add(1), runsRead: &atomic.Int64{}, runsTotal: &atomic.Int64{}, cancel: cancel}
	h.runsTotal.Store(-1)
	reader, id, runsRead, runsTotal := b.reader, h.id, h.runsRead, h.runsTotal
	return h, func() tea.Msg {
		outcomes, before, short, err := reader.History(ctx, taskID, runID, n, func(read, total int) {
			runsRead.Store(int64(read))
			runsTotal.Store(int64(total))
		})
		if errors.Is(err, runs.ErrNotListed) {
			err = errors.New("this run is not among the task's runs any more")
		}
		if err != nil {
			return historyMsg{id: id, err: err}
		}
		return historyMsg{id: id, runs: before, outcomes: outcomes, short: short}
	}
}

func (h *history) stop() {
	if h != nil && h.cancel != nil {
		h.cancel()
	}
}

// covered is how many runs the history has: this one and those before.
func (h *history) covered() int { return 1 + len(h.runs) }

func (h *history) loading() bool { return h != nil && !h.done }
func (h *history) Ready() bool   { return h != nil && h.done && h.outcomes != nil }

// of is the row's outcomes over the runs, newest first (this run's from
// the row itself), and which runs it was in.
func (h *history) of(r *triage.Row) (outcomes []compare.Outcome, present []bool) {
	outcomes, present = h.outcomes.Of(r.DesktopID())
	// Only the runs there are: a task with fewer runs than asked for has
	// no "absent" for runs that never happened.
	outcomes, present = outcomes[:h.covered()], present[:h.covered()]
	if r.DesktopID() == "" {
		present = make([]bool, len(outcomes)) // no id: no history to join
	}
	outcomes[0], present[0] = compare.Outcome{Status: r.Status(), Code: r.Code(), Reason: r.Reason()}, true
	return outcomes, present
}

// failed counts the runs the row's desktop failed in, of those it was in.
// It allocates nothing: a sort by history asks it of every row.
func (h *history) failed(r *triage.Row) (failed, runs int) {
	if id := r.DesktopID(); id != "" {
		failed, runs = h.outcomes.Failed(id) // the runs before: this run is never added
	}
	runs++ // this run: the row itself
	if filter.IsFailed(r.Status()) {
		failed++
	}
	return failed, runs
}

// statusLetter is a status as one letter of the history strip, readable
// without colour: S success, F fail, K skip, R running, W waiting, ·
// absent, ? anything else.
func statusLetter(o compare.Outcome, present bool) string {
	if !present {
		return "·"
	}
	switch strings.ToUpper(o.Status) {
	case "SUCCESS":
		return "S"
	case "FAIL", "FAILED":
		return "F"
	case "SKIP":
		return "K"
	case "RUNNING":
		return "R"
	case "WAITING":
		return "W"
	}
	return "?"
}

// strip is the row's history as letters, newest first, then how often it
// failed: "FFSF· 3/4".
func (h *history) strip(r *triage.Row, st *styles.Styles) string {
	if !h.Ready() {
		if h.loading() {
			return "…"
		}
		return "—"
	}
	outcomes, present := h.of(r)
	var b strings.Builder
	for i, o := range outcomes {
		letter := statusLetter(o, present[i])
		if st != nil && present[i] {
			letter = st.Status(o.Status).Render(letter)
		}
		b.WriteString(letter)
	}
	failed, runs := h.failed(r)
	fmt.Fprintf(&b, " %d/%d", failed, runs)
	return b.String()
}

// historyColumn is the HISTORY column: as wide as the runs it covers.
func historyColumn(v *detailsView, runs int) column[triage.Row] {
	if v.hist.Ready() {
		runs = v.hist.covered()
	}
	return column[triage.Row]{title: "HISTORY", sortKey: triage.SortHistory, width: max(runs+6, len("HISTORY")+2), priority: 1,
		value: func(r triage.Row) string { return v.hist.strip(&r, nil) },
		rich:  func(st styles.Styles, r triage.Row) string { return v.hist.strip(&r, &st) },
	}
}

// progress says how far the history's reading has got.
func (h *history) progress() string {
	total := h.runsTotal.Load()
	if total < 0 {
		return "history: listing the runs…"
	}
	return fmt.Sprintf("history: reading %d runs before this one %s", total, progressBar(int(h.runsRead.Load()), int(total), 8))
}

// paneText lists the desktop's past runs: when, status, code, reason.
func (h *history) paneText(v *detailsView, r *triage.Row, st styles.Styles, width int) string {
	outcomes, present := h.of(r)
	failed, runs := h.failed(r)
	lines := []field{{"History", fmt.Sprintf("failed %d of %d runs", failed, runs)}}
	for i := 1; i < len(outcomes) && i-1 < len(h.runs); i++ {
		run := h.runs[i-1]
		text := "absent"
		if present[i] {
			o := outcomes[i]
			text = st.Status(o.Status).Render(orDash(sanitize.Line(o.Status)))
			if o.Code != "" {
				text += " " + sanitize.Line(o.Code)
			}
			if o.Reason != "" {
				text += " " + sanitize.Line(o.Reason)
			}
		}
		if v.views.reader.StoredOnly(v.taskID, run.ID) {
			text += st.Faint.Render(" · stored") // the API lists it no more
		}
		lines = append(lines, field{shortRunTime(v.tf.Absolute(run.StartTime, run.TimeZone)), text})
	}
	return labelled(lines, st, width)
}

// shortRunTime is a run's start without the year and seconds (11-27
// 02:00), to fit a pane's label; a time in another form stays whole.
func shortRunTime(t string) string {
	if m := toMinutes(t); len(m) == len("2006-01-02 15:04") && m[4] == '-' {
		return m[5:]
	}
	return t
}

// toggleHistory adds the HISTORY column, reading the runs before (or
// takes it away).
func (v *detailsView) toggleHistory() tea.Cmd {
	if v.hist != nil {
		v.dropHistory()
		return v.list.ensure()
	}
	h, load := v.views.startHistory(v.taskID, v.recordID, v.views.history)
	v.hist = h
	v.rebuildColumns()
	return tea.Batch(load, v.setSize(v.width, v.height))
}

// dropHistory ends the history: its reading, its column, its sort.
func (v *detailsView) dropHistory() {
	v.hist.stop()
	v.hist = nil
	v.rebuildColumns()
	if v.tr.SortBy == triage.SortHistory {
		tr := v.tr
		tr.SortBy = triage.SortNone
		v.tr, v.sorted = tr, triage.SortNone
	}
	v.tr.History = nil
	v.applyOrder()
}

// takeHistory stores the history read whole (or why it was not).
func (v *detailsView) takeHistory(msg historyMsg) {
	v.hist.done, v.hist.err = true, msg.err
	v.hist.runs, v.hist.outcomes, v.hist.short = msg.runs, msg.outcomes, msg.short
	v.tr.History = v.hist
	v.order = triage.Order{} // the history sort knows every row now
	v.rebuildColumns()       // as wide as the runs there are
	if v.tr.Active() {
		v.applyOrder()
	}
}

// shortLine says which runs of the history were read short: a desktop
// shown absent from one of them (·) may be in the part missing.
func (h *history) shortLine() string {
	if h == nil || len(h.short) == 0 {
		return ""
	}
	s := h.short[0]
	line := fmt.Sprintf("⚠ history incomplete: the run of %s lacks %s rows", toMinutes(shortRunTime(s.Run.StartTime)), commas(s.Missing))
	if len(h.short) > 1 {
		line += fmt.Sprintf(" (and %s more)", plural(len(h.short)-1, "run", "runs"))
	}
	return sanitize.Line(line)
}

// Rank orders rows for the HISTORY sort: the most failures first.
func (h *history) Rank(r *triage.Row) int64 {
	failed, _ := h.failed(r)
	return -int64(failed)
}
