package ui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"
)

// What a pagedList shows: rows by display index (all positions, or a
// filtered and sorted order), the cursor and scroll, and row states.

// count is how many rows are shown: all positions, or the filtered order.
func (l *pagedList[T]) count() int {
	if l.order != nil {
		return len(l.order)
	}
	return max(l.total, 0)
}

// posOf is the position shown at display index i.
func (l *pagedList[T]) posOf(i int) int {
	if l.order != nil {
		if i < 0 || i >= len(l.order) {
			return -1
		}
		return l.order[i]
	}
	return i
}

// displayIndex is where position pos is shown, or -1 when it is filtered out.
func (l *pagedList[T]) displayIndex(pos int) int {
	if l.order == nil {
		return pos
	}
	for i, p := range l.order {
		if p == pos {
			return i
		}
	}
	return -1
}

// setOrder shows the positions in order (nil: all), keeping the cursor on
// the same record when it is still shown.
func (l *pagedList[T]) setOrder(order []int) {
	keep := -1
	if it, ok := l.selected(); ok {
		keep = l.posOf(l.cursor)
		if pos, indexed := l.index[l.idOf(it)]; indexed {
			keep = pos
		}
	}
	l.order = order
	if i := l.displayIndex(keep); keep >= 0 && i >= 0 {
		l.cursor = i
	} else if keep >= 0 {
		l.cursor = 0 // the record is filtered out: start at the top
	}
	l.cursor = clamp(l.cursor, 0, max(l.count()-1, 0))
	l.scrollToCursor()
}

// allLoaded reports whether every row of the listing is held.
func (l *pagedList[T]) allLoaded() bool {
	return l.total >= 0 && l.loadedRows() >= l.total
}

// each calls f with every loaded row's position and value, in position
// order (rows of older generations included), each record once even when
// the listing shifted between pages and holds it twice.
func (l *pagedList[T]) each(f func(pos int, row *T)) {
	held := make([]int, 0, len(l.pages))
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			held = append(held, p)
		}
	}
	slices.Sort(held)
	var seen map[string]bool
	if l.dupes {
		seen = make(map[string]bool, l.loadedRows())
	}
	for _, p := range held {
		rows := l.pages[p].rows
		for i := range rows {
			if id := l.idOf(rows[i]); seen != nil && id != "" { // rows without an id are each their own
				if seen[id] {
					continue // each record once, at its first position
				}
				seen[id] = true
			}
			f(p*l.pageSize+i, &rows[i])
		}
	}
}

// setItems makes the list hold items, all at once, without fetching: for
// lists computed in memory (failure groups). The cursor stays on the same
// item if it is still there.
func (l *pagedList[T]) setItems(items []T) {
	keep := ""
	if it, ok := l.selected(); ok && l.cursor > 0 { // at the top, stay at the top
		keep = l.idOf(it)
	}
	clear(l.pages)
	clear(l.index)
	for p := 0; p*l.pageSize < len(items); p++ {
		rows := items[p*l.pageSize : min((p+1)*l.pageSize, len(items))]
		l.pages[p] = &page[T]{loadedGen: l.gen, rows: rows}
	}
	for i, it := range items {
		l.index[l.idOf(it)] = i
	}
	l.total = -1 // force setTotal to clamp
	l.setTotal(len(items))
	l.version++
	if pos, ok := l.index[keep]; ok && keep != "" {
		l.cursor = pos
		l.scrollToCursor()
	}
}

func (l *pagedList[T]) state(pos int) rowState {
	if pos < 0 || pos >= max(l.total, 0) {
		return rowPending
	}
	pg, ok := l.pages[pos/l.pageSize]
	switch {
	case !ok:
		return rowPending
	case pg.loadedGen >= 0 && pos%l.pageSize < len(pg.rows):
		return rowLoaded // possibly from an older generation, until the new one lands
	case pg.err != nil:
		return rowFailed
	case pg.loading:
		return rowLoading
	}
	return rowPending
}

// errAt is the error of the page holding pos (the first page while the
// total is unknown), or nil.
func (l *pagedList[T]) errAt(pos int) error {
	if l.total < 0 {
		pos = 0
	} else if l.state(pos) != rowFailed {
		return nil
	}
	if pg, ok := l.pages[pos/l.pageSize]; ok {
		return pg.err
	}
	return nil
}

func (l *pagedList[T]) row(pos int) (T, bool) {
	if l.state(pos) != rowLoaded {
		var zero T
		return zero, false
	}
	return l.pages[pos/l.pageSize].rows[pos%l.pageSize], true
}

func (l *pagedList[T]) selected() (T, bool) { return l.row(l.posOf(l.cursor)) }

func (l *pagedList[T]) loading() bool { return l.inFlight > 0 }

func (l *pagedList[T]) anyFailed() bool {
	for _, pg := range l.pages {
		if pg.err != nil {
			return true
		}
	}
	return false
}

// loadedRows counts the rows held.
func (l *pagedList[T]) loadedRows() int {
	l.countHeld()
	return l.held.rows
}

// countHeld refreshes the cached count and extent of the rows held.
func (l *pagedList[T]) countHeld() {
	if l.held.version == l.version && l.version > 0 {
		return
	}
	rows, furthest := 0, 0
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			rows += len(pg.rows)
			furthest = max(furthest, p*l.pageSize+len(pg.rows))
		}
	}
	l.held.version, l.held.rows, l.held.furthest = l.version, rows, furthest
}

func (l *pagedList[T]) setHeight(h int) tea.Cmd {
	l.height = max(h, 1)
	l.scrollToCursor()
	return l.ensure()
}

// moveBy moves the cursor by delta rows.
func (l *pagedList[T]) moveBy(delta int) tea.Cmd { return l.moveTo(l.cursor + delta) }

// moveTo puts the cursor on display index pos (clamped) and fetches what
// comes into view.
func (l *pagedList[T]) moveTo(pos int) tea.Cmd {
	if l.count() <= 0 {
		return nil
	}
	pos = clamp(pos, 0, l.count()-1)
	switch {
	case pos > l.cursor:
		l.dir = 1
	case pos < l.cursor:
		l.dir = -1
	}
	l.cursor, l.keepID = pos, ""
	l.scrollToCursor()
	return l.ensure()
}

func (l *pagedList[T]) scrollToCursor() {
	h := max(l.height, 1)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = clamp(l.top, 0, max(l.count()-h, 0))
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
