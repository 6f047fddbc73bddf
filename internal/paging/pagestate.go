package paging

// Where each page's request stands. A page is in one state at a time, and
// the list's counts of pages in each state change only in setState, so
// what the list says (loading, waiting, failed, request slots taken)
// cannot drift from its pages.

// pageState is where a page's request of the current generation stands.
// The rows a page holds are apart from it: a page may show an older
// generation's rows while their new copy is asked for.
type pageState uint8

const (
	idle       pageState = iota // nothing out or due: not asked for in this generation yet, or answered
	sent                        // a request is out
	backingOff                  // it failed and waits out a back-off before it is asked again; nothing out
	heldOff                     // it waits for a throttled answer's hold-off to end, keeping the request slot it will use
	failed                      // it failed for good in this generation (err says why); only a refresh asks again
	numStates
)

// pending reports a request out, or due once a delay is over.
func (s pageState) pending() bool { return s == sent || s == backingOff || s == heldOff }

// setState puts pg in state s, keeping the counts in step; a page leaving
// failed forgets its error.
func (l *List[T]) setState(pg *page[T], s pageState) {
	if pg.state != idle {
		l.count[pg.state]--
	}
	if s != idle {
		l.count[s]++
	}
	if pg.state = s; s != failed {
		pg.err = nil
	}
}

// dropPage forgets page p, and whatever its request was.
func (l *List[T]) dropPage(p int) {
	if pg, ok := l.pages[p]; ok {
		l.setState(pg, idle)
		delete(l.pages, p)
	}
}

// slotsTaken is how many request slots are in use: requests out, and
// pages held off that will each send one when the hold-off ends.
func (l *List[T]) slotsTaken() int { return l.count[sent] + l.count[heldOff] }
