package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/triage"
)

// Every list filters: / over the fields a row has, and f for its failures
// (a task whose last run failed, a run with failed desktops). The details
// have more (triage.go); the / prompt is the same on every screen.

// listFilter is a list's own filter (the details use their triage).
type listFilter struct {
	failedOnly bool
	text       filter.Expr
}

func (f listFilter) active() bool { return f.failedOnly || !f.text.Empty() }

// describe is the filter in a few words, for the header.
func (f listFilter) describe() string {
	switch {
	case f.failedOnly && !f.text.Empty():
		return "failed only · /" + f.text.String()
	case f.failedOnly:
		return "failed only"
	case !f.text.Empty():
		return "/" + f.text.String()
	}
	return ""
}

// key handles / and f on a list that has them.
func (v *listView[T]) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	k := h.keyMap()
	switch {
	case key.Matches(msg, k.Filter) && v.setText != nil:
		return v.openPrompt(v.lf.text.String()), true
	case key.Matches(msg, k.FailedOnly) && v.failed != nil:
		v.lf.failedOnly = !v.lf.failedOnly
		return v.applyListFilter(), true
	case key.Matches(msg, k.CopyAll) && v.copyID != nil:
		return v.copyShownIDs(h), true
	case key.Matches(msg, k.Export) && v.export != nil:
		var shown []T
		for i := range v.list.Count() {
			if it, ok := v.list.Row(v.list.PosOf(i)); ok {
				shown = append(shown, it)
			}
		}
		return v.export(h, shown), true
	case key.Matches(msg, k.Sort) && v.sortable():
		v.colSort, v.colDesc = v.nextSortable(v.colSort-1)+1, false // a new column: ascending
		return v.applySort(), true
	case key.Matches(msg, k.Reverse) && v.sortable():
		if v.colSort == 0 {
			v.colSort = v.nextSortable(-1) + 1
		}
		v.colDesc = !v.colDesc
		return v.applySort(), true
	}
	return nil, false
}

// copyShownIDs copies the id of every row shown (the filter's), one a
// line: Y on any list with ids (the gone desktops, the trend's, the
// failure groups' rows go through their own).
func (v *listView[T]) copyShownIDs(h host) tea.Cmd {
	var ids []string
	what := ""
	for i := range v.list.Count() {
		if it, ok := v.list.Row(v.list.PosOf(i)); ok {
			text, w := v.copyID(it)
			if text != "" {
				ids, what = append(ids, text), w
			}
		}
	}
	if len(ids) == 0 {
		h.setNote("no id to copy")
		return nil
	}
	if n := len(ids); n > 1 {
		// "desktop id 1a2b…" names one: the kind, counted.
		kind, _, _ := strings.Cut(what, " id")
		what = fmt.Sprintf("%s %s ids", commas(n), kind)
	}
	return h.copyText(strings.Join(ids, "\n"), what)
}

// filterText applies / text to a list's own filter (the setText of lists
// that have fields).
func (v *listView[T]) filterText(expr filter.Expr) tea.Cmd {
	v.lf.text = expr
	return v.applyListFilter()
}

// applyListFilter shows the rows that match, loading every page (the API
// cannot filter), or every row when the filter is off.
func (v *listView[T]) applyListFilter() tea.Cmd {
	l := v.list
	if !v.lf.active() && v.colSort == 0 {
		l.SetOrder(nil)
		l.SetLoadAll(false) // refreshes ask for the visible pages again, not all
		return nil
	}
	l.SetLoadAll(true)
	v.orderByListFilter()
	return l.ensure()
}

// orderByListFilter recomputes the rows shown from the rows held.
func (v *listView[T]) orderByListFilter() {
	order := []int{}
	v.list.Each(func(pos int, it *T) {
		if v.lf.failedOnly && !v.failed(*it) {
			return
		}
		if v.fields != nil && !v.lf.text.MatchFields(v.fields(*it)) {
			return
		}
		order = append(order, pos)
	})
	if c := v.colSort - 1; c >= 0 && c < len(v.cols) && v.cols[c].sortValue != nil {
		by := v.cols[c].sortValue
		keys := make(map[int]string, len(order))
		for _, pos := range order {
			if it, ok := v.list.Row(pos); ok {
				keys[pos] = by(it)
			}
		}
		slices.SortStableFunc(order, func(a, b int) int {
			c := strings.Compare(keys[a], keys[b])
			if v.colDesc {
				c = -c
			}
			return c
		})
	}
	v.list.SetOrder(order)
}

// sortByTitleAt sorts a list of its own by the column whose title is at
// x, the other way when it is sorted by it already.
func (v *listView[T]) sortByTitleAt(x int) tea.Cmd {
	c := columnAt(v.widths, x)
	if c < 0 || v.cols[c].sortValue == nil {
		return nil
	}
	if v.colSort == c+1 {
		v.colDesc = !v.colDesc
	} else {
		v.colSort, v.colDesc = c+1, false
	}
	return v.applySort()
}

// sortable reports a list whose own columns o sorts (the task list).
func (v *listView[T]) sortable() bool { return v.nextSortable(-1) >= 0 }

// nextSortable is the sortable column after i, -1 past the last (no
// sort: the API's order).
func (v *listView[T]) nextSortable(i int) int {
	for j := i + 1; j < len(v.cols); j++ {
		shown := j >= len(v.widths) || v.widths[j] > 0 // a column the width hides is not sorted by unseen
		if v.cols[j].sortValue != nil && shown {
			return j
		}
	}
	return -1
}

// listSortBase marks a list's own sorted column in its title (▲▼) as the
// details' sort keys do theirs: a key past theirs, by column.
const listSortBase triage.SortKey = 1000

// applySort orders the list by its sorted column (every page is needed),
// or as the API lists it when none is, the filter kept.
func (v *listView[T]) applySort() tea.Cmd {
	v.sorted, v.sortDesc = triage.SortNone, v.colDesc
	for i := range v.cols {
		if v.cols[i].sortKey >= listSortBase {
			v.cols[i].sortKey = triage.SortNone
		}
	}
	if c := v.colSort - 1; c >= 0 {
		v.sorted = listSortBase + triage.SortKey(c)
		v.cols[c].sortKey = v.sorted
	}
	v.rows = rowCache{}
	return v.applyListFilter()
}

// The / prompt, on every screen that filters.

func (v *listView[T]) prompting() bool { return v.promptOpen }

func (v *listView[T]) openPrompt(text string) tea.Cmd {
	v.promptOpen, v.promptErr = true, ""
	v.prompt.SetValue(text)
	v.prompt.CursorEnd()
	return v.prompt.Focus()
}

// promptUpdate edits the / filter: Enter applies it (an empty one clears
// the filter), Esc cancels the edit and keeps the filter that was on, as
// less and vim do. Other messages (a paste, a blink) go to the text input.
func (v *listView[T]) promptUpdate(_ host, msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.Type {
		case tea.KeyEnter:
			expr, err := filter.Parse(v.prompt.Value())
			if err != nil {
				v.promptErr = "filter: " + err.Error()
				return nil
			}
			v.closePrompt()
			return v.setText(expr)
		case tea.KeyEsc, tea.KeyCtrlC:
			v.closePrompt()
			return nil
		}
		v.promptErr = ""
	}
	var cmd tea.Cmd
	v.prompt, cmd = v.prompt.Update(msg)
	return cmd
}

func (v *listView[T]) promptView(width int) (line, footer string) {
	v.prompt.Width = max(width-3, 1)
	footer = "enter applies (empty: no filter) · esc cancels"
	if v.promptErr != "" {
		footer = "✗ " + v.promptErr
	}
	return v.prompt.View(), footer
}

func (v *listView[T]) closePrompt() {
	v.promptOpen, v.promptErr = false, ""
	v.prompt.Blur()
}
