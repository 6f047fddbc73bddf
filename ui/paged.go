package ui

import (
	"context"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
)

// FetchFunc loads one page of a listing.
type FetchFunc[T any] func(ctx context.Context, offset, limit int) (api.Page[T], error)

// pageMsg carries one page (or its error) back to the list that asked for it.
// list and gen let the list drop answers meant for another list or for a
// generation before the latest refresh.
type pageMsg[T any] struct {
	list, gen, page int
	result          api.Page[T]
	err             error
}

// pageState is what the list knows about one page of rows.
type pageState struct {
	loading   bool  // a request of the current generation is out
	loadedGen int   // generation whose rows are held; -1 when none
	err       error // the current generation's request failed; cleared by refresh
}

// rowState says what a position holds.
type rowState int

const (
	rowPending rowState = iota // not requested yet
	rowLoading
	rowFailed
	rowLoaded
)

var listIDs atomic.Int64

// pagedList holds the rows of one listing by absolute position
// 0..total-1, fetched a page at a time as they come into view, and the
// cursor and scroll position over them. It renders nothing.
type pagedList[T any] struct {
	id       int
	fetch    FetchFunc[T]
	idOf     func(T) string
	pageSize int
	timeout  time.Duration

	gen    int
	ctx    context.Context // cancelled when gen moves on, so stale requests stop
	cancel context.CancelFunc

	total int // -1 until the first page arrives
	rows  []T
	pages []pageState
	index map[string]int // id -> position, for keeping the cursor on a record

	cursor, top, height int
	dir                 int    // last direction of travel: +1 down, -1 up; prefetch looks that way
	keepID              string // after a refresh, the record to keep the cursor on
	lastErr             error  // the most recent page error, for the status line
}

func newPagedList[T any](fetch FetchFunc[T], idOf func(T) string, pageSize int) *pagedList[T] {
	ctx, cancel := context.WithCancel(context.Background())
	return &pagedList[T]{
		id:       int(listIDs.Add(1)),
		fetch:    fetch,
		idOf:     idOf,
		pageSize: pageSize,
		timeout:  30 * time.Second,
		ctx:      ctx,
		cancel:   cancel,
		total:    -1,
		pages:    []pageState{{loadedGen: -1}},
		index:    map[string]int{},
		dir:      1,
	}
}

// start asks for the first page: the first screen costs one request.
func (l *pagedList[T]) start() tea.Cmd { return l.request(0) }

// close cancels whatever is in flight; the list is not used again.
func (l *pagedList[T]) close() { l.cancel() }

func (l *pagedList[T]) numPages() int {
	if l.total < 0 {
		return 1
	}
	return (l.total + l.pageSize - 1) / l.pageSize
}

// request returns a Cmd fetching page p, or nil when p is loading, failed
// (only a refresh retries it), already current, or out of range.
func (l *pagedList[T]) request(p int) tea.Cmd {
	if p < 0 || p >= len(l.pages) {
		return nil
	}
	ps := &l.pages[p]
	if ps.loading || ps.err != nil || ps.loadedGen == l.gen {
		return nil
	}
	ps.loading = true
	ctx, fetch, timeout := l.ctx, l.fetch, l.timeout
	list, gen, offset, limit := l.id, l.gen, p*l.pageSize, l.pageSize
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		res, err := fetch(ctx, offset, limit)
		return pageMsg[T]{list: list, gen: gen, page: p, result: res, err: err}
	}
}

// ensure requests the pages the screen shows, and the next page in the
// direction of travel once the cursor is within a screen (or half a page)
// of it, so scrolling does not wait.
func (l *pagedList[T]) ensure() tea.Cmd {
	if l.total <= 0 {
		return l.request(0)
	}
	h := max(l.height, 1)
	var cmds []tea.Cmd
	for p := l.top / l.pageSize; p <= min(l.top+h-1, l.total-1)/l.pageSize; p++ {
		cmds = append(cmds, l.request(p))
	}
	margin := max(h, l.pageSize/2)
	cp := l.cursor / l.pageSize
	if l.dir >= 0 {
		if next := (cp + 1) * l.pageSize; next < l.total && l.cursor+margin >= next {
			cmds = append(cmds, l.request(cp+1))
		}
	} else if cp > 0 && l.cursor-margin < cp*l.pageSize {
		cmds = append(cmds, l.request(cp-1))
	}
	return tea.Batch(cmds...)
}

// handle stores a page. Answers for another list or an older generation are
// dropped.
func (l *pagedList[T]) handle(msg pageMsg[T]) tea.Cmd {
	if msg.list != l.id || msg.gen != l.gen || msg.page >= len(l.pages) {
		return nil
	}
	ps := &l.pages[msg.page]
	ps.loading = false
	if msg.err != nil {
		ps.err, l.lastErr = msg.err, msg.err
		return nil
	}
	ps.err, ps.loadedGen = nil, l.gen
	offset, items := msg.page*l.pageSize, msg.result.Items
	total := msg.result.Total
	if len(items) < l.pageSize && offset+len(items) < total {
		// A short page ends the listing whatever total_count says: the
		// record shrank between pages.
		total = offset + len(items)
	}
	total = max(total, offset+len(items))
	l.setTotal(total)
	for i, it := range items[:min(len(items), l.total-offset)] {
		l.rows[offset+i] = it
		l.index[l.idOf(it)] = offset + i
	}
	if l.keepID != "" {
		if pos, ok := l.index[l.keepID]; ok && pos >= offset && pos < offset+len(items) && l.idOf(l.rows[pos]) == l.keepID {
			l.cursor, l.keepID = pos, ""
			l.scrollToCursor()
		}
	}
	if l.lastErr != nil && !l.anyFailed() {
		l.lastErr = nil
	}
	return l.ensure()
}

// setTotal resizes the store for a new total and keeps cursor and scroll in range.
func (l *pagedList[T]) setTotal(total int) {
	if total == l.total {
		return
	}
	l.total = total
	if total <= len(l.rows) {
		clear(l.rows[total:]) // drop references to rows that are gone
		l.rows = l.rows[:total]
	} else {
		l.rows = append(l.rows, make([]T, total-len(l.rows))...)
	}
	n := max(l.numPages(), 1)
	for len(l.pages) < n {
		l.pages = append(l.pages, pageState{loadedGen: -1})
	}
	l.pages = l.pages[:n]
	for id, pos := range l.index {
		if pos >= total {
			delete(l.index, id)
		}
	}
	l.cursor = clamp(l.cursor, 0, max(total-1, 0))
	l.scrollToCursor()
}

// refresh starts a new generation: in-flight requests are cancelled and
// their answers dropped, errors forgotten, and the visible pages fetched
// again. Rows already held stay on screen until their new copy arrives, and
// the cursor stays on the same record if it moved.
func (l *pagedList[T]) refresh() tea.Cmd {
	l.cancel()
	l.ctx, l.cancel = context.WithCancel(context.Background())
	l.gen++
	for i := range l.pages {
		l.pages[i].loading, l.pages[i].err = false, nil
	}
	l.lastErr = nil
	l.keepID = ""
	if it, ok := l.selected(); ok {
		l.keepID = l.idOf(it)
	}
	return l.ensure()
}

func (l *pagedList[T]) state(pos int) rowState {
	if pos < 0 || pos >= max(l.total, 0) {
		return rowPending
	}
	ps := l.pages[pos/l.pageSize]
	switch {
	case ps.loadedGen >= 0:
		return rowLoaded // possibly from an older generation, until the new one lands
	case ps.err != nil:
		return rowFailed
	case ps.loading:
		return rowLoading
	}
	return rowPending
}

// errAt is the error of the page holding pos (the first page while the
// total is unknown), or nil.
func (l *pagedList[T]) errAt(pos int) error {
	if l.total < 0 {
		return l.pages[0].err
	}
	if l.state(pos) != rowFailed {
		return nil
	}
	return l.pages[pos/l.pageSize].err
}

func (l *pagedList[T]) row(pos int) (T, bool) {
	if l.state(pos) != rowLoaded {
		var zero T
		return zero, false
	}
	return l.rows[pos], true
}

func (l *pagedList[T]) selected() (T, bool) { return l.row(l.cursor) }

func (l *pagedList[T]) loading() bool {
	for _, p := range l.pages {
		if p.loading {
			return true
		}
	}
	return false
}

func (l *pagedList[T]) anyFailed() bool {
	for _, p := range l.pages {
		if p.err != nil {
			return true
		}
	}
	return false
}

// loadedRows counts the rows held.
func (l *pagedList[T]) loadedRows() int {
	n := 0
	for p, ps := range l.pages {
		if ps.loadedGen >= 0 {
			n += min(l.pageSize, l.total-p*l.pageSize)
		}
	}
	return n
}

func (l *pagedList[T]) setHeight(h int) tea.Cmd {
	l.height = max(h, 1)
	l.scrollToCursor()
	return l.ensure()
}

// moveBy moves the cursor by delta rows.
func (l *pagedList[T]) moveBy(delta int) tea.Cmd { return l.moveTo(l.cursor + delta) }

// moveTo puts the cursor on pos (clamped) and fetches what comes into view.
func (l *pagedList[T]) moveTo(pos int) tea.Cmd {
	if l.total <= 0 {
		return nil
	}
	pos = clamp(pos, 0, l.total-1)
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
	l.top = clamp(l.top, 0, max(l.total-h, 0))
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
