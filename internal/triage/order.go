package triage

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/wksrec/wksrec/internal/paging"
)

// What the details screen derives from the rows held (the order a triage
// shows them in, the counts by status) is kept up to date as pages arrive.
// A new page is taken in on its own: filtered, sorted and merged into the
// order, added to the counts. Recomputing everything for every page made a
// load-all cost pages × n log n on the UI's goroutine. Anything else (a
// page sent again, rows gone, a record held twice) recomputes from scratch.

// PagesSeen follows which pages of a list a derived value has taken in.
type PagesSeen struct {
	stamps map[int]int // page -> stamp of the rows taken in
}

// Diff returns the pages held that are new since the last call, or redo
// when something else changed and the value must be recomputed from
// every row. Either way the pages held now count as taken in.
func (s *PagesSeen) Diff(l *paging.List[Row]) (fresh []int, redo bool) {
	redo = s.stamps == nil || l.Dupes() // Dupes: Each's one-copy rule applies
	matched := 0
	var freshStamps []int
	l.EachPage(func(p, stamp int, _ []Row) {
		if old, ok := s.stamps[p]; !ok {
			fresh, freshStamps = append(fresh, p), append(freshStamps, stamp)
		} else if old == stamp {
			matched++
		}
	})
	if matched != len(s.stamps) {
		redo = true // a page taken in changed (sent again, cut short) or is gone
	}
	if redo {
		s.stamps = map[int]int{}
		l.EachPage(func(p, stamp int, _ []Row) { s.stamps[p] = stamp })
		return nil, true
	}
	for i, p := range fresh {
		s.stamps[p] = freshStamps[i]
	}
	return fresh, false
}

// orderEntry is one shown row with what its sort compares: a number (a
// time, a duration), then a string (a status, a folded name), then the
// position, which makes the order total and the sort stable.
type orderEntry struct {
	key int64
	str string
	pos int
}

func entryOf(t Criteria, r *Row, pos int) orderEntry {
	e := orderEntry{pos: pos}
	switch t.SortBy {
	case SortHistory:
		e.key = 1 << 20 // unknown while the history is read
		if t.History != nil && t.History.Ready() {
			e.key = t.History.Rank(r)
		}
	case SortChange:
		e.key = int64(len(ChangeRank)) // unknown while the baseline is read
		if c, ok := t.change(r); ok {
			e.key = ChangeRank[c]
		}
	case SortStatus:
		e.str = r.Status()
	case SortCode:
		e.str = r.Code()
	case SortName:
		e.str = r.FoldedName()
	case SortStart:
		if r.HasStart {
			e.key = r.Start
		} else {
			// After every time that parses, by the raw text.
			e.key, e.str = math.MaxInt64, r.Field(3)
		}
	case SortDuration:
		e.key = int64(r.Dur)
	}
	return e
}

func compareEntries(a, b orderEntry, desc bool) int {
	c := cmp.Compare(a.key, b.key)
	if c == 0 {
		c = strings.Compare(a.str, b.str)
	}
	if desc {
		c = -c
	}
	if c == 0 {
		c = cmp.Compare(a.pos, b.pos)
	}
	return c
}

// Order is the rows a triage shows, in its order.
type Order struct {
	tr      Criteria
	seen    PagesSeen
	entries []orderEntry
	// bufs are two position slices used in turn: the list holds one while
	// the other is written, so an update allocates nothing once grown.
	bufs [2][]int
	next int
	// changes is tr.Changes' Version when the order was made, now
	// tr.Now's.
	changes, now int
}

// Update brings the order up to date with the rows of l under tr and
// gives it to the list.
func (o *Order) Update(l *paging.List[Row], tr Criteria) {
	fresh, redo := o.seen.Diff(l)
	if !tr.SameAs(o.tr) {
		o.tr, redo = tr, true
	}
	if tr.Changes != nil && tr.UsesChangeOrSort() {
		if v := tr.Changes.Version(); v != o.changes {
			o.changes, redo = v, true // a row held may have another change now
		}
	}
	if tr.Now != nil && tr.UsesNow() {
		if v := tr.Now.Version(); v != o.now {
			o.now, redo = v, true // a desktop's state arrived
		}
	}
	desc := tr.Desc
	sortEntries := func(es []orderEntry) {
		slices.SortFunc(es, func(a, b orderEntry) int { return compareEntries(a, b, desc) })
	}
	if redo {
		o.entries = o.entries[:0]
		l.Each(func(pos int, r *Row) {
			if tr.Match(r) {
				o.entries = append(o.entries, entryOf(tr, r, pos))
			}
		})
		sortEntries(o.entries)
	} else {
		var add []orderEntry
		l.EachPage(func(p, _ int, rows []Row) {
			if !slices.Contains(fresh, p) {
				return
			}
			for i := range rows {
				if tr.Match(&rows[i]) {
					add = append(add, entryOf(tr, &rows[i], p*l.PageSize()+i))
				}
			}
		})
		sortEntries(add)
		o.entries = mergeInto(o.entries, add, desc)
	}
	order := o.bufs[o.next][:0]
	if order == nil {
		order = make([]int, 0, len(o.entries)) // not nil: nil shows every row
	}
	for _, e := range o.entries {
		order = append(order, e.pos)
	}
	o.bufs[o.next], o.next = order, 1-o.next
	l.SetOrder(order)
}

// mergeInto merges the sorted add into the sorted es in place, from the
// back: one pass, no allocation once es has room.
func mergeInto(es, add []orderEntry, desc bool) []orderEntry {
	if len(add) == 0 {
		return es
	}
	n := len(es)
	es = slices.Grow(es, len(add))[:n+len(add)]
	i, j := n-1, len(add)-1
	for k := len(es) - 1; j >= 0; k-- {
		if i >= 0 && compareEntries(es[i], add[j], desc) > 0 {
			es[k] = es[i]
			i--
		} else {
			es[k] = add[j]
			j--
		}
	}
	return es
}

// StatusCounts counts the rows held by status, page by page as they come.
type StatusCounts struct {
	seen     PagesSeen
	version  int
	byStatus map[string]int
}

func (c *StatusCounts) Update(l *paging.List[Row]) map[string]int {
	if c.byStatus != nil && c.version == l.Version() {
		return c.byStatus
	}
	c.version = l.Version()
	fresh, redo := c.seen.Diff(l)
	count := func(r *Row) { c.byStatus[strings.ToUpper(r.Status())]++ }
	if redo {
		c.byStatus = map[string]int{}
		l.Each(func(_ int, r *Row) { count(r) })
		return c.byStatus
	}
	l.EachPage(func(p, _ int, rows []Row) {
		if slices.Contains(fresh, p) {
			for i := range rows {
				count(&rows[i])
			}
		}
	})
	return c.byStatus
}
