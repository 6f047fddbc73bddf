package paging

import (
	"errors"
	"fmt"
	"reflect"
	"time"
)

// Storing the rows of an answer: by position, indexed by id, and the
// listing ended when full pages stop bringing anything new.

// ErrRepeating ends a listing whose full pages stopped bringing anything
// new: the same rows again and again, at positions that go on forever.
var ErrRepeating = errors.New("the API kept sending rows it had sent already; the list ends where they began")

// repeatLimit is how many full pages in a row may bring nothing new.
const repeatLimit = 3

// store makes rows the current generation's rows of page p and indexes
// them by id. Rows without an id are kept but not indexed: each is a row of
// its own.
//
// It returns how many rows were held already at another position.
func (l *List[T]) store(p int, rows []T) (repeated int) {
	pg := l.page(p)
	pg.err, pg.loadedGen = nil, l.gen
	pg.rows = append(pg.rows[:0], rows...)
	l.version++
	pg.stamp = l.version
	offset := p * l.pageSize
	for i, it := range pg.rows {
		id := l.idOf(it)
		if id == "" {
			continue
		}
		if prev, ok := l.index[id]; ok && prev != offset+i && prev < max(l.total, offset+len(rows)) {
			if other := l.pages[prev/l.pageSize]; other != nil && prev%l.pageSize < len(other.rows) && l.idOf(other.rows[prev%l.pageSize]) == id {
				// The same record at two positions: rows shifted between
				// pages while the task ran. Each now yields it once.
				l.dupes = true
				repeated++
				if l.debug != nil {
					fmt.Fprintf(l.debug, "%s list %s: id %q sent at rows %d and %d; shown and counted once\n",
						l.now().UTC().Format(time.RFC3339Nano), l.name, id, prev, offset+i)
				}
			}
		}
		l.index[id] = offset + i
	}
	return repeated
}

// noteRepeats counts a full page that brought nothing new (every row held
// already at another position, or the page the same as the one before, for
// rows without ids), and ends the listing where such pages began once
// repeatLimit of them came in a row. It reports whether it did.
func (l *List[T]) noteRepeats(p, n, repeated int) bool {
	if n < l.pageSize {
		return false
	}
	rows := l.pages[p].rows
	before, ok := l.pages[p-1]
	same := ok && before.loadedGen == l.gen && reflect.DeepEqual(before.rows, rows)
	if repeated < len(rows) && !same {
		l.repeats = 0
		return false
	}
	if l.repeats == 0 || p*l.pageSize < l.repeatFrom {
		l.repeatFrom = p * l.pageSize
	}
	if l.repeats++; l.repeats < repeatLimit {
		return false
	}
	l.repeatErr, l.end, l.probeEnd = ErrRepeating, l.repeatFrom, false
	l.setTotal(l.repeatFrom)
	return true
}
