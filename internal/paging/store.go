package paging

import (
	"fmt"
	"time"

	"github.com/wksrec/wksrec/internal/listing"
)

// Storing the rows of an answer: by position, indexed by id (listing.Index
// says which rows are records held already), and the listing ended where
// full pages stopped bringing anything new (listing.Rules.Repeat).

// ErrRepeating (listing.ErrRepeating) ends a listing whose full pages
// stopped bringing anything new: the same rows again and again, at
// positions that go on forever.
var ErrRepeating = listing.ErrRepeating

// repeatLimit is how many full pages in a row may bring nothing new.
const repeatLimit = listing.RepeatLimit

// store makes rows the current generation's rows of page p and indexes
// them by id. Rows without an id are kept but not indexed: each is a row of
// its own.
//
// It returns how many rows were held already at another position.
func (l *List[T]) store(p int, rows []T) (repeated int) {
	pg := l.page(p)
	if pg.state == failed {
		l.setState(pg, idle) // rows came for it after all (beyond the limit of the page before)
	}
	pg.loadedGen = l.gen
	pg.rows = append(pg.rows[:0], rows...)
	l.version++
	pg.stamp = l.version
	offset := p * l.pageSize
	end := max(l.total, offset+len(rows))
	held := func(prev int, id string) bool { // the row at prev is still that record
		other := l.pages[prev/l.pageSize]
		return prev < end && other != nil && prev%l.pageSize < len(other.rows) && l.idOf(other.rows[prev%l.pageSize]) == id
	}
	for i, it := range pg.rows {
		if prev, dup := l.index.Note(l.idOf(it), offset+i, held); dup {
			// The same record at two positions: rows shifted between
			// pages while the task ran. Each now yields it once.
			l.dupes = true
			repeated++
			if l.debug != nil {
				fmt.Fprintf(l.debug, "%s list %s: id %q sent at rows %d and %d; shown and counted once\n",
					l.now().UTC().Format(time.RFC3339Nano), l.name, l.idOf(it), prev, offset+i)
			}
		}
	}
	return repeated
}

// noteRepeats tells the rules about a page's answer of n rows (every row
// held already at another position, or the page the same as the one
// before, for rows without ids, is nothing new), and ends the listing
// where such pages began once the rules say so. It reports whether it did.
func (l *List[T]) noteRepeats(p, n, repeated int) bool {
	var rows []T
	if pg, ok := l.pages[p]; ok { // a short page may have ended the listing before itself
		rows = pg.rows
	}
	before, ok := l.pages[p-1]
	same := ok && before.loadedGen == l.gen && listing.Same(rows, before.rows)
	end, ended := l.rules.Repeat(p*l.pageSize, n, len(rows)-repeated, same)
	if !ended {
		return false
	}
	l.repeatErr = fmt.Errorf("%w; the list ends where they began", ErrRepeating)
	l.setTotal(end)
	return true
}
