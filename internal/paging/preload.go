package paging

// Preload takes a listing held whole from elsewhere (a finished run from
// the store): every page is current at once and the listing is as long
// as all, so the list is all loaded with no request: a filter, a sort, an
// export need not wait. It follows the listing's rules as answers would
// (each page as if answered, with all's length as total_count), and
// returns what to ask for then (nothing, for a listing that ends where
// all does). A refresh asks the API again.
func (l *List[T]) Preload(all []T) []Request {
	n := len(all)
	for p := 0; p == 0 || p*l.pageSize < n; p++ {
		page := all[p*l.pageSize : min((p+1)*l.pageSize, n)]
		l.store(p, page)
		l.setTotal(l.rules.Length(l.total, p*l.pageSize, len(page), n, l.furthestRow))
	}
	l.keepOnPreload()
	return l.Ensure()
}

// Hold stops (on) or lets (off) the list ask for pages: while a listing
// may come whole from elsewhere (Preload), a resize or a move must not
// send the requests it would make needless. Start or Preload after.
func (l *List[T]) Hold(on bool) { l.holding = on }

// keepOnPreload puts the cursor on the record it was to land on, now
// that every row is held.
func (l *List[T]) keepOnPreload() {
	if l.keepID == "" {
		return
	}
	if pos, ok := l.index[l.keepID]; ok {
		if i := l.DisplayIndex(pos); i >= 0 {
			l.cursor, l.keepID = i, ""
			l.scrollToCursor()
		}
	}
}
