package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

var groupColumns = []column[triage.FailureGroup]{
	{title: "COUNT", width: 6, priority: 0, right: true, value: func(g triage.FailureGroup) string { return commas(g.Count) }},
	{title: "STATUS", width: 7, priority: 0, value: func(g triage.FailureGroup) string { return sanitize.Line(g.Key.Status) },
		style: func(st styles.Styles, g triage.FailureGroup) lipgloss.Style { return st.Status(g.Key.Status) }},
	{title: "CODE", width: 12, priority: 1, value: func(g triage.FailureGroup) string { return orDash(sanitize.Line(g.Key.Code)) }},
	{title: "FAIL REASON", width: 20, maxWidth: -1, priority: 0, value: func(g triage.FailureGroup) string { return orDash(sanitize.Line(g.Key.Reason)) }},
}

func groupPaneText(g triage.FailureGroup, st styles.Styles, width int) string {
	names := make([]string, len(g.Desktops))
	for i, n := range g.Desktops {
		names[i] = sanitize.Line(n)
	}
	more := ""
	if g.Count > len(names) {
		more = ", …"
	}
	return labelled([]field{
		{"Rows", commas(g.Count)},
		{"Status", st.Status(g.Key.Status).Render(sanitize.Line(g.Key.Status))},
		{"Result code", orDash(sanitize.Line(g.Key.Code))},
		{"Fail reason", orDash(sanitize.Block(g.Key.Reason))},
		{"Desktops", strings.Join(names, ", ") + more},
		{"", "enter shows these rows"},
	}, st, width)
}

// groupsView lists the failure groups of the details view below it,
// regrouping as more pages of the record arrive.
type groupsView struct {
	*listView[triage.FailureGroup]
	details *detailsView
	seen    int // the details' version when last grouped
	tally   triage.GroupTally
}

func newGroupsView(details *detailsView) *groupsView {
	v := &groupsView{
		listView: &listView[triage.FailureGroup]{
			list:      newPagedList[triage.FailureGroup](nil, triage.GroupID, paging.Options{PageSize: 100}),
			cols:      groupColumns,
			noun:      "failure groups",
			empty:     "No FAIL or SKIP rows.",
			crumbText: "failure groups",
			paneText:  groupPaneText,
			started:   true,
		},
		details: details,
		seen:    -1,
	}
	v.fields = func(g triage.FailureGroup) map[filter.Field]string {
		return map[filter.Field]string{filter.Code: g.Key.Code, filter.Reason: g.Key.Reason, filter.Status: g.Key.Status}
	}
	v.prompt = details.prompt // the same prompt's look, a prompt of its own
	v.prompt.SetValue("")
	v.setText = v.filterText
	v.noMatch = "/ edits the filter (empty it there to clear it)."
	v.sync()
	return v
}

// sync regroups when the details' rows changed since last time.
func (v *groupsView) sync() {
	if n := v.details.list.Version(); n != v.seen {
		v.seen = n
		v.list.SetItems(v.tally.Update(v.details.list.List))
		if v.lf.active() {
			v.orderByListFilter()
		}
	}
}

// copySelected is the group's desktop ids, one a line.
func (v *groupsView) copySelected() (string, string, bool) {
	g, ok := v.list.Selected()
	if !ok {
		return "", "", false
	}
	var ids []string
	v.details.list.Each(func(_ int, r *triage.Row) {
		if s := r.Shared(); (triage.GroupKey{Status: s.Status, Code: s.Code, Reason: s.Reason}) == g.Key {
			ids = append(ids, r.DesktopID())
		}
	})
	return strings.Join(ids, "\n"), plural(len(ids), "desktop id", "desktop ids") + " of the group", len(ids) > 0
}

// key: Enter goes back to the details, showing exactly the group's rows;
// / filters the groups.
func (v *groupsView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	if !key.Matches(msg, h.keyMap().Open) {
		return v.listView.key(h, msg)
	}
	g, ok := v.list.Selected()
	if !ok {
		return nil, true
	}
	cmd := h.pop()
	return tea.Batch(cmd, v.details.showGroup(g.Key, v)), true
}

// afterPage regroups as pages of the details arrive.
func (v *groupsView) afterPage(host) tea.Cmd {
	v.sync()
	return nil
}

// loadProgress is the details' load-all bar: the groups fill as it runs.
func (v *groupsView) loadProgress() string { return v.details.loadProgress() }

func (v *groupsView) helpKeys(c helpContext) keyHelp {
	return c.list(listKeys{canOpen: true, lists: []key.Binding{c.k.Filter}})
}

// refresh reloads the run the groups count (r, watch mode); the groups
// follow as its pages come.
func (v *groupsView) refresh() tea.Cmd { return v.details.refresh() }

// running is the run's: watch mode goes on while it runs.
func (v *groupsView) running() bool { return v.details.running() }

func (v *groupsView) summary(progress string) string {
	line := "FAIL and SKIP rows by result code and reason, largest first · enter filters the details"
	if progress != "" {
		line = progress + " │ " + line
	}
	return line
}
