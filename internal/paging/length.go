package paging

// The length of a listing, as listing.Rules decide it (total_count is a
// hint, short and empty pages are facts), in pages.

func (l *List[T]) numPages() int {
	if l.total < 0 {
		return 1
	}
	n := l.total / l.pageSize // not (total+size-1)/size: that overflows near MaxInt
	if l.total%l.pageSize != 0 {
		n++
	}
	return n
}

// span is how many rows page p covers under the current total.
func (l *List[T]) span(p int) int {
	return max(min(l.pageSize, l.total-p*l.pageSize), 0)
}

// requestBeyond asks once for the page after the end, in case rows exist
// there that a contradictory total_count hid: past the range request
// keeps to, unless it was asked for already, failed or answered in this
// generation.
func (l *List[T]) requestBeyond(reqs []Request) []Request {
	p := l.total / l.pageSize
	if pg, ok := l.pages[p]; ok && (pg.state != idle || pg.loadedGen == l.gen) {
		return reqs
	}
	return l.ask(reqs, p)
}

// probing reports a listing whose total_count proved false and whose rows
// end on a page boundary: the page after them may hold more, and every row
// is not known to be held until it has answered (or failed).
func (l *List[T]) probing() bool {
	if !l.rules.Probing() || l.total%l.pageSize != 0 {
		return false
	}
	pg, ok := l.pages[l.total/l.pageSize]
	return !ok || (pg.loadedGen != l.gen && pg.state != failed)
}

// seekKept asks for the page after p while the kept record has not turned up.
func (l *List[T]) seekKept(reqs []Request, p int) []Request {
	if l.keepID == "" || p+1 >= min(l.numPages(), keepSearchPages) {
		return reqs
	}
	if _, found := l.index[l.keepID]; found {
		return reqs
	}
	return l.request(reqs, p+1)
}

// furthestRow is the end of the furthest rows held, of any generation.
func (l *List[T]) furthestRow() int {
	l.countHeld()
	return l.held.furthest
}

// setTotal changes the listing's length and keeps cursor and scroll in range.
func (l *List[T]) setTotal(total int) {
	if total == l.total {
		return
	}
	l.version++
	l.total = total
	last := l.numPages()
	for p, pg := range l.pages {
		switch {
		case p >= last && pg.state.pending():
			// Past the end now, but its request is out or due: the page
			// stays, without rows, so that its request is accounted for
			// when it comes back.
			clear(pg.rows)
			pg.rows, pg.loadedGen, pg.stamp = pg.rows[:0], -1, l.version
		case p >= last:
			l.dropPage(p)
		case len(pg.rows) > l.span(p):
			clear(pg.rows[l.span(p):]) // drop references to rows that are gone
			pg.rows = pg.rows[:l.span(p)]
			pg.stamp = l.version
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
	l.cursor = clamp(l.cursor, 0, max(l.Count()-1, 0))
	l.scrollToCursor()
}
