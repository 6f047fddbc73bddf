package ui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// view is one level of the drill-down (tasks, records of a task, details of
// a record) as the root model sees it. All three are listView[T]: one paged
// table mechanism with its own columns, pane text and child.
type view interface {
	// start asks for the first page unless the view has started already;
	// views below the top of the stack start only when first shown.
	start() tea.Cmd
	// handle takes a page message addressed to this view.
	handle(msg tea.Msg) (cmd tea.Cmd, handled bool)
	moveBy(delta int) tea.Cmd
	moveTo(pos int) tea.Cmd
	refresh() tea.Cmd
	setSize(width, height int) tea.Cmd
	status() listStatus
	table(st styles.Styles, spin string) string
	// pane is the selected row's id and detail text (id "" for a placeholder).
	// full asks for every field (the pane zoomed, no table beside it).
	pane(st styles.Styles, width int, full bool) (id, text string)
	// open returns the child view of the selected row, or nil at the leaf
	// or while the row is not loaded.
	open() view
	// rowAt is the display index of the row drawn on line y of the table
	// (0 is its first line), or -1 for a title line or no row.
	rowAt(y int) int
	// helpKeys is this screen's help (help.go): the footer and the full help.
	helpKeys(c helpContext) keyHelp
	leaf() bool
	running() bool // any loaded row still RUNNING or WAITING (watch mode)
	crumb() string // this level in the breadcrumb ("" for the root)
	close()
}

// listStatus is what the header and status line show about a view.
type listStatus struct {
	noun                         string
	total, shown, loaded, cursor int
	loading, firstPageFail       bool
	err                          error  // the latest page error
	pageHeight                   int    // rows on screen, for PgUp/PgDn
	filter                       string // the list's own filter, in a few words
	// waiting says err is routine and a page waits to be asked again
	// (try nextTry, due then); none failed for good.
	waiting bool
	nextTry int
	due     time.Time
	// stored says the rows came from the store, not the API.
	stored bool
}

// listView is a view over rows of type T.
type listView[T any] struct {
	list      *pagedList[T]
	cols      []column[T]
	widths    []int
	width     int
	height    int // table lines, column titles included
	noun      string
	empty     string
	crumbText string
	paneText  func(T, styles.Styles, int) string
	child     func(T) view // nil at the leaf
	// copyID is what y copies of a row, and what to call it ("task id …").
	copyID    func(T) (text, what string)
	isRunning func(T) bool // a row still in progress, for watch mode
	started   bool
	rows      rowCache // drawn rows, for redraws
	// noMatch says which keys change a filter that matches nothing.
	noMatch string

	// Filtering (listfilter.go): fields are what / looks at, failed what f
	// keeps; setText applies / text (the list's own filter, or the
	// details' triage). nil: the list does not filter that way.
	fields  func(T) map[filter.Field]string
	failed  func(T) bool
	setText func(filter.Expr) tea.Cmd
	lf      listFilter
	// tf is the shared time format, whose epoch the drawn rows follow.
	tf *triage.TimeFormat
	// sorted and sortDesc mark the sorted column's title (the details').
	sorted   triage.SortKey
	sortDesc bool
	// colSort is the column o sorts a list of its own by, from 1 (0:
	// none, the API's order; columns with a sortValue), colDesc its
	// direction (O).
	colSort int
	colDesc bool
	// export, when set, writes the rows shown (e): lists of details
	// that are not a run's own (the desktops gone).
	export func(h host, shown []T) tea.Cmd

	prompt     textinput.Model // the / filter
	promptOpen bool
	promptErr  string // why the text does not parse
}

// noMatchText is what a filter that matches no row shows: that nothing
// matches (so far, while pages still load), and the keys that change it.
func (v *listView[T]) noMatchText() string {
	l := v.list
	text := "No rows match."
	if l.LoadAll() && !l.AllCurrent() {
		text = fmt.Sprintf("No rows match so far (%s of %s loaded).", commas(l.LoadedRows()), commas(max(l.Total(), 0)))
	}
	if v.noMatch != "" {
		text += " " + v.noMatch
	}
	if v.lf.failedOnly {
		text += " f turns failed-only off."
	}
	return text
}

// running reports whether any loaded row is still in progress.
func (v *listView[T]) running() bool {
	found := false
	if v.isRunning != nil {
		v.list.Each(func(_ int, it *T) { found = found || v.isRunning(*it) })
	}
	return found
}

func (v *listView[T]) start() tea.Cmd {
	if v.started {
		return nil
	}
	v.started = true
	return v.list.start()
}

func (v *listView[T]) handle(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case pageMsg[T]:
		if msg.list == v.list.id {
			cmd := v.list.handle(msg)
			if v.lf.active() {
				v.orderByListFilter()
			}
			return cmd, true
		}
	case retryPageMsg:
		if msg.list == v.list.id {
			return v.list.retry(msg), true
		}
	}
	return nil, false
}

func (v *listView[T]) moveBy(delta int) tea.Cmd { return v.list.moveBy(delta) }
func (v *listView[T]) moveTo(pos int) tea.Cmd   { return v.list.moveTo(pos) }
func (v *listView[T]) refresh() tea.Cmd         { v.started = true; return v.list.refresh() }
func (v *listView[T]) close()                   { v.list.close() }
func (v *listView[T]) crumb() string            { return v.crumbText }
func (v *listView[T]) leaf() bool               { return v.child == nil }

func (v *listView[T]) copySelected() (string, string, bool) {
	it, ok := v.list.Selected()
	if !ok || v.copyID == nil {
		return "", "", false
	}
	text, what := v.copyID(it)
	return text, what, text != ""
}

func (v *listView[T]) rowAt(y int) int {
	t := titleLines(v.height)
	if y < t || y >= v.height || v.list.Total() < 0 {
		return -1
	}
	if i := v.list.Top() + y - t; i < v.list.Count() {
		return i
	}
	return -1
}

func (v *listView[T]) helpKeys(c helpContext) keyHelp { return c.list(v.listKeys(c.k)) }

// listKeys are the list's keys for its help: f and / where it has them.
func (v *listView[T]) listKeys(k keymap.KeyMap) listKeys {
	lk := listKeys{canOpen: !v.leaf()}
	if v.failed != nil {
		lk.lists = append(lk.lists, k.FailedOnly)
	}
	if v.setText != nil {
		lk.lists = append(lk.lists, k.Filter)
	}
	if v.sortable() {
		lk.extra = append(lk.extra, k.Sort, k.Reverse) // the full help's: the footer keeps ? and q at 80 columns
	}
	if v.copyID != nil {
		lk.extra = append(lk.extra, k.CopyAll)
	}
	if v.export != nil {
		lk.extra = append(lk.extra, k.Export)
	}
	return lk
}

// setSize lays out the columns for width; the table has height lines, one
// of them the column titles.
func (v *listView[T]) setSize(width, height int) tea.Cmd {
	v.width, v.height = width, height
	v.widths = layoutColumns(v.cols, width)
	rows := height - titleLines(height)
	if !v.started {
		v.list.Size(rows)
		return nil
	}
	return v.list.setHeight(rows)
}

func (v *listView[T]) status() listStatus {
	l := v.list
	s := listStatus{
		noun: v.noun, total: l.Total(), shown: l.Count(), loaded: l.LoadedRows(), cursor: l.Cursor(),
		loading: l.Loading(), firstPageFail: l.Total() < 0 && l.AnyFailed(),
		err: l.Err(), pageHeight: l.Height(), filter: v.lf.describe(),
	}
	if !l.AnyFailed() {
		s.nextTry, s.due, s.waiting = l.NextTry()
	}
	return s
}

func (v *listView[T]) table(st styles.Styles, spin string) string {
	l := v.list
	var msg string
	switch {
	case l.Total() < 0 && l.AnyFailed():
		msg = st.Error.Render("Could not load the " + v.noun + ".\n\n" + errorBlock(l.ErrAt(0), v.width-4))
	case l.Total() < 0:
		msg = st.Placeholder.Render(spin + " loading…")
	case l.Total() == 0:
		msg = st.Placeholder.Render(v.empty)
	case l.Ordered() && l.Count() == 0:
		msg = st.Placeholder.Render(v.noMatchText())
	default:
		if v.tf != nil {
			v.rows.timeEpoch = v.tf.CacheEpoch()
		}
		return renderTable(l, v.cols, v.widths, st, spin, v.width, v.height, &v.rows, v.sorted, v.sortDesc)
	}
	return lipgloss.NewStyle().Width(v.width).Height(v.height).MaxHeight(v.height).Padding(1, 2).Render(msg)
}

func (v *listView[T]) pane(st styles.Styles, width int, _ bool) (string, string) {
	l := v.list
	if it, ok := l.Selected(); ok {
		return l.ID(it), v.paneText(it, st, width)
	}
	if err := l.ErrAt(l.PosOf(l.Cursor())); err != nil && l.Total() >= 0 {
		return "", st.Error.Render(errorBlock(err, width))
	}
	text := "loading…"
	switch {
	case l.Total() == 0:
		text = "nothing to show"
	case l.Ordered() && l.Count() == 0:
		text = "no rows match"
	case l.Total() < 0 && l.AnyFailed():
		text = "—" // the table says what failed
	}
	return "", st.Placeholder.Render(text)
}

func (v *listView[T]) open() view {
	if v.child == nil {
		return nil
	}
	it, ok := v.list.Selected()
	if !ok {
		return nil
	}
	return v.child(it)
}
