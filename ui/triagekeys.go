package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/api/filter"
)

// action is work that needs every row of the details: it runs once the
// last page is in (copying or exporting a filter's rows).
type action func(m *Model, v *detailsView) tea.Cmd

// triageKey handles the details view's triage keys.
func (m *Model) triageKey(v *detailsView, msg tea.KeyMsg) (tea.Cmd, bool) {
	k, tr := m.keys, v.tr
	switch {
	case key.Matches(msg, k.FailedOnly):
		tr.failedOnly = !tr.failedOnly
	case key.Matches(msg, k.Status):
		tr.status = nextStatus(v.statuses(), tr.status)
	case key.Matches(msg, k.Sort):
		tr.sortBy = (tr.sortBy + 1) % numSortKeys
	case key.Matches(msg, k.Reverse):
		tr.desc = !tr.desc
		if tr.sortBy == sortNone {
			tr.sortBy = sortStatus
		}
	case key.Matches(msg, k.Filter):
		m.prompting = true
		m.prompt.SetValue(tr.text.String())
		m.prompt.CursorEnd()
		return m.prompt.Focus(), true
	case key.Matches(msg, k.Groups):
		v.list.SetLoadAll(true) // groups need every row
		return tea.Batch(v.list.ensure(), m.push(newGroupsView(v))), true
	case key.Matches(msg, k.Copy):
		d, ok := v.list.Selected()
		if !ok {
			return nil, true
		}
		return m.clip.copy(d.DesktopID, "desktop id "+shortID(d.DesktopID)), true
	case key.Matches(msg, k.CopyAll):
		return m.whenAllLoaded(v, copyShown), true
	case key.Matches(msg, k.Export):
		return m.whenAllLoaded(v, exportShown), true
	default:
		return nil, false
	}
	return v.setTriage(tr), true
}

// promptKey edits the / filter: Enter applies it, Esc clears it.
func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	v, ok := m.top().(*detailsView)
	if !ok {
		m.prompting = false
		return nil
	}
	switch msg.Type {
	case tea.KeyEnter:
		expr, err := filter.Parse(m.prompt.Value())
		if err != nil {
			m.note = "filter: " + err.Error()
			return nil
		}
		m.closePrompt()
		tr := v.tr
		tr.text = expr
		return v.setTriage(tr)
	case tea.KeyEsc, tea.KeyCtrlC:
		m.closePrompt()
		tr := v.tr
		tr.text = filter.Expr{}
		return v.setTriage(tr)
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(msg)
	return cmd
}

func (m *Model) closePrompt() {
	m.prompting = false
	m.prompt.Blur()
}

// applyGroup goes back from the failure groups to the details, showing
// exactly that group's rows.
func (m *Model) applyGroup(g groupKey) tea.Cmd {
	if _, ok := m.top().(*groupsView); !ok {
		return nil
	}
	cmd := m.pop()
	v, ok := m.top().(*detailsView)
	if !ok {
		return cmd
	}
	// The group replaces the other filters: it shows exactly its rows
	// (the sort stays).
	tr := triage{group: &g, sortBy: v.tr.sortBy, desc: v.tr.desc}
	return tea.Batch(cmd, v.setTriage(tr))
}

// whenAllLoaded runs a now if every row is held, else starts loading them
// all and runs it when the last page arrives.
func (m *Model) whenAllLoaded(v *detailsView, a action) tea.Cmd {
	if v.list.AllCurrent() {
		return a(m, v)
	}
	v.list.SetLoadAll(true)
	m.pending = append(m.pending, a)
	m.note = "loading every page first…"
	return v.list.ensure()
}

// afterPage runs what waited for all rows, and regroups the failure groups.
func (m *Model) afterPage() tea.Cmd {
	if g, ok := m.top().(*groupsView); ok {
		g.sync()
	}
	var v *detailsView
	for _, s := range m.stack {
		if dv, ok := s.(*detailsView); ok {
			v = dv
		}
	}
	if v == nil || len(m.pending) == 0 || !v.list.AllCurrent() {
		return nil
	}
	var cmds []tea.Cmd
	for _, a := range m.pending {
		cmds = append(cmds, a(m, v))
	}
	m.pending = nil
	return tea.Batch(cmds...)
}

// shownRows are the details the table shows (all of them without a
// filter), each record once.
func shownRows(v *detailsView) []api.Detail {
	l := v.list
	rows := make([]api.Detail, 0, l.Count())
	seen := make(map[string]bool, l.Count())
	for i := 0; i < l.Count(); i++ {
		d, ok := l.Row(l.PosOf(i))
		if !ok || (d.ID != "" && seen[d.ID]) {
			continue // rows without an id are each their own
		}
		seen[d.ID] = true
		rows = append(rows, d)
	}
	return rows
}

func copyShown(m *Model, v *detailsView) tea.Cmd {
	rows := shownRows(v)
	ids := make([]string, len(rows))
	for i, d := range rows {
		ids[i] = d.DesktopID
	}
	return m.clip.copy(strings.Join(ids, "\n"), plural(len(ids), "desktop id", "desktop ids"))
}

func exportShown(m *Model, v *detailsView) tea.Cmd {
	dir := m.cfg.ExportDir
	if dir == "" {
		dir = "."
	}
	return exportCSV(dir, m.cfg.RecordID, shownRows(v), time.Now())
}
