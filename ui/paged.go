package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	loading   bool      // a request of the current generation is out (or waits to be retried)
	loadedGen int       // generation whose rows are held; -1 when none
	err       error     // the current generation's request failed; cleared by refresh
	rows      []T       // may be fewer than the page's span when the total grew since
	retries   int       // automatic retries used in this generation
	firstTry  time.Time // when this generation first asked for the page
}

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
	retryPolicy api.RetryPolicy // when a failed page is asked for again
	debug       io.Writer       // --debug log, or nil
	now         func() time.Time

	// version changes whenever the rows held change; caches key on it.
	version int
	dupes   bool                                  // some record is held at two positions (see each)
	held    struct{ version, rows, furthest int } // loadedRows and furthestRow, cached
	// rendered caches drawn rows (not the selected one) by position, for
	// the columns' widths it was drawn with: a keystroke redraws a screen
	// of rows, and parsing times and measuring CJK widths for each is most
	// of a frame's cost.
	rendered       map[int]string
	renderedFor    int   // version the cache belongs to
	renderedWidths []int // column widths the cache was drawn with

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
		retryPolicy: api.DefaultRetry,
		now:         time.Now,
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
	timeout := l.timeout
	if pg.retries == 0 {
		pg.firstTry = l.now()
	} else if left := l.retryPolicy.Budget - l.now().Sub(pg.firstTry); left < timeout {
		// A retry ends with the page's retry budget, reads included.
		timeout = max(left, time.Millisecond)
	}
	ctx, fetch := l.ctx, l.fetch
	list, gen, offset, limit := l.id, l.gen, p*l.pageSize, l.pageSize
	return func() tea.Msg {
		reqCtx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		res, err := fetch(reqCtx, offset, limit)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			// This request's own time ran out, not the list's: the network
			// was slow, which a retry within the budget may get past.
			err = &api.TransportError{Host: "the API", Err: fmt.Errorf("no answer within %s: %w", timeout.Round(time.Second), err)}
		}
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
	var cmds []tea.Cmd
	if l.loadAll && !l.allLoaded() {
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
		if wait, ok := l.retryPolicy.Next(msg.err, pg.retries, pg.firstTry, l.now()); ok {
			// Throttled, a 5xx, a garbled answer or no answer: wait and ask
			// again; when throttled, with one request fewer in flight.
			var apiErr *api.APIError
			if errors.As(msg.err, &apiErr) && apiErr.Throttled() {
				l.concurrency = max(l.concurrency-1, 1)
			}
			pg.loading, l.lastErr = true, msg.err
			pg.retries++
			list, gen, p := l.id, l.gen, msg.page
			return tea.Batch(l.ensure(), tea.Tick(wait, func(time.Time) tea.Msg {
				return retryPageMsg{list: list, gen: gen, page: p}
			}))
		}
		pg.err, l.lastErr = msg.err, msg.err
		return l.ensure() // the freed request slot may serve another page
	}
	// Rows beyond the limit asked for are the positions after the page:
	// they fill the following pages not yet answered in this generation,
	// and count toward the listing's length.
	offset, all := msg.page*l.pageSize, msg.result.Items
	own := all[:min(len(all), l.pageSize)]
	l.store(msg.page, own)
	l.setTotal(l.nextTotal(offset, len(all), msg.result.Total))
	for q, rest := msg.page+1, all[len(own):]; len(rest) > 0 && q < l.numPages(); q++ {
		if l.page(q).loadedGen == l.gen {
			break // the server's own answer for these positions wins
		}
		n := min(len(rest), l.pageSize)
		l.store(q, rest[:n])
		rest = rest[n:]
	}
	pg = l.page(msg.page)
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

// store makes rows the current generation's rows of page p and indexes
// them by id. Rows without an id are kept but not indexed: each is a row of
// its own.
func (l *pagedList[T]) store(p int, rows []T) {
	pg := l.page(p)
	pg.err, pg.loadedGen = nil, l.gen
	pg.rows = append(pg.rows[:0], rows...)
	l.version++
	offset := p * l.pageSize
	for i, it := range pg.rows {
		id := l.idOf(it)
		if id == "" {
			continue
		}
		if prev, ok := l.index[id]; ok && prev != offset+i && prev < max(l.total, offset+len(rows)) {
			if other := l.pages[prev/l.pageSize]; other != nil && prev%l.pageSize < len(other.rows) && l.idOf(other.rows[prev%l.pageSize]) == id {
				// The same record at two positions: rows shifted between
				// pages while the task ran. each() now yields it once.
				l.dupes = true
				if l.debug != nil {
					fmt.Fprintf(l.debug, "%s list %d: id %q sent at rows %d and %d; shown and counted once\n",
						l.now().UTC().Format(time.RFC3339Nano), l.id, id, prev, offset+i)
				}
			}
		}
		l.index[id] = offset + i
	}
}

// keepSearchPages bounds how far the list pages on by itself to find the
// record the cursor should land on (the task or record the user started
// from, deeper in a long list).
const keepSearchPages = 20

// retry sends the request of a page waiting after a temporary failure.
func (l *pagedList[T]) retry(msg retryPageMsg) tea.Cmd {
	pg, ok := l.pages[msg.page]
	if msg.list != l.id || msg.gen != l.gen || !ok || !pg.loading {
		return nil
	}
	pg.loading = false
	return l.request(msg.page)
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
