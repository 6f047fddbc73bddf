package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
)

// The desktops gone (x): the baseline's that this run lacks.

// showGone lists the baseline's desktops this run lacks.
func (v *detailsView) showGone(h host) tea.Cmd {
	switch {
	case v.cmp == nil:
		h.setNote("c compares with the previous run first")
		return nil
	case !v.cmp.Ready():
		h.setNote("the baseline is still being read")
		return nil
	case !v.list.AllLoaded():
		h.setNote("every row of this run must be loaded first")
		return v.list.ensure()
	}
	present := map[string]bool{}
	v.list.Each(func(_ int, r *triage.Row) { present[r.DesktopID()] = true })
	rows, _ := v.cmp.outcomes.Gone(func(id string) bool { return present[id] })
	gone := make([]triage.Row, len(rows))
	for i := range rows {
		gone[i] = triage.NewRow(&rows[i])
	}
	return h.push(newGoneView(v, gone))
}

// newGoneView is the desktops of the baseline run that this run lacks,
// with their rows in the baseline.
func newGoneView(v *detailsView, gone []triage.Row) view {
	lv := &listView[triage.Row]{
		list:      newPagedList[triage.Row](nil, detailID, paging.Options{PageSize: 100}),
		cols:      detailColumns(v.tf),
		tf:        v.tf,
		noun:      "desktops gone",
		empty:     "Every desktop of the baseline run is in this one.",
		crumbText: "gone since " + strings.TrimPrefix(v.cmp.label, "vs "),
		paneText:  detailPaneText(v.tf),
		copyID:    func(r triage.Row) (string, string) { return r.DesktopID(), "desktop id " + shortID(r.DesktopID()) },
		started:   true,
		fields:    triage.RowFields,
		prompt:    newFilterPrompt(v.views.st),
		noMatch:   "/ edits the filter (empty it there to clear it).",
	}
	lv.setText = lv.filterText
	lv.export = func(h host, shown []triage.Row) tea.Cmd {
		rows := make([]export.Row, len(shown))
		for i := range shown {
			rows[i] = export.Row{Detail: shown[i].Detail(), Change: compare.OnlyInBaseline.Wire()}
		}
		return exportOrSay(h, nil, func(dir string) tea.Cmd {
			return exportCSV(dir, exportName(v.taskLabel, v.runLabel, "gone"), rows, export.Extra{Change: true})
		})
	}
	lv.list.SetItems(gone)
	return lv
}
