package ui

import (
	"cmp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/triage"
)

// action is work that needs every row of the details: it runs once the
// last page is in (copying or exporting a filter's rows). It belongs to
// the details screen and dies with it.
type action func(h host, v *detailsView) tea.Cmd

// key handles the details screen's keys: triage, the prompt, copy and
// export, the failure groups, and Esc back to the groups a group's rows
// came from.
func (v *detailsView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	k, tr := h.keyMap(), v.tr
	switch {
	case key.Matches(msg, k.FailedOnly):
		tr.FailedOnly = !tr.FailedOnly
	case key.Matches(msg, k.Status):
		tr.Status = nextStatus(v.statuses(), tr.Status)
	case key.Matches(msg, k.Sort):
		tr.SortBy = (tr.SortBy + 1) % triage.NumSortKeys
		if tr.SortBy == triage.SortChange && v.cmp == nil {
			tr.SortBy = (tr.SortBy + 1) % triage.NumSortKeys // nothing to sort by
		}
		if tr.SortBy == triage.SortHistory && v.hist == nil {
			tr.SortBy = (tr.SortBy + 1) % triage.NumSortKeys
		}
	case key.Matches(msg, k.SortLeft), key.Matches(msg, k.SortRight):
		tr.SortBy = v.nextSortColumn(tr.SortBy, key.Matches(msg, k.SortRight))
	case key.Matches(msg, k.Reverse):
		tr.Desc = !tr.Desc
		if tr.SortBy == triage.SortNone {
			tr.SortBy = triage.SortStatus
		}
	case key.Matches(msg, k.Filter):
		return v.openPrompt(tr.Text.String()), true
	case key.Matches(msg, k.Groups):
		v.list.SetLoadAll(true) // groups need every row
		return tea.Batch(v.list.ensure(), h.push(newGroupsView(v))), true
	case key.Matches(msg, k.Back) && v.fromGroups != nil:
		// Back to the groups this group's rows came from, cursor on it.
		g := v.fromGroups
		v.fromGroups = nil
		cmd := v.setTriage(v.beforeGroup)
		g.sync()
		return tea.Batch(cmd, h.push(g)), true
	case key.Matches(msg, k.Copy):
		r, ok := v.list.Selected()
		if !ok {
			return nil, true
		}
		return h.copyText(r.DesktopID(), "desktop id "+shortID(r.DesktopID())), true
	case key.Matches(msg, k.CopyAll):
		return v.whenSettled(h, copyShown), true
	case key.Matches(msg, k.Export):
		if why := h.exportRefused(outputArgs(v.taskID, v.recordID, v.tr)); why != "" {
			h.setNote(why) // at once: no file will be written, so no need to load every row
			return nil, true
		}
		return v.whenSettled(h, exportShown), true
	case key.Matches(msg, k.Compare):
		return v.toggleCompare(), true
	case key.Matches(msg, k.Changes):
		return v.cycleChange(h), true
	case key.Matches(msg, k.Gone):
		return v.showGone(h), true
	case key.Matches(msg, k.History):
		return v.toggleHistory(), true
	case key.Matches(msg, k.Now):
		return v.toggleNow(h), true
	case key.Matches(msg, k.Trend):
		return h.push(newTrend(v.views, v.taskID)), true
	case key.Matches(msg, k.Act):
		return v.openActions(h), true
	default:
		return nil, false
	}
	return v.setTriage(tr), true
}

// showGroup shows exactly one failure group's rows, coming from the groups
// screen g (Esc goes back to it). The group replaces the other filters;
// the sort stays.
func (v *detailsView) showGroup(key triage.GroupKey, g *groupsView) tea.Cmd {
	if v.fromGroups == nil {
		v.beforeGroup = v.tr
	}
	v.fromGroups = g
	return v.setTriage(triage.Criteria{Group: &key, SortBy: v.tr.SortBy, Desc: v.tr.Desc})
}

// whenSettled runs a now if what is shown is settled, else starts
// loading every row and runs it once they are in, and the baseline too
// when the filter looks at changes (before, rows would be shown, copied
// or acted on that the filter will not show).
func (v *detailsView) whenSettled(h host, a action) tea.Cmd {
	if v.settled() {
		return a(h, v)
	}
	v.list.SetLoadAll(true)
	v.pending = append(v.pending, a)
	if v.tr.UsesChange() && v.cmp.loading() {
		h.setNote("waiting for every page and for the baseline run (the filter looks at changes)…")
	} else {
		h.setNote("loading every page first…")
	}
	return v.list.ensure()
}

// settled reports every row in, and the baseline read when the filter
// needs it.
func (v *detailsView) settled() bool {
	return v.list.AllCurrent() && !(v.tr.UsesChange() && v.cmp.loading())
}

// afterPage runs what waited for what is shown to settle.
func (v *detailsView) afterPage(h host) tea.Cmd {
	if len(v.pending) == 0 || !v.settled() {
		return nil
	}
	var cmds []tea.Cmd
	pending := v.pending
	v.pending = nil
	for _, a := range pending {
		cmds = append(cmds, a(h, v))
	}
	return tea.Batch(cmds...)
}

// loadProgress is the bar shown while every page loads.
func (v *detailsView) loadProgress() string {
	if l := v.list; l.LoadAll() && !l.AllLoaded() && l.Total() > 0 {
		return "loading all " + progressBar(l.LoadedRows(), l.Total(), 12)
	}
	return ""
}

func (v *detailsView) helpKeys(c helpContext) keyHelp {
	return c.list(listKeys{triage: true})
}

// shownRows are the details the table shows (all of them without a
// filter), each record once.
func shownRows(v *detailsView) []api.Detail {
	l := v.list
	rows := make([]api.Detail, 0, l.Count())
	seen := make(map[string]bool, l.Count())
	for i := 0; i < l.Count(); i++ {
		r, ok := l.Row(l.PosOf(i))
		if !ok || (r.ID() != "" && seen[r.ID()]) {
			continue // rows without an id are each their own
		}
		seen[r.ID()] = true
		rows = append(rows, r.Detail())
	}
	return rows
}

func copyShown(h host, v *detailsView) tea.Cmd {
	rows := shownRows(v)
	ids := make([]string, len(rows))
	for i, d := range rows {
		ids[i] = d.DesktopID
	}
	return h.copyText(strings.Join(ids, "\n"), plural(len(ids), "desktop id", "desktop ids"))
}

// sortByTitleAt sorts the details by the column whose title is at x (a
// click), the other way when they are sorted by it already.
func (v *detailsView) sortByTitleAt(x int) tea.Cmd {
	c := columnAt(v.widths, x)
	if c < 0 || v.cols[c].sortKey == triage.SortNone {
		return nil
	}
	tr := v.tr
	if tr.SortBy == v.cols[c].sortKey {
		tr.Desc = !tr.Desc
	} else {
		tr.SortBy, tr.Desc = v.cols[c].sortKey, false
	}
	return v.setTriage(tr)
}

// exportShown writes the rows shown with the columns shown: CHANGE and
// HISTORY too when they are on (and known), as -o writes them.
func exportShown(h host, v *detailsView) tea.Cmd {
	var extra export.Extra
	rows := shownRows(v)
	out := make([]export.Row, len(rows))
	for i := range rows {
		out[i] = export.Row{Detail: rows[i]}
	}
	if v.cmp.Ready() && v.cmp.err == nil {
		extra.Change = true
		for i := range out {
			r := triage.NewRow(&out[i].Detail)
			if ch, ok := v.cmp.Change(&r); ok {
				out[i].Change = ch.Wire()
			}
		}
	}
	if v.hist.Ready() {
		extra.History = true
		for i := range out {
			out[i].History = v.hist.outcomes.Statuses(out[i].DesktopID)
			out[i].History[0] = out[i].ExecStatus // this run: the row itself
		}
	}
	return exportOrSay(h, outputArgs(v.taskID, v.recordID, v.tr), func(dir string) tea.Cmd {
		return exportCSV(dir, exportName(v.taskLabel, v.runLabel, v.tr.FileLabel()), out, extra)
	})
}

// setTextFilter is the details' / text: part of the triage.
func (v *detailsView) setTextFilter(expr filter.Expr) tea.Cmd {
	tr := v.tr
	tr.Text = expr
	return v.setTriage(tr)
}

// nextSortColumn is the sortable column left (or right) of the sorted one,
// in the order the columns are drawn, as htop's < and > move the sort.
func (v *detailsView) nextSortColumn(current triage.SortKey, right bool) triage.SortKey {
	var keys []triage.SortKey
	for _, c := range v.cols {
		if c.sortKey != triage.SortNone {
			keys = append(keys, c.sortKey)
		}
	}
	i := -1
	for j, k := range keys {
		if k == current {
			i = j
		}
	}
	switch {
	case len(keys) == 0:
		return current // the columns chosen ([columns]) have no sortable one: o still sorts
	case i < 0 && right:
		return keys[0]
	case i < 0:
		return keys[len(keys)-1]
	case right:
		return keys[min(i+1, len(keys)-1)]
	}
	return keys[max(i-1, 0)]
}

// openActions is a: the action menu for exactly the desktops shown, once
// what is shown is settled. a again while one waits or is open does
// nothing.
func (v *detailsView) openActions(h host) tea.Cmd {
	b := v.views
	switch {
	case b.readOnly:
		h.setNote(cmp.Or(b.readOnlyWhy, "a read-only session (--read-only)") + ": no actions on desktops")
		return nil
	case b.acts == nil:
		h.setNote("this source cannot act on desktops")
		return nil
	case b.auditPath == "":
		h.setNote("no actions: there is nowhere to keep the audit log ($XDG_STATE_HOME and $HOME are unset)")
		return nil
	case v.actPending:
		h.setNote("the action menu opens once every row is in: it is on its way")
		return nil
	}
	v.actPending = true
	return v.whenSettled(h, func(h host, v *detailsView) tea.Cmd {
		v.actPending = false
		if !h.showing(v) {
			// Keys typed now are for another screen or a prompt: a menu
			// opening under them would take them as its letters.
			h.setNote("the action menu did not open: the run's rows were no longer on screen (a opens it again)")
			return nil
		}
		if v.tr.UsesChange() && !v.cmp.Ready() {
			h.setNote("no actions: the filter looks at the change, and the baseline run could not be read (c compares again)")
			return nil
		}
		var rows []actions.Target
		for _, d := range shownRows(v) {
			rows = append(rows, actions.Target{ID: d.DesktopID, Name: d.DesktopName, Status: d.ExecStatus})
		}
		plan := actions.NewPlan(api.PowerAction{}, rows)
		if len(plan.Targets) == 0 {
			h.setNote("no desktops shown that can be acted on")
			return nil
		}
		h.setNote("")
		return h.push(newActionView(v, plan))
	})
}
