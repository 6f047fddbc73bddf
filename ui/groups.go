package ui

import (
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// failureGroup is the FAIL or SKIP rows that share a result code and a
// fail reason: the fastest answer to "why did this run fail".
type failureGroup struct {
	key      groupKey
	count    int
	desktops []string // the first few, for the pane
	at       []int    // the positions of desktops
}

// groupSample is how many desktops a group names.
const groupSample = 5

func groupID(g failureGroup) string {
	return g.key.status + "\x00" + g.key.code + "\x00" + g.key.reason
}

// tallyFailure counts the row at pos in its group, if it failed or was
// skipped. A group names the desktops of its first rows by position,
// whatever order they come in.
func tallyFailure(byKey map[groupKey]*failureGroup, pos int, r *detailRow) {
	s := r.sharedFields()
	if !filter.IsFailed(s.status) && !strings.EqualFold(s.status, "SKIP") {
		return
	}
	k := groupKey{s.status, s.code, s.reason}
	g, ok := byKey[k]
	if !ok {
		g = &failureGroup{key: k}
		byKey[k] = g
	}
	g.count++
	if len(g.at) == groupSample && pos > g.at[groupSample-1] {
		return
	}
	i, _ := slices.BinarySearch(g.at, pos)
	g.at = slices.Insert(g.at, i, pos)
	g.desktops = slices.Insert(g.desktops, i, r.name())
	if len(g.at) > groupSample {
		g.at, g.desktops = g.at[:groupSample], g.desktops[:groupSample]
	}
}

// sortedGroups are the groups largest first (ties by status, code,
// reason, so the order is stable).
func sortedGroups(byKey map[groupKey]*failureGroup) []failureGroup {
	groups := make([]failureGroup, 0, len(byKey))
	for _, g := range byKey {
		c := *g
		c.desktops, c.at = slices.Clone(g.desktops), nil // the tally goes on changing its own
		groups = append(groups, c)
	}
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.count != b.count {
			return a.count > b.count
		}
		return groupID(a) < groupID(b)
	})
	return groups
}

// groupTally keeps the failure groups (the loaded FAIL, FAILED and SKIP
// rows by status, code and reason) up to date page by page as the
// details arrive (see pagesSeen): regrouping every row for every page made
// the groups screen cost pages × n during a load-all.
type groupTally struct {
	seen  pagesSeen
	byKey map[groupKey]*failureGroup
}

func (t *groupTally) update(l *pagedList[detailRow]) []failureGroup {
	fresh, redo := t.seen.diff(l)
	if redo || t.byKey == nil {
		t.byKey = map[groupKey]*failureGroup{}
		l.Each(func(pos int, r *detailRow) { tallyFailure(t.byKey, pos, r) })
		return sortedGroups(t.byKey)
	}
	l.EachPage(func(p, _ int, rows []detailRow) {
		if slices.Contains(fresh, p) {
			for i := range rows {
				tallyFailure(t.byKey, p*l.PageSize()+i, &rows[i])
			}
		}
	})
	return sortedGroups(t.byKey)
}

var groupColumns = []column[failureGroup]{
	{title: "COUNT", width: 6, priority: 0, right: true, value: func(g failureGroup) string { return commas(g.count) }},
	{title: "STATUS", width: 7, priority: 0, value: func(g failureGroup) string { return sanitize.Line(g.key.status) },
		style: func(st styles.Styles, g failureGroup) lipgloss.Style { return st.Status(g.key.status) }},
	{title: "CODE", width: 12, priority: 1, value: func(g failureGroup) string { return orDash(sanitize.Line(g.key.code)) }},
	{title: "FAIL REASON", width: 20, maxWidth: -1, priority: 0, value: func(g failureGroup) string { return orDash(sanitize.Line(g.key.reason)) }},
}

func groupPaneText(g failureGroup, st styles.Styles, width int) string {
	names := make([]string, len(g.desktops))
	for i, n := range g.desktops {
		names[i] = sanitize.Line(n)
	}
	more := ""
	if g.count > len(names) {
		more = ", …"
	}
	return labelled([]field{
		{"Rows", commas(g.count)},
		{"Status", st.Status(g.key.status).Render(sanitize.Line(g.key.status))},
		{"Result code", orDash(sanitize.Line(g.key.code))},
		{"Fail reason", orDash(sanitize.Block(g.key.reason))},
		{"Desktops", strings.Join(names, ", ") + more},
		{"", "enter shows these rows"},
	}, st, width)
}

// groupsView lists the failure groups of the details view below it,
// regrouping as more pages of the record arrive.
type groupsView struct {
	*listView[failureGroup]
	details *detailsView
	seen    int // the details' version when last grouped
	tally   groupTally
}

func newGroupsView(details *detailsView) *groupsView {
	v := &groupsView{
		listView: &listView[failureGroup]{
			list:      newPagedList[failureGroup](nil, groupID, paging.Options{PageSize: 100}),
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
	v.fields = func(g failureGroup) map[filter.Field]string {
		return map[filter.Field]string{filter.Code: g.key.code, filter.Reason: g.key.reason, filter.Status: g.key.status}
	}
	v.prompt = details.prompt // the same prompt's look, a prompt of its own
	v.prompt.SetValue("")
	v.setText = v.filterText
	v.noMatch = "/ edits the filter (esc there clears it)."
	v.sync()
	return v
}

// sync regroups when the details' rows changed since last time.
func (v *groupsView) sync() {
	if n := v.details.list.Version(); n != v.seen {
		v.seen = n
		v.list.SetItems(v.tally.update(v.details.list))
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
	v.details.list.Each(func(_ int, r *detailRow) {
		if s := r.sharedFields(); (groupKey{s.status, s.code, s.reason}) == g.key {
			ids = append(ids, r.desktopID())
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
	return tea.Batch(cmd, v.details.showGroup(g.key, v)), true
}

// afterPage regroups as pages of the details arrive.
func (v *groupsView) afterPage(host) tea.Cmd {
	v.sync()
	return nil
}

// loadProgress is the details' load-all bar: the groups fill as it runs.
func (v *groupsView) loadProgress() string { return v.details.loadProgress() }

func (v *groupsView) helpKeys(k keymap.KeyMap, canGoBack bool) keymap.Help {
	h := k.HelpFor(true, canGoBack, false)
	h.Filter = true
	return h
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
