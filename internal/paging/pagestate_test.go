package paging

import (
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
)

// checkCounts fails when the list's counts of pages in each state are not
// what its pages say.
func checkCounts(t *testing.T, l *List[row]) {
	t.Helper()
	var want [numStates]int
	for _, pg := range l.pages {
		if pg.state != idle {
			want[pg.state]++
		}
		if (pg.err != nil) != (pg.state == failed) {
			t.Errorf("a page in state %d with error %v", pg.state, pg.err)
		}
	}
	if want != l.count {
		t.Errorf("counts %v, pages say %v", l.count, want)
	}
}

// Where a page's request stands, step by step: one state a page, and what
// the list reports (loading, waiting, failed, request slots taken) follows
// from the states.
func TestPageStates(t *testing.T) {
	s := server{data: rows(1000), total: -1}
	throttled := &api.APIError{Status: 429, Code: "APIG.0308", RetryAfter: 2 * time.Second}
	// answer hands page p's answer (or err) to the list, the request sent.
	answer := func(l *List[row], p int, err error) []Request {
		if err != nil {
			return l.Handle(Answer[row]{Gen: l.Gen(), Page: p, Err: err})
		}
		return l.Handle(s.answer(Request{Gen: l.Gen(), Page: p, Offset: p * 100, Limit: 100}))
	}
	for _, tc := range []struct {
		name   string
		run    func(l *List[row]) int // the steps after page 0's answer; returns the page to look at
		want   pageState
		row    RowState // of the page's first row
		slots  int
		status string // loading, waiting, failed: "lwf" letters for true
	}{
		{"asked for: a request out", func(*List[row]) int { return 1 }, sent, RowLoading, 4, "l"},
		{"answered", func(l *List[row]) int { answer(l, 1, nil); return 1 }, idle, RowLoaded, 4, "l"},
		{"a 503: backing off, its slot free for the next page", func(l *List[row]) int {
			answer(l, 1, &api.APIError{Status: 503})
			return 1
		}, backingOff, RowLoading, 4, "lw"},
		{"its back-off over while every slot is taken: wanted again", func(l *List[row]) int {
			next := answer(l, 1, &api.APIError{Status: 503}) // page 5 takes the slot
			l.Due(next[len(next)-1].Gen, 1)
			return 1
		}, idle, RowPending, 4, "l"},
		{"and asked for when a slot frees", func(l *List[row]) int {
			next := answer(l, 1, &api.APIError{Status: 503})
			l.Due(next[len(next)-1].Gen, 1)
			answer(l, 2, nil)
			return 1
		}, sent, RowLoading, 4, "l"},
		{"a 401: failed until a refresh", func(l *List[row]) int { answer(l, 1, &api.APIError{Status: 401}); return 1 }, failed, RowFailed, 4, "lf"},
		{"a refresh forgets the failure and asks again", func(l *List[row]) int {
			answer(l, 1, &api.APIError{Status: 401})
			l.Refresh()
			return 1
		}, sent, RowLoading, 4, "l"},
		{"held off by a throttled page, keeping its slot", func(l *List[row]) int {
			answer(l, 1, throttled) // the window halves to 2, and nothing goes for 2 s
			answer(l, 2, nil)
			answer(l, 3, nil) // frees a slot: page 5 takes it, held off
			return 5
		}, heldOff, RowLoading, 2, "lw"},
		{"the hold-off over: sent", func(l *List[row]) int {
			answer(l, 1, throttled)
			answer(l, 2, nil)
			answer(l, 3, nil)
			l.now = func() time.Time { return time.Now().Add(time.Minute) }
			l.Due(l.Gen(), 5)
			return 5
		}, sent, RowLoading, 2, "lw"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := New(rowID, Options{PageSize: 100, Concurrency: 4})
			l.SetLoadAll(true)
			l.Size(20)
			if reqs := answer(l, l.Start()[0].Page, nil); len(reqs) != 4 {
				t.Fatalf("load-all asked for %v", offsetsOf(reqs))
			}
			p := tc.run(l)
			checkCounts(t, l)
			if got := l.pages[p].state; got != tc.want {
				t.Errorf("page %d in state %d, want %d", p, got, tc.want)
			}
			if got := l.State(p * 100); got != tc.row {
				t.Errorf("row %d %v, want %v", p*100, got, tc.row)
			}
			status := ""
			for _, f := range []struct {
				on     bool
				letter string
			}{{l.Loading(), "l"}, {l.Waiting(), "w"}, {l.AnyFailed(), "f"}} {
				if f.on {
					status += f.letter
				}
			}
			if l.slotsTaken() != tc.slots || status != tc.status {
				t.Errorf("%d slots taken, status %q; want %d, %q", l.slotsTaken(), status, tc.slots, tc.status)
			}
		})
	}
}

// A page whose request is out or due when the listing shrinks before it
// stays accounted for: the list is loading until its answer, or the end
// of its back-off, has come, and not after.
func TestPagePastANewEndStaysAccountedFor(t *testing.T) {
	s := server{data: rows(1000), total: -1}
	l := New(rowID, Options{PageSize: 100, Concurrency: 4})
	l.SetLoadAll(true)
	l.Handle(s.answer(l.Start()[0])) // pages 1 to 4 asked for
	gen := l.Gen()
	shrunk := func(p, n int) Answer[row] {
		return Answer[row]{Gen: gen, Page: p, Result: api.Page[row]{Items: rows(100 + n)[100:], Total: 150}}
	}
	retry := l.Handle(Answer[row]{Gen: gen, Page: 3, Err: &api.APIError{Status: 503}}) // page 5 asked for
	l.Handle(shrunk(2, 0))                                                             // the listing shrank to 150
	l.Handle(shrunk(1, 50))
	l.Handle(shrunk(4, 0))
	l.Handle(shrunk(5, 0))
	checkCounts(t, l)
	if l.Total() != 150 || !l.Waiting() || !l.Loading() {
		t.Fatalf("total %d, waiting %v, loading %v; want 150, and page 3 waiting", l.Total(), l.Waiting(), l.Loading())
	}
	if next := l.Due(retry[len(retry)-1].Gen, 3); len(next) != 0 {
		t.Errorf("page 3, past the end, asked for again: %v", offsetsOf(next))
	}
	checkCounts(t, l)
	if l.Loading() || l.Waiting() {
		t.Errorf("loading %v, waiting %v with nothing out or due", l.Loading(), l.Waiting())
	}
	if l.LoadedRows() != 150 || !l.AllCurrent() {
		t.Errorf("%d rows held, all current %v; want 150", l.LoadedRows(), l.AllCurrent())
	}
}
