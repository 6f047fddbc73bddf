package paging

// Finding where a listing really ends once total_count proved false. G
// (a move to the last row) on such a listing used to probe the page after
// the rows held, land there, and wait for the next G: a listing of 2,537
// rows claiming 10^12 took 26 presses. The search instead doubles the
// distance past the last full page until a page comes back empty (or
// short), then halves the gap: O(log n) requests, one at a time, for n
// rows past those held. The cursor lands on the last row once it is
// found.

// endSeek is the search under way (on), in page indices: lo is a page
// known full, hi one known empty (-1 while doubling), probe the page
// asked for now.
type endSeek struct {
	want            bool // the last row was asked for (G)
	on              bool
	lo, hi, probe   int
	step            int
	maxProbes, done int // a bound on the requests, whatever the answers
}

// maxSeekProbes bounds a search: doubling to listing.MaxTotal and halving
// back take about 50.
const maxSeekProbes = 80

// start searches onward from page lo, the last page known full.
func (s *endSeek) start(lo int) {
	*s = endSeek{want: true, on: true, lo: lo, hi: -1, step: 1, probe: lo + 1, maxProbes: maxSeekProbes}
}

// seekEnd starts the search when the last row is wanted and total_count
// proved false, the rows held ending on a page boundary (a short last
// page is the end itself).
func (l *List[T]) seekEnd() {
	if l.seek.want && !l.seek.on && l.rules.Probing() && l.total > 0 && l.total%l.pageSize == 0 {
		l.seek.start(l.total/l.pageSize - 1)
	}
}

// askProbe asks for the search's page unless it is out, due or answered
// in this generation already.
func (l *List[T]) askProbe(reqs []Request) []Request {
	if pg, ok := l.pages[l.seek.probe]; ok && (pg.state != idle || pg.loadedGen == l.gen) {
		return reqs
	}
	return l.ask(reqs, l.seek.probe)
}

// stop ends the search when page p, its probe, failed for good.
func (s *endSeek) stop(p int) {
	if s.on && p == s.probe {
		*s = endSeek{}
	}
}

// answered takes in the answer to page p (n rows of size), and reports
// whether the end is found. A page other than the probe is not the
// search's business.
func (s *endSeek) answered(p, n, size int) (found bool) {
	if !s.on || p != s.probe {
		return false
	}
	s.done++
	switch {
	case n > 0 && n < size: // a short page: the end itself
		*s = endSeek{}
		return true
	case n >= size: // full: the end is further
		s.lo = p
		if s.hi < 0 {
			s.step *= 2
			s.probe = s.lo + s.step
		}
	default: // empty: the end is before
		s.hi = p
	}
	if s.hi >= 0 {
		if s.hi-s.lo <= 1 {
			*s = endSeek{} // the rows end where page lo does
			return true
		}
		s.probe = s.lo + (s.hi-s.lo)/2
	}
	if s.done >= s.maxProbes {
		*s = endSeek{} // bounded, whatever the answers: land where the rows held end
		return true
	}
	return false
}

// land puts the cursor on the last row, the search over.
func (l *List[T]) land() {
	l.cursor = max(l.Count()-1, 0)
	l.scrollToCursor()
}
