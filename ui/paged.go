package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
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

// retryPageMsg asks the list again for a page that failed for a reason that
// may pass (throttling, 5xx), after a back-off.
type retryPageMsg struct{ list, gen, page int }

// page is what the list holds of one page of rows.
type page[T any] struct {
	loading   bool  // a request of the current generation is out (or waits to be retried)
	loadedGen int   // generation whose rows are held; -1 when none
	err       error // the current generation's request failed; cleared by refresh
	rows      []T   // may be fewer than the page's span when the total grew since
	retries   int   // automatic retries used in this generation
}

// maxRetries bounds the automatic retries of one page: with a 2 s back-off
// doubling each time, a page that keeps failing gives up after about 30 s.
const maxRetries = 4

// rowState says what a position holds.
type rowState int

const (
	rowPending rowState = iota // not requested yet
	rowLoading
	rowFailed
	rowLoaded
)

// maxInFlight bounds the requests one list has out at once: small pages on
// a tall terminal must not burst past the API's rate limits.
const maxInFlight = 4

var listIDs atomic.Int64

// pagedList holds the rows of one listing by absolute position
// 0..total-1, fetched a page at a time as they come into view, and the
// cursor and scroll position over them. It renders nothing.
//
// Pages are kept in a map, so memory follows what was loaded, not what
// total_count claims: a hostile or absurd total costs nothing until the
// user scrolls there.
type pagedList[T any] struct {
	id       int
	fetch    FetchFunc[T]
	idOf     func(T) string
	pageSize int
	timeout  time.Duration

	gen      int
	ctx      context.Context // cancelled when gen moves on, so stale requests stop
	cancel   context.CancelFunc
	inFlight int

	total int // -1 until the first page arrives
	end   int // where a short page ended the listing in this generation; -1 if none yet
	// probeEnd is set when the server contradicted itself (an empty page
	// before its own total_count): the end is then where the rows ran out,
	// and the page after it is asked for when the cursor gets there.
	probeEnd bool
	pages    map[int]*page[T]
	index    map[string]int // id -> position, for keeping the cursor on a record

	// order is the display order when a filter or sort is on: display
	// index -> position. nil shows every position in order. cursor and top
	// are display indices.
	order []int
	// loadAll asks for every page, concurrency at a time (filters, sort and
	// exports need every row; the API cannot filter).
	loadAll     bool
	concurrency int
	backoff     time.Duration // first wait before retrying a temporary failure

	cursor, top, height int
	dir                 int    // last direction of travel: +1 down, -1 up; prefetch looks that way
	keepID              string // the record to put the cursor on when it arrives
	lastErr             error  // the most recent page error, for the status line
}

func newPagedList[T any](fetch FetchFunc[T], idOf func(T) string, pageSize int) *pagedList[T] {
	ctx, cancel := context.WithCancel(context.Background())
	return &pagedList[T]{
		id:          int(listIDs.Add(1)),
		fetch:       fetch,
		idOf:        idOf,
		pageSize:    max(pageSize, 1),
		concurrency: maxInFlight,
		backoff:     2 * time.Second,
		timeout:     30 * time.Second,
		ctx:         ctx,
		cancel:      cancel,
		total:       -1,
		end:         -1,
		pages:       map[int]*page[T]{},
		index:       map[string]int{},
		dir:         1,
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

// span is how many rows page p covers under the current total.
func (l *pagedList[T]) span(p int) int {
	return max(min(l.pageSize, l.total-p*l.pageSize), 0)
}

func (l *pagedList[T]) page(p int) *page[T] {
	pg, ok := l.pages[p]
	if !ok {
		pg = &page[T]{loadedGen: -1}
		l.pages[p] = pg
	}
	return pg
}

// request returns a Cmd fetching page p, or nil when p is loading, failed
// (only a refresh retries it), already current and complete, out of range,
// or too many requests are out.
func (l *pagedList[T]) request(p int) tea.Cmd {
	if p < 0 || p >= l.numPages() || l.inFlight >= l.concurrency || l.fetch == nil {
		return nil
	}
	pg := l.page(p)
	complete := pg.loadedGen == l.gen && (l.total < 0 || len(pg.rows) >= l.span(p))
	if pg.loading || pg.err != nil || complete {
		return nil
	}
	pg.loading = true
	l.inFlight++
	ctx, fetch, timeout := l.ctx, l.fetch, l.timeout
	list, gen, offset, limit := l.id, l.gen, p*l.pageSize, l.pageSize
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		res, err := fetch(ctx, offset, limit)
		return pageMsg[T]{list: list, gen: gen, page: p, result: res, err: err}
	}
}

// requestBeyond asks once for the page after the end, in case rows exist
// there that a contradictory total_count hid.
func (l *pagedList[T]) requestBeyond() tea.Cmd {
	p := l.total / l.pageSize
	if pg, ok := l.pages[p]; ok && (pg.loading || pg.err != nil || pg.loadedGen == l.gen) {
		return nil
	}
	saved := l.total
	l.total = (p + 1) * l.pageSize // let request() see page p as in range
	cmd := l.request(p)
	l.total = saved
	return cmd
}

// ensure requests the pages the screen shows, and the next page in the
// direction of travel once the cursor is within a screen (or half a page)
// of it, so scrolling does not wait.
func (l *pagedList[T]) ensure() tea.Cmd {
	if l.total <= 0 {
		return l.request(0)
	}
	var cmds []tea.Cmd
	if l.loadAll {
		// Pages load roughly in order, so looking a few pages past the
		// furthest row held is enough, and a bogus total is never scanned.
		last := min(l.numPages(), l.furthestRow()/l.pageSize+l.concurrency+1)
		for p := 0; p < last && l.inFlight < l.concurrency; p++ {
			cmds = append(cmds, l.request(p))
		}
	}
	if l.order != nil {
		return tea.Batch(cmds...) // the rows shown are loaded ones
	}
	h := max(l.height, 1)
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
	if l.probeEnd && l.total%l.pageSize == 0 && l.cursor+margin >= l.total {
		cmds = append(cmds, l.requestBeyond())
	}
	return tea.Batch(cmds...)
}

// handle stores a page. Answers for another list or an older generation are
// dropped.
func (l *pagedList[T]) handle(msg pageMsg[T]) tea.Cmd {
	if msg.list != l.id || msg.gen != l.gen {
		return nil
	}
	l.inFlight = max(l.inFlight-1, 0)
	pg := l.page(msg.page)
	pg.loading = false
	if msg.err != nil {
		var apiErr *api.APIError
		if errors.As(msg.err, &apiErr) && apiErr.Temporary() && pg.retries < maxRetries {
			// Throttled or a 5xx: wait and ask again; when throttled, ask
			// with one request fewer in flight from now on.
			if apiErr.Status == 429 || strings.HasSuffix(apiErr.Code, ".0308") {
				l.concurrency = max(l.concurrency-1, 1)
			}
			pg.loading, l.lastErr = true, msg.err
			pg.retries++
			list, gen, p := l.id, l.gen, msg.page
			return tea.Batch(l.ensure(), tea.Tick(l.backoff<<(pg.retries-1), func(time.Time) tea.Msg {
				return retryPageMsg{list: list, gen: gen, page: p}
			}))
		}
		pg.err, l.lastErr = msg.err, msg.err
		return l.ensure() // the freed request slot may serve another page
	}
	offset, items := msg.page*l.pageSize, msg.result.Items
	if len(items) > l.pageSize {
		items = items[:l.pageSize] // more than asked for: keep what fits the page
	}
	pg.err, pg.loadedGen = nil, l.gen
	pg.rows = append(pg.rows[:0], items...)
	l.setTotal(l.nextTotal(offset, len(items), msg.result.Total))
	for i, it := range pg.rows {
		l.index[l.idOf(it)] = offset + i
	}
	if l.keepID != "" {
		if pos, ok := l.index[l.keepID]; ok && pos >= offset && pos < offset+len(pg.rows) && l.idOf(pg.rows[pos-offset]) == l.keepID {
			if i := l.displayIndex(pos); i >= 0 {
				l.cursor, l.keepID = i, ""
				l.scrollToCursor()
			}
		}
	}
	if l.lastErr != nil && !l.anyFailed() {
		l.lastErr = nil
	}
	return tea.Batch(l.ensure(), l.seekKept(msg.page))
}

// keepSearchPages bounds how far the list pages on by itself to find the
// record the cursor should land on (the task or record the user started
// from, deeper in a long list).
const keepSearchPages = 20

// seekKept asks for the page after p while the kept record has not turned up.
func (l *pagedList[T]) seekKept(p int) tea.Cmd {
	if l.keepID == "" || p+1 >= min(l.numPages(), keepSearchPages) {
		return nil
	}
	if _, found := l.index[l.keepID]; found {
		return nil
	}
	return l.request(p + 1)
}

// retry sends the request of a page waiting after a temporary failure.
func (l *pagedList[T]) retry(msg retryPageMsg) tea.Cmd {
	pg, ok := l.pages[msg.page]
	if msg.list != l.id || msg.gen != l.gen || !ok || !pg.loading {
		return nil
	}
	pg.loading = false
	return l.request(msg.page)
}

// nextTotal decides the listing's length after n items arrived at offset
// with the server's total_count reported. total_count changes while a task
// runs and cannot be trusted alone: a short page ends the listing, and
// within one generation a later page's stale total cannot undo that.
func (l *pagedList[T]) nextTotal(offset, n, reported int) int {
	reported = max(reported, 0)
	switch {
	case n == 0 && offset > 0 && reported < offset:
		// Past the end: the listing shrank, and total_count says to where.
		l.end = reported
	case n == 0 && offset > 0:
		// total_count claims rows that are not there. Walking back a page
		// at a time could take forever (a bogus total of 2^50), so end at
		// the furthest row held and probe onwards from there on demand.
		l.end, l.probeEnd = min(l.furthestRow(), offset), true
	case n < l.pageSize:
		l.end = offset + n
	case l.probeEnd:
		// total_count proved false in this generation: only rows count.
		return max(l.total, offset+n)
	default:
		total := max(reported, offset+n)
		if l.end >= 0 && offset+n <= l.end {
			total = min(total, l.end)
		} else {
			l.end = -1 // rows beyond the old end: the listing grew
		}
		return total
	}
	return l.end
}

// furthestRow is the end of the furthest rows held, of any generation.
func (l *pagedList[T]) furthestRow() int {
	end := 0
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			end = max(end, p*l.pageSize+len(pg.rows))
		}
	}
	return end
}

// setTotal changes the listing's length and keeps cursor and scroll in range.
func (l *pagedList[T]) setTotal(total int) {
	if total == l.total {
		return
	}
	l.total = total
	last := l.numPages()
	for p, pg := range l.pages {
		if p >= last {
			delete(l.pages, p)
		} else if n := l.span(p); len(pg.rows) > n {
			clear(pg.rows[n:]) // drop references to rows that are gone
			pg.rows = pg.rows[:n]
		}
	}
	for id, pos := range l.index {
		if pos >= total {
			delete(l.index, id)
		}
	}
	if l.order != nil {
		kept := l.order[:0]
		for _, pos := range l.order {
			if pos < total {
				kept = append(kept, pos)
			}
		}
		l.order = kept
	}
	l.cursor = clamp(l.cursor, 0, max(l.count()-1, 0))
	l.scrollToCursor()
}

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
		keep = l.index[l.idOf(it)]
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

// each calls f with every loaded row's position and value, in position order
// of pages (rows of older generations included).
func (l *pagedList[T]) each(f func(pos int, row *T)) {
	held := make([]int, 0, len(l.pages))
	for p, pg := range l.pages {
		if pg.loadedGen >= 0 && len(pg.rows) > 0 {
			held = append(held, p)
		}
	}
	slices.Sort(held)
	for _, p := range held {
		rows := l.pages[p].rows
		for i := range rows {
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
	if pos, ok := l.index[keep]; ok && keep != "" {
		l.cursor = pos
		l.scrollToCursor()
	}
}

// refresh starts a new generation: in-flight requests are cancelled and
// their answers dropped, errors forgotten, and the visible pages fetched
// again. Rows already held stay on screen until their new copy arrives, and
// the cursor stays on the same record if it moved.
func (l *pagedList[T]) refresh() tea.Cmd {
	l.cancel()
	l.ctx, l.cancel = context.WithCancel(context.Background())
	l.gen++
	l.inFlight, l.end, l.probeEnd, l.lastErr = 0, -1, false, nil
	for _, pg := range l.pages {
		pg.loading, pg.err = false, nil
	}
	if it, ok := l.selected(); ok {
		l.keepID = l.idOf(it)
	}
	return l.ensure()
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
	n := 0
	for _, pg := range l.pages {
		if pg.loadedGen >= 0 {
			n += len(pg.rows)
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
