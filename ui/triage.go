package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// sortKey is what the details are ordered by.
type sortKey int

const (
	sortNone sortKey = iota
	sortStatus
	sortName
	sortStart
	sortDuration
	sortCode
	sortChange  // against a baseline run, when comparing
	sortHistory // failures over the runs, when the history is shown
	numSortKeys
)

var sortNames = [...]string{"", "status", "desktop", "start", "duration", "code", "change", "history"}

// groupKey identifies a failure group: rows with this status, result code
// and fail reason.
type groupKey struct{ status, code, reason string }

// triage is what narrows and orders the details: failed-only, a status, a
// text filter, a failure group, a sort. They combine.
type triage struct {
	failedOnly bool
	status     string // "" for any
	text       filter.Expr
	group      *groupKey
	sortBy     sortKey
	desc       bool
	// cmp classifies rows against a baseline run (nil when not
	// comparing); change keeps one change only.
	cmp    *comparison
	change *compare.Change
	hist   *history // the history, for its sort (nil when not shown)
}

func (t triage) filtering() bool {
	return t.failedOnly || t.status != "" || !t.text.Empty() || t.group != nil || t.change != nil
}

func (t triage) active() bool { return t.filtering() || t.sortBy != sortNone }

// usesChange reports a filter that looks at how rows changed against a
// baseline: which rows it shows is not known before the baseline is read.
func (t triage) usesChange() bool { return t.change != nil || t.text.UsesChange() }

func (t triage) match(r *detailRow) bool {
	s := r.sharedFields()
	switch {
	case t.failedOnly && !filter.IsFailed(s.status),
		t.status != "" && !strings.EqualFold(s.status, t.status),
		t.group != nil && (s.status != t.group.status || s.code != t.group.code || s.reason != t.group.reason):
		return false
	}
	if t.change != nil {
		if c, ok := t.cmp.change(r); !ok || c != *t.change {
			return false
		}
	}
	if t.text.Empty() {
		return true
	}
	d, label := r.detail(), ""
	if c, ok := t.cmp.change(r); ok {
		label = c.String()
	}
	return t.text.MatchChange(&d, label)
}

// sameAs reports whether t shows the same rows in the same order as u.
func (t triage) sameAs(u triage) bool {
	return t.failedOnly == u.failedOnly && t.status == u.status && t.text.String() == u.text.String() &&
		(t.group == nil) == (u.group == nil) && (t.group == nil || *t.group == *u.group) &&
		t.sortBy == u.sortBy && t.desc == u.desc &&
		t.cmp == u.cmp && t.cmp.ready() == u.cmp.ready() && t.hist == u.hist && t.hist.ready() == u.hist.ready() && (t.change == nil) == (u.change == nil) && (t.change == nil || *t.change == *u.change)
}

// describe is the active filter and sort in a few words.
func (t triage) describe() string {
	var parts []string
	if t.failedOnly {
		parts = append(parts, "failed only")
	}
	if t.status != "" {
		parts = append(parts, "status "+sanitize.Line(t.status))
	}
	if t.group != nil {
		parts = append(parts, "group "+orDash(sanitize.Line(t.group.code)))
	}
	if t.change != nil {
		parts = append(parts, t.change.String())
	}
	if t.sortBy != sortNone {
		arrow := "↑"
		if t.desc {
			arrow = "↓"
		}
		parts = append(parts, "sort "+sortNames[t.sortBy]+" "+arrow)
	}
	if !t.text.Empty() {
		// Last, and shortened: a long filter must not push the sort off
		// a narrow header line.
		parts = append(parts, "/"+ansi.Truncate(sanitize.Line(t.text.String()), maxFilterShown, "…"))
	}
	return strings.Join(parts, " · ")
}

// maxFilterShown is how much of the / text the header line shows.
const maxFilterShown = 24

// detailsView is the details list with triage: filters, sort, counts, the
// / prompt, and work waiting for every row.
type detailsView struct {
	*listView[detailRow]
	tr     triage
	record *api.Record // the record's own counts, when known
	counts statusCounts
	order  shownOrder // the rows tr shows, kept as pages arrive
	// taskLabel and runLabel name the run on screen (in export file names).
	taskLabel, runLabel string
	recordID            string // the run, for the cache of runs left
	refreshOnStart      bool   // shown again while it runs: refresh in place

	pending    []action // waits for what is shown to settle (every row; the baseline a change: filter needs)
	actPending bool     // a waits among them: a second a does nothing

	// Across runs: the task, what makes a comparison, the comparison
	// with a baseline run (c) and its counts.
	taskID  string
	views   views
	cmp     *comparison
	changes changeTally
	hist    *history // the HISTORY column (H)
	// restingOn is the desktop the cursor was last seen on (desktop.go).
	restingOn string

	// fromGroups is the failure groups screen the rows of one group were
	// opened from: Esc goes back there. beforeGroup is the triage to
	// restore then.
	fromGroups  *groupsView
	beforeGroup triage
}

// newFilterPrompt is the / prompt of a details screen.
func newFilterPrompt(st styles.Styles) textinput.Model {
	p := textinput.New()
	p.PlaceholderStyle = st.Placeholder // textinput's own is a fixed colour, even under NO_COLOR
	p.Prompt = "/"
	p.Cursor.SetMode(cursor.CursorStatic) // no blink: no redraws over a slow SSH link
	p.Placeholder = `text, or name: id: code: reason: status: terms; | between alternatives; !negates; "quote spaces"`
	return p
}

// fileLabel names the rows shown in an export file name.
func (t triage) fileLabel() string {
	switch {
	case t.group != nil:
		return "group-" + orDash(t.group.code)
	case t.status != "":
		return strings.ToLower(t.status)
	case t.failedOnly && t.text.Empty():
		return "failed"
	case t.filtering():
		return "filtered"
	}
	return "all"
}

func (v *detailsView) handle(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case baselineMsg:
		if v.cmp == nil || m.id != v.cmp.id {
			return nil, false
		}
		v.takeBaseline(m)
		return nil, true
	case historyMsg:
		if v.hist == nil || m.id != v.hist.id {
			return nil, false
		}
		v.takeHistory(m)
		return nil, true
	case restMsg:
		if m.list != v.list.id {
			return nil, false
		}
		if r, ok := v.list.Selected(); ok && r.desktopID() == m.id {
			return v.views.desks.fetch(m.id), true
		}
		return nil, true // skimmed past
	}
	cmd, ok := v.listView.handle(msg)
	if ok && v.tr.active() {
		v.applyOrder()
	}
	return cmd, ok
}

func (v *detailsView) refresh() tea.Cmd {
	cmd := v.listView.refresh()
	if v.tr.active() {
		v.applyOrder()
	}
	return cmd
}

// setTriage changes the filter or sort: every page is then needed, since
// the API cannot filter. The cursor stays on the same record if it still
// matches.
func (v *detailsView) setTriage(tr triage) tea.Cmd {
	v.tr = tr
	v.sorted, v.sortDesc = tr.sortBy, tr.desc // the sorted column's arrow
	l := v.list
	if tr.active() {
		l.SetLoadAll(true)
	}
	v.applyOrder()
	return l.ensure()
}

// applyOrder brings the shown positions up to date with the rows held.
func (v *detailsView) applyOrder() {
	if !v.tr.active() {
		v.list.SetOrder(nil)
		v.order = shownOrder{} // nothing kept for a triage gone
		return
	}
	v.order.update(v.list, v.tr)
}

// statusCounts counts the loaded rows by status.
func (v *detailsView) statusCounts() map[string]int { return v.counts.update(v.list) }

// summary is the line under the header: counts per status for the whole
// record (the record's own numbers where it has them, so they are right
// before everything is loaded), the active filter with matched/total, and
// progress while every page loads.
func (v *detailsView) summary(progress string) string {
	l := v.list
	counts := v.statusCounts()
	complete := l.AllLoaded()
	known := map[string]int{}
	if v.record != nil {
		known = map[string]int{"SUCCESS": v.record.SuccessNum, "FAIL": v.record.FailedNum, "SKIP": v.record.SkipNum}
	}
	// Totals the run reports for itself first; then counts only known
	// from the rows loaded, which say so until every row is in.
	var totals, loaded []string
	for _, st := range []string{"SUCCESS", "FAIL", "SKIP"} {
		if n, ok := known[st]; ok {
			totals = append(totals, fmt.Sprintf("%s %s", st, commas(n)))
		} else if n := counts[st]; n > 0 {
			loaded = append(loaded, fmt.Sprintf("%s %s", st, commas(n)))
		}
	}
	others := make([]string, 0)
	for st := range counts {
		if st != "SUCCESS" && st != "FAIL" && st != "SKIP" {
			others = append(others, st)
		}
	}
	sort.Strings(others)
	for _, st := range others {
		loaded = append(loaded, fmt.Sprintf("%s %s", sanitize.Line(st), commas(counts[st])))
	}
	line := strings.Join(totals, " · ")
	if len(loaded) > 0 {
		part := strings.Join(loaded, " · ")
		if !complete && l.Total() > 0 {
			part += fmt.Sprintf(" (of %s loaded)", commas(l.LoadedRows()))
		}
		if line != "" {
			line += " · "
		}
		line += part
	}
	// Most important first: a narrow terminal cuts the end.
	if progress != "" {
		line = progress + " │ " + line
	}
	if v.tr.active() {
		line = fmt.Sprintf("%s of %s: %s │ %s", commas(l.Count()), commas(max(l.Total(), 0)), v.tr.describe(), line)
	}
	return line
}

// statuses are the choices the s key cycles through: any, FAIL, SKIP,
// SUCCESS, then every other status seen.
func (v *detailsView) statuses() []string {
	choices := []string{"", "FAIL", "SKIP", "SUCCESS"}
	var others []string
	for st := range v.statusCounts() {
		if st != "FAIL" && st != "SKIP" && st != "SUCCESS" && st != "" {
			others = append(others, st)
		}
	}
	sort.Strings(others)
	return append(choices, others...)
}

func nextStatus(choices []string, current string) string {
	for i, c := range choices {
		if strings.EqualFold(c, current) {
			return choices[(i+1)%len(choices)]
		}
	}
	return ""
}
