// Package paging is wksrec's paging engine: the rows of one listing held by
// position, fetched a page at a time as they come into view, with the
// cursor and scroll over them. It knows nothing of the terminal and sends
// nothing: every decision comes back as plain data, Requests for pages
// (offset, limit, a delay for a retry, a time limit), which the views turn
// into commands in one place. So the hardest logic of the program reads
// alone and is tested with tables, not through a message pump.
//
// What it decides: which pages a viewport needs (and the next one in the
// direction of travel), which answers are stale (generations), and where
// each page's request stands. The rules it shares with api.Stream it
// follows, not repeats: how long the listing is and where it ends
// (listing.Rules: total_count is a hint, short and empty pages are facts,
// repeating pages end it), which rows are the same record
// (listing.Index), when a failed page is asked for again and how long a
// refusal for rate holds the others off (api.RetryPolicy.After), and how
// many requests may be out at once (api.Window: fewer when the gateway
// throttles, more again while it does not).
package paging

import (
	"io"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/defaults"
	"github.com/wksrec/wksrec/internal/listing"
)

// DefaultConcurrency bounds the requests one list has out at once, unless
// Options say otherwise.
const DefaultConcurrency = defaults.Concurrency

// DefaultTimeout is how long one request may take.
const DefaultTimeout = 30 * time.Second

// Request asks for one page. With a Delay it is due after the delay (a
// retry, or a page held off while the gateway asked wksrec to wait): the
// caller waits, then calls Due, which returns the request to send (or
// nothing when the listing has moved on).
type Request struct {
	Gen, Page     int
	Offset, Limit int
	Delay         time.Duration
	Timeout       time.Duration // the time the request may take, reads included
}

// Answer is what came back for a Request.
type Answer[T any] struct {
	Gen, Page int
	Result    api.Page[T]
	Err       error
}

// Options tune a List. Zero values take the defaults.
type Options struct {
	PageSize int
	// Concurrency is the most requests out at once: the window starts at
	// DefaultConcurrency (or this, when lower) and grows to it while the
	// gateway does not throttle.
	Concurrency int
	Retry       api.RetryPolicy
	Timeout     time.Duration
	Now         func() time.Time
	// Debug, when set, gets a line for each row sent at two positions.
	Debug io.Writer
	// Name says which list a debug line is about.
	Name string
}

// page is what the list holds of one page of rows.
type page[T any] struct {
	state     pageState // where its request of the current generation stands (change it with setState)
	err       error     // why it failed, in state failed
	loadedGen int       // generation whose rows are held; -1 when none
	rows      []T       // may be fewer than the page's span when the total grew since
	retries   int       // automatic retries used in this generation
	stamp     int       // the list's version when rows last changed (see EachPage)
	firstTry  time.Time // when this generation first asked for the page
	due       time.Time // when a page backing off or held off is asked again
	ticket    api.Ticket
}

// RowState says what a position holds.
type RowState int

const (
	RowPending RowState = iota // not requested yet
	RowLoading
	RowFailed
	RowLoaded
)

// List holds the rows of one listing by absolute position 0..total-1, and
// the cursor and scroll position over them.
//
// Pages are kept in a map, so memory follows what was loaded, not what
// total_count claims: a hostile or absurd total costs nothing until the
// user scrolls there.
type List[T any] struct {
	idOf     func(T) string
	pageSize int
	timeout  time.Duration
	retry    api.RetryPolicy
	now      func() time.Time
	debug    io.Writer
	name     string

	gen   int
	count [numStates]int // pages in each state but idle; only setState changes it

	total int // -1 until the first page arrives
	// rules say how long the listing is and where it ends, from the
	// answers of this generation: when the server contradicted itself (an
	// empty page before its own total_count) they are Probing, the end is
	// where the rows ran out, and the page after it is asked for when the
	// cursor gets there.
	rules listing.Rules
	pages map[int]*page[T]
	index listing.Index // id -> position: records sent twice, and keeping the cursor on a record

	// order is the display order when a filter or sort is on: display
	// index -> position. nil shows every position in order. cursor and top
	// are display indices.
	order []int
	// loadAll asks for every page, concurrency at a time (filters, sort and
	// exports need every row; the API cannot filter).
	loadAll bool
	// win decides how many requests may be out; concurrency is its limit,
	// kept in step after each change (Concurrency reads it).
	win         api.Window
	concurrency int

	// version changes whenever the rows held change; caches key on it.
	version int
	dupes   bool // some record is held at two positions (see Each)
	held    struct{ version, gen, rows, current, furthest int }

	// holding asks for nothing while the rows may come from elsewhere (a
	// run from the store, being read): see Hold.
	holding bool

	// seek is the search for the real end after total_count proved false,
	// started by a move to the last row (G): see seek.go.
	seek endSeek

	cursor, top, height int
	dir                 int    // last direction of travel: +1 down, -1 up; prefetch looks that way
	keepID              string // the record to put the cursor on when it arrives
	lastErr             error  // the most recent page error, for the status line
	repeatErr           error  // why the rules ended the listing early (repeating pages), for this generation
}

// New returns an empty list; Start asks for its first page.
func New[T any](idOf func(T) string, opts Options) *List[T] {
	most := opts.Concurrency
	if most <= 0 {
		most = DefaultConcurrency
	}
	l := &List[T]{
		idOf:     idOf,
		pageSize: max(opts.PageSize, 1),
		win:      api.NewWindow(most),
		retry:    opts.Retry,
		timeout:  opts.Timeout,
		now:      opts.Now,
		debug:    opts.Debug,
		name:     opts.Name,
		total:    -1,
		rules:    listing.New(opts.PageSize),
		pages:    map[int]*page[T]{},
		index:    listing.Index{},
		dir:      1,
	}
	l.concurrency = l.win.Limit()
	if l.retry == (api.RetryPolicy{}) {
		l.retry = api.DefaultRetry
	}
	if l.timeout <= 0 {
		l.timeout = DefaultTimeout
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Start asks for the first page: the first screen costs one request.
func (l *List[T]) Start() []Request { return l.request(nil, 0) }

func (l *List[T]) page(p int) *page[T] {
	pg, ok := l.pages[p]
	if !ok {
		pg = &page[T]{loadedGen: -1}
		l.pages[p] = pg
	}
	return pg
}

// request adds the request for page p to reqs, unless p is out of range,
// asked for already (out, or due after a delay), failed (only a refresh
// retries it), already current and complete, or every request slot is
// taken.
func (l *List[T]) request(reqs []Request, p int) []Request {
	if p < 0 || p >= l.numPages() {
		return reqs
	}
	if pg, ok := l.pages[p]; ok && (pg.state != idle || pg.loadedGen == l.gen && (l.total < 0 || len(pg.rows) >= l.span(p))) {
		return reqs
	}
	return l.ask(reqs, p)
}

// ask adds the request for page p to reqs, wherever p lies, unless every
// request slot is taken. While a throttled answer holds requests off, the
// request is delayed to when the hold-off ends.
func (l *List[T]) ask(reqs []Request, p int) []Request {
	if l.slotsTaken() >= l.concurrency || l.holding {
		return reqs
	}
	pg := l.page(p)
	if hold := l.win.Wait(l.now()); hold > 0 {
		// The gateway throttled a request and nothing goes before it may
		// be asked again (see api.Window). The page keeps its request slot
		// while it waits, so the pages held off are the window's worth
		// that go when the hold-off ends, not every page the list wants.
		l.setState(pg, heldOff)
		pg.due = l.now().Add(hold)
		return append(reqs, Request{Gen: l.gen, Page: p, Offset: p * l.pageSize, Limit: l.pageSize, Delay: hold})
	}
	l.setState(pg, sent)
	pg.ticket = l.win.Send(l.count[sent], l.now())
	timeout := l.timeout
	if pg.retries == 0 {
		pg.firstTry = l.now()
	} else if left := l.retry.Budget - l.now().Sub(pg.firstTry); left < timeout {
		// A retry ends with the page's retry budget, reads included.
		timeout = max(left, time.Millisecond)
	}
	return append(reqs, Request{Gen: l.gen, Page: p, Offset: p * l.pageSize, Limit: l.pageSize, Timeout: timeout})
}

// Ensure asks for the pages the screen shows, and the next page in the
// direction of travel once the cursor is within a screen (or half a page)
// of it, so scrolling does not wait; with LoadAll, for every page.
func (l *List[T]) Ensure() []Request {
	if l.total <= 0 {
		return l.request(nil, 0)
	}
	var reqs []Request
	if l.loadAll && !l.allCurrent() {
		// Pages load roughly in order, so looking a few pages past the
		// furthest row held is enough, and a bogus total is never scanned.
		last := min(l.numPages(), l.furthestRow()/l.pageSize+l.concurrency+1)
		for p := 0; p < last && l.slotsTaken() < l.concurrency; p++ {
			reqs = l.request(reqs, p)
		}
	}
	if l.loadAll && l.probing() {
		// total_count lied: every row means reading on past the rows held
		// until a page comes back short.
		reqs = l.requestBeyond(reqs)
	}
	if l.order != nil {
		return reqs // the rows shown are loaded ones
	}
	h := max(l.height, 1)
	for p := l.top / l.pageSize; p <= min(l.top+h-1, l.total-1)/l.pageSize; p++ {
		reqs = l.request(reqs, p)
	}
	margin := max(h, l.pageSize/2)
	cp := l.cursor / l.pageSize
	if l.dir >= 0 {
		if next := (cp + 1) * l.pageSize; next < l.total && l.cursor+margin >= next {
			reqs = l.request(reqs, cp+1)
		}
	} else if cp > 0 && l.cursor-margin < cp*l.pageSize {
		reqs = l.request(reqs, cp-1)
	}
	if l.seek.on {
		return l.askProbe(reqs)
	}
	if l.rules.Probing() && l.total%l.pageSize == 0 && l.cursor+margin >= l.total {
		reqs = l.requestBeyond(reqs)
	}
	return reqs
}

// Handle stores an answer and says what to ask for next. Answers for a
// generation before the latest refresh are dropped.
func (l *List[T]) Handle(a Answer[T]) []Request {
	if a.Gen != l.gen {
		return nil
	}
	pg := l.page(a.Page)
	l.setState(pg, idle) // what it waited for has come
	// A good answer may widen the window; a refusal for rate halves it and
	// holds every request off while this page waits.
	wait, again := l.retry.After(a.Err, pg.retries, pg.firstTry, l.now())
	l.win.Answered(pg.ticket, a.Err, l.now(), wait)
	l.concurrency = l.win.Limit()
	if l.repeatErr != nil && a.Page*l.pageSize >= l.total {
		return l.Ensure() // past where the repeats ended the listing
	}
	if a.Err != nil {
		l.lastErr = a.Err
		if !again {
			l.seek.stop(a.Page) // its probe failed: G again starts afresh
		}
		if again {
			// Throttled, a 5xx, a garbled answer or no answer: wait and ask
			// again.
			l.setState(pg, backingOff)
			pg.retries++
			pg.due = l.now().Add(wait)
			return append(l.Ensure(), Request{Gen: l.gen, Page: a.Page, Offset: a.Page * l.pageSize, Limit: l.pageSize, Delay: wait})
		}
		l.setState(pg, failed)
		pg.err = a.Err
		return l.Ensure() // the freed request slot may serve another page
	}
	// Rows beyond the limit asked for are the positions after the page:
	// they fill the following pages not yet answered in this generation,
	// and count toward the listing's length.
	pg.retries = 0 // the next failure of this page starts a fresh budget
	offset, all := a.Page*l.pageSize, a.Result.Items
	own := all[:min(len(all), l.pageSize)]
	repeated := l.store(a.Page, own)
	l.setTotal(l.rules.Length(l.total, offset, len(all), a.Result.Total, l.furthestRow))
	if l.noteRepeats(a.Page, len(all), repeated) {
		return l.Ensure()
	}
	for q, rest := a.Page+1, all[len(own):]; len(rest) > 0 && q < l.numPages(); q++ {
		if l.page(q).loadedGen == l.gen {
			break // the server's own answer for these positions wins
		}
		n := min(len(rest), l.pageSize)
		l.store(q, rest[:n])
		rest = rest[n:]
	}
	pg = l.page(a.Page)
	if l.keepID != "" {
		if pos, ok := l.index[l.keepID]; ok && pos >= offset && pos < offset+len(pg.rows) && l.idOf(pg.rows[pos-offset]) == l.keepID {
			if i := l.DisplayIndex(pos); i >= 0 {
				l.cursor, l.keepID = i, ""
				l.scrollToCursor()
			}
		}
	}
	if l.lastErr != nil && !l.AnyFailed() && !l.Waiting() {
		l.lastErr = nil // kept while a page waits to be retried: the user sees why
	}
	if l.seek.answered(a.Page, len(all), l.pageSize) {
		l.land() // the real end is found: the cursor goes there, as G asked
	} else {
		l.seekEnd() // the answer may have shown total_count to lie
	}
	return l.seekKept(l.Ensure(), a.Page)
}

// keepSearchPages bounds how far the list pages on by itself to find the
// record the cursor should land on (the task or record the user started
// from, deeper in a long list).
const keepSearchPages = 20

// Due returns the request of a page whose retry delay has passed, or
// nothing when the listing has moved on (a refresh) since.
func (l *List[T]) Due(gen, p int) []Request {
	pg, ok := l.pages[p]
	if gen != l.gen || !ok || (pg.state != backingOff && pg.state != heldOff) {
		return nil
	}
	l.setState(pg, idle)
	if l.rules.Probing() && p == l.total/l.pageSize {
		return l.requestBeyond(nil) // the page past a lying total's end: outside the pages request knows
	}
	return l.request(nil, p)
}

// Refresh starts a new generation: answers to requests already out are
// dropped, errors forgotten, and the pages needed asked for again. Rows
// already held stay on screen until their new copy arrives, and the
// cursor stays on the same record if it moved.
func (l *List[T]) Refresh() []Request {
	l.gen++
	l.lastErr, l.repeatErr = nil, nil
	l.rules.Reset()
	l.seek = endSeek{}
	for _, pg := range l.pages {
		l.setState(pg, idle) // what is out is of the old generation, its answers dropped
		pg.retries = 0       // a new generation: a fresh retry budget
	}
	if it, ok := l.Selected(); ok {
		l.keepID = l.idOf(it)
	}
	return l.Ensure()
}

// Gen is the current generation; requests of older ones are stale.
func (l *List[T]) Gen() int { return l.gen }
