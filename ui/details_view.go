package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// detailsView is the details list with triage: filters, sort, counts, the
// / prompt, and work waiting for every row.
type detailsView struct {
	*listView[triage.Row]
	tr     triage.Criteria
	record *api.Record // the record's own counts, when known
	// stored says the rows came from the store; savedGen is the list's
	// generation last stored (-1: none), so a run is stored once a load.
	stored   bool
	savedGen int
	counts   triage.StatusCounts
	order    triage.Order // the rows tr shows, kept as pages arrive
	// taskLabel and runLabel name the run on screen (in export file names);
	// taskName is the task's name, for alerts ("" when opened by id).
	taskLabel, runLabel string
	taskName            string
	recordID            string // the run, for the cache of runs left
	refreshOnStart      bool   // shown again while it runs: refresh in place

	pending    []action // waits for what is shown to settle (every row; the baseline a change: filter needs)
	actPending bool     // a waits among them: a second a does nothing

	// Across runs: the task, what makes a comparison, the comparison
	// with a baseline run (c) and its counts.
	taskID   string
	views    views
	cmp      *comparison
	changes  triage.ChangeTally
	failures triage.Failures // which desktops failed in any of their rows, for the comparison
	hist     *history        // the HISTORY column (H)
	// restingOn is the desktop the cursor was last seen on (desktop.go).
	restingOn string
	// nowCol shows the NOW column (details_now.go); nowAsked is what its
	// states were last asked for.
	nowCol   bool
	nowAsked nowAskKey

	// fromGroups is the failure groups screen the rows of one group were
	// opened from: Esc goes back there. beforeGroup is the triage to
	// restore then.
	fromGroups  *groupsView
	beforeGroup triage.Criteria
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
	case storedMsg:
		if m.list != v.list.id {
			return nil, false
		}
		return v.takeStored(m), true
	case savedMsg:
		if m.list != v.list.id {
			return nil, false
		}
		if m.err != nil {
			return func() tea.Msg { return noteMsg("⚠ " + sanitize.Line(m.err.Error())) }, true
		}
		return nil, true
	case restMsg:
		if m.list != v.list.id {
			return nil, false
		}
		if r, ok := v.list.Selected(); ok && r.DesktopID() == m.id {
			var script tea.Cmd
			if taskID, ok := v.wantsScript(r.Status()); ok {
				script = v.views.scripts.fetch(taskID, m.id)
			}
			return tea.Batch(v.views.desks.fetch(m.id), script), true
		}
		return nil, true // skimmed past
	}
	cmd, ok := v.listView.handle(msg)
	if ok && v.tr.Active() {
		v.applyOrder()
	}
	if ok {
		cmd = tea.Batch(cmd, v.saveIfWhole())
	}
	return cmd, ok
}

func (v *detailsView) refresh() tea.Cmd {
	v.stored = false // the API's copy from now on
	cmd := v.listView.refresh()
	if v.tr.Active() {
		v.applyOrder()
	}
	return cmd
}

// setTriage changes the filter or sort: every page is then needed, since
// the API cannot filter. The cursor stays on the same record if it still
// matches.
func (v *detailsView) setTriage(tr triage.Criteria) tea.Cmd {
	tr.Now = v.views.desks // for now: terms
	v.tr = tr
	v.sorted, v.sortDesc = tr.SortBy, tr.Desc // the sorted column's arrow
	l := v.list
	if tr.Active() {
		l.SetLoadAll(true)
	}
	v.applyOrder()
	return tea.Batch(l.ensure(), v.fetchNow())
}

// applyOrder brings the shown positions up to date with the rows held.
func (v *detailsView) applyOrder() {
	if !v.tr.Active() {
		v.list.SetOrder(nil)
		v.order = triage.Order{} // nothing kept for a triage gone
		return
	}
	v.order.Update(v.list.List, v.tr)
}

// statusCounts counts the loaded rows by status.
func (v *detailsView) statusCounts() map[string]int { return v.counts.Update(v.list.List) }

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
	// Two sources, said apart until every row is in: the run's own
	// counts, and what the rows loaded so far say.
	line := strings.Join(totals, " · ")
	if len(loaded) > 0 {
		part := strings.Join(loaded, " · ")
		switch {
		case !complete && l.Total() > 0 && line != "":
			line = "run: " + line + " │ of the " + commas(l.LoadedRows()) + " loaded: " + part
		case !complete && l.Total() > 0:
			line = "of the " + commas(l.LoadedRows()) + " loaded: " + part
		case line != "":
			line += " · " + part
		default:
			line = part
		}
	}
	// Most important first: a narrow terminal cuts the end.
	if progress != "" {
		line = progress + " │ " + line
	}
	if v.tr.Active() {
		line = fmt.Sprintf("%s of %s: %s │ %s", commas(l.Count()), commas(max(l.Total(), 0)), v.tr.Describe(), line)
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
