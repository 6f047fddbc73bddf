package paging

import (
	"slices"
	"time"
)

// What a List shows: rows by display index (all positions, or a filtered
// and sorted order), the cursor and scroll, and row states.

// Count is how many rows are shown: all positions, or the filtered order.
func (l *List[T]) Count() int {
	if l.order != nil {
		return len(l.order)
	}
	return max(l.total, 0)
}

// PosOf is the position shown at display index i.
func (l *List[T]) PosOf(i int) int {
	if l.order != nil {
		if i < 0 || i >= len(l.order) {
			return -1
		}
		return l.order[i]
	}
	return i
}

// DisplayIndex is where position pos is shown, or -1 when it is filtered out.
func (l *List[T]) DisplayIndex(pos int) int {
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

// Ordered reports whether a filter or sort decides what is shown.
func (l *List[T]) Ordered() bool { return l.order != nil }

// SetOrder shows the positions in order (nil: all), keeping the cursor on
// the same record when it is still shown.
func (l *List[T]) SetOrder(order []int) {
	keep := -1
	if it, ok := l.Selected(); ok {
		keep = l.PosOf(l.cursor)
		if pos, indexed := l.index[l.idOf(it)]; indexed {
			keep = pos
		}
	}
	l.order = order
	if i := l.DisplayIndex(keep); keep >= 0 && i >= 0 {
		l.cursor = i
	} else if keep >= 0 {
		l.cursor = 0 // the record is filtered out: start at the top
	}
	l.cursor = clamp(l.cursor, 0, max(l.Count()-1, 0))
	l.scrollToCursor()
}

// SetLoadAll asks for every page (or stops asking); Ensure sends the
// requests.
func (l *List[T]) SetLoadAll(on bool) { l.loadAll = on }

// LoadAll reports whether every page is being asked for.
func (l *List[T]) LoadAll() bool { return l.loadAll }

// AllLoaded reports whether every row of the listing is held (of any
// generation: what the screen can show).
func (l *List[T]) AllLoaded() bool {
	return l.total >= 0 && l.LoadedRows() >= l.total && !l.probing()
}

// allCurrent reports whether every row is held from the current
// generation: after a refresh, load-all asks for every page again.
func (l *List[T]) allCurrent() bool {
	l.countHeld()
	return l.total >= 0 && l.held.current >= l.total && !l.probing()
}

// AllCurrent is AllLoaded for this generation: what work that needs every
// fresh row (an export after a refresh) waits for.
func (l *List[T]) AllCurrent() bool { return l.allCurrent() }

// Each calls f with every loaded row's position and value, in position
// order (rows of older generations included), each record once even when
// the listing shifted between pages and holds it twice.
func (l *List[T]) Each(f func(pos int, row *T)) {
	held := make([]int, 0, len(l.pages))
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			held = append(held, p)
		}
	}
	slices.Sort(held)
	var seen map[string]bool
	if l.dupes {
		seen = make(map[string]bool, l.LoadedRows())
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

// EachPage calls f with every page that holds rows (the pages Each walks,
// in no particular order): its number, its rows, and a stamp that changes
// whenever those rows do. What is derived from the rows (counts, a sorted
// order) can then take in only the pages that are new to it.
func (l *List[T]) EachPage(f func(page, stamp int, rows []T)) {
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			f(p, pg.stamp, pg.rows)
		}
	}
}

// Stamp is the stamp of the page holding position pos (see EachPage): a
// drawn row is good while it stays the same.
func (l *List[T]) Stamp(pos int) int {
	if pg, ok := l.pages[pos/l.pageSize]; ok && pos >= 0 {
		return pg.stamp
	}
	return -1
}

// Dupes reports whether some record is held at two positions: Each then
// yields it once, at the first, which page by page cannot see.
func (l *List[T]) Dupes() bool { return l.dupes }

// SetItems makes the list hold items, all at once, without fetching: for
// lists computed in memory (failure groups). The cursor stays on the same
// item if it is still there.
func (l *List[T]) SetItems(items []T) {
	keep := ""
	if it, ok := l.Selected(); ok && l.cursor > 0 { // at the top, stay at the top
		keep = l.idOf(it)
	}
	for p := range l.pages {
		l.dropPage(p)
	}
	clear(l.index)
	for p := 0; p*l.pageSize < len(items); p++ {
		rows := items[p*l.pageSize : min((p+1)*l.pageSize, len(items))]
		l.pages[p] = &page[T]{loadedGen: l.gen, rows: rows, stamp: l.version + 1}
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

// State says what position pos holds.
func (l *List[T]) State(pos int) RowState {
	if pos < 0 || pos >= max(l.total, 0) {
		return RowPending
	}
	pg, ok := l.pages[pos/l.pageSize]
	switch {
	case !ok:
		return RowPending
	case pg.loadedGen >= 0 && pos%l.pageSize < len(pg.rows):
		return RowLoaded // possibly from an older generation, until the new one lands
	case pg.state == failed:
		return RowFailed
	case pg.state.pending():
		return RowLoading
	}
	return RowPending
}

// ErrAt is the error of the page holding pos (the first page while the
// total is unknown), or nil.
func (l *List[T]) ErrAt(pos int) error {
	if l.total < 0 {
		pos = 0
	} else if l.State(pos) != RowFailed {
		return nil
	}
	if pg, ok := l.pages[pos/l.pageSize]; ok {
		return pg.err
	}
	return nil
}

// Row is the row at position pos, when it is loaded.
func (l *List[T]) Row(pos int) (T, bool) {
	if l.State(pos) != RowLoaded {
		var zero T
		return zero, false
	}
	return l.pages[pos/l.pageSize].rows[pos%l.pageSize], true
}

// Selected is the row under the cursor, when it is loaded.
func (l *List[T]) Selected() (T, bool) { return l.Row(l.PosOf(l.cursor)) }

// ID is the id of a row.
func (l *List[T]) ID(it T) string { return l.idOf(it) }

// Loading reports requests out, or pages waiting to be retried.
func (l *List[T]) Loading() bool { return l.count[sent] > 0 || l.Waiting() }

// Waiting reports a page waiting out a back-off before it is asked again.
func (l *List[T]) Waiting() bool { return l.count[backingOff]+l.count[heldOff] > 0 }

// NextTry is the soonest of the pages waiting to be asked again: when
// (due) and which try it will be (2 for the first retry); ok is false
// when none waits. A retry that is routine (a throttled page, a gateway's
// 503) is waiting, not failure: the screen says so with these.
//
// A retry out already counts too (its due time past): asked again, it
// may wait its turn in the client's rate budget, and until it is
// answered the error it follows is still routine, not a failure.
func (l *List[T]) NextTry() (try int, due time.Time, ok bool) {
	if !l.Waiting() && l.count[sent] == 0 {
		return 0, time.Time{}, false
	}
	for _, pg := range l.pages {
		retrying := pg.state == sent && pg.retries > 0
		if (pg.state == backingOff || pg.state == heldOff || retrying) && (!ok || pg.due.Before(due)) {
			try, due, ok = pg.retries+1, pg.due, true
		}
	}
	return try, due, ok
}

// AnyFailed reports a page that failed for good (until a refresh).
func (l *List[T]) AnyFailed() bool { return l.count[failed] > 0 }

// Err is the most recent page error, until every page is fine again, or
// why the listing was cut short.
func (l *List[T]) Err() error {
	if l.lastErr != nil {
		return l.lastErr
	}
	return l.repeatErr
}

// Total is the listing's length as far as it is known (-1 before the first page).
func (l *List[T]) Total() int { return l.total }

// Version changes whenever the rows held change; caches key on it.
func (l *List[T]) Version() int { return l.version }

// PageSize is the rows a request asks for.
func (l *List[T]) PageSize() int { return l.pageSize }

// Concurrency is how many requests may be out at once (fewer after throttling).
func (l *List[T]) Concurrency() int { return l.concurrency }

// Cursor and Top are display indices; Height is the rows on screen.
func (l *List[T]) Cursor() int { return l.cursor }
func (l *List[T]) Top() int    { return l.top }
func (l *List[T]) Height() int { return l.height }

// Keep puts the cursor on the record with this id when it arrives.
func (l *List[T]) Keep(id string) { l.keepID = id }

// LoadedRows counts the rows held.
func (l *List[T]) LoadedRows() int {
	l.countHeld()
	return l.held.rows
}

// countHeld refreshes the cached count and extent of the rows held.
func (l *List[T]) countHeld() {
	if l.held.version == l.version && l.held.gen == l.gen && l.version > 0 {
		return
	}
	rows, current, furthest := 0, 0, 0
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			rows += len(pg.rows)
			if pg.loadedGen == l.gen {
				current += len(pg.rows)
			}
			furthest = max(furthest, p*l.pageSize+len(pg.rows))
		}
	}
	l.held.version, l.held.gen, l.held.rows, l.held.current, l.held.furthest = l.version, l.gen, rows, current, furthest
}

// SetHeight says how many rows the screen shows, and asks for them.
func (l *List[T]) SetHeight(h int) []Request {
	l.Size(h)
	return l.Ensure()
}

// Size says how many rows the screen shows, asking for nothing (a list
// not yet on screen).
func (l *List[T]) Size(h int) {
	l.height = max(h, 1)
	l.scrollToCursor()
}

// MoveBy moves the cursor by delta rows.
func (l *List[T]) MoveBy(delta int) []Request { return l.MoveTo(l.cursor + delta) }

// MoveTo puts the cursor on display index i (clamped) and asks for what
// comes into view.
func (l *List[T]) MoveTo(i int) []Request {
	if l.Count() <= 0 {
		return nil
	}
	i = clamp(i, 0, l.Count()-1)
	switch {
	case i > l.cursor:
		l.dir = 1
	case i < l.cursor:
		l.dir = -1
	}
	l.cursor, l.keepID = i, ""
	l.scrollToCursor()
	l.seek = endSeek{want: i == l.Count()-1 && l.order == nil} // G: the end is wanted
	l.seekEnd()
	return l.Ensure()
}

func (l *List[T]) scrollToCursor() {
	h := max(l.height, 1)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = clamp(l.top, 0, max(l.Count()-h, 0))
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
