package ui

import tea "github.com/charmbracelet/bubbletea"

// keptRuns is how many runs' details stay in memory after Esc, so that
// going back to one shows its rows, filters, sort and cursor at once.
const keptRuns = 3

// runCache holds the details screens of the last few runs left, most
// recent first. It is shared by the drill-down's builders (a pointer in
// views), and bounded: a run beyond keptRuns is forgotten.
type runCache struct {
	runs []*detailsView
}

// take returns the kept screen of the run, moved to the front, or nil.
func (c *runCache) take(recordID string) *detailsView {
	for i, v := range c.runs {
		if v.recordID == recordID {
			copy(c.runs[1:i+1], c.runs[:i])
			c.runs[0] = v
			return v
		}
	}
	return nil
}

// keep puts v at the front, forgetting the oldest past keptRuns.
func (c *runCache) keep(v *detailsView) {
	c.runs = append([]*detailsView{v}, c.runs...)
	if len(c.runs) > keptRuns {
		c.runs[keptRuns] = nil
		c.runs = c.runs[:keptRuns]
	}
}

// reopen readies a kept screen to be shown again: its requests get a new
// context (the old one was cancelled when it was left), and a run still in
// progress, or one left with pages on their way (their answers were
// dropped), is refreshed in place on start.
func (v *detailsView) reopen(running bool) {
	v.list.reopen()
	v.refreshOnStart = running || v.list.Loading()
}

// start shows the screen: the first time, its first page; again after
// Esc, nothing (its rows are held), or a refresh in place while it runs.
func (v *detailsView) start() tea.Cmd {
	if v.started {
		// Back on a kept run, or from a screen above it (an action's
		// results): the cursor's desktop is asked about again if its state
		// was forgotten meanwhile (acted on), not only once the cursor
		// moves away and back.
		v.restingOn = ""
		// A baseline marked (or unmarked) meanwhile applies at once, the
		// filters kept.
		rebase := v.rebaseComparison()
		if v.refreshOnStart {
			v.refreshOnStart = false
			return tea.Batch(rebase, v.refresh())
		}
		if rebase != nil {
			return rebase
		}
	}
	var compare tea.Cmd
	if m, ok := v.views.marks[v.taskID]; ok && !v.started && v.cmp == nil && m.ID != v.recordID {
		compare = v.toggleCompare() // a run opened with a baseline marked compares with it
	}
	if !v.started {
		if load := v.fromStore(); load != nil {
			v.listView.started = true // its rows come from the store, or its first page after
			v.list.Hold(true)         // nothing asked of the API meanwhile
			return tea.Batch(compare, load)
		}
	}
	return tea.Batch(compare, v.listView.start())
}

// close leaves the screen: requests stop, and work waiting for every row
// dies with it (the screen may be kept, but the work was for this visit).
func (v *detailsView) close() {
	v.listView.close()
	v.pending, v.actPending = nil, false
	v.closePrompt()
	if v.cmp.loading() {
		v.dropComparison() // its reading stops with the screen
	}
	if v.hist.loading() {
		v.dropHistory()
	}
}
