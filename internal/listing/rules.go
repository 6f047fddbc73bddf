// Package listing holds the rules for reading a paged listing of the
// Workspace API, written once for both ways of reading one: api.Stream
// (the scripts' -o, every page in order) and paging.List (the browser,
// the pages that come into view, in any order). It has no I/O, no clock
// and no Bubble Tea: each answer goes in, what it means comes out.
//
//   - total_count is only a hint of how far to ask ahead, held to
//     0..MaxTotal; rows are facts.
//   - A page shorter than asked for (an empty one included) ends the
//     listing.
//   - Rows are de-duplicated by id: a row whose id is held at another
//     position is a record sent twice (Index). Rows without an id are each
//     a row of their own.
//   - RepeatLimit full pages in a row that bring nothing new end the
//     listing where they began (ErrRepeating).
//
// How a refusal for rate holds a listing's other requests off is the
// api package's (RetryPolicy.After, Window.Answered): it needs the API's
// errors, which this package does not know.
package listing

import (
	"errors"
	"reflect"
)

// MaxTotal is the largest total_count believed. No project holds a
// billion desktops; a larger claim is a lie or a bug, and holding it here
// keeps arithmetic on it from overflowing.
const MaxTotal = 1_000_000_000

// RepeatLimit is how many full pages in a row may bring nothing new
// before the listing is judged to be going round in circles.
const RepeatLimit = 3

// ErrRepeating ends a listing whose full pages stopped bringing anything
// new: the same rows again and again, at positions that go on forever.
var ErrRepeating = errors.New("the API kept sending rows it had sent already")

// Rules decide how long a listing is and where it ends, from the answers
// to its pages, within one reading of it (a generation: Reset starts the
// next). The zero value is not ready: use New.
type Rules struct {
	size int // the rows a page is asked for
	// end is where a short page (or a run of repeats) ended the listing in
	// this reading; -1 while none has.
	end int
	// probe says total_count proved false in this reading (an empty page
	// before its own claimed end): only rows count, the end is where they
	// ran out, and the page after it may hold more.
	probe bool
	// repeats counts the full pages in a row that brought nothing new;
	// from is where the first of them began.
	repeats, from int
}

// New returns the rules for a listing read pageSize rows a page.
func New(pageSize int) Rules { return Rules{size: max(pageSize, 1), end: -1} }

// Reset forgets what the answers of the reading before said: a refresh
// reads the listing anew.
func (r *Rules) Reset() { r.end, r.probe, r.repeats, r.from = -1, false, 0, 0 }

// Length is the listing's length after n rows came at offset with the
// server's total_count reported, total being the length believed before
// (-1 until the first answer) and furthest the end of the furthest rows
// held (asked only when the rows ran out before total_count).
//
// total_count changes while a task runs and cannot be trusted alone: a
// short page ends the listing, and within one reading a later page's stale
// total cannot undo that; an empty page past the end believes a smaller
// total_count at once; an empty page before the claimed end makes the
// rows the only truth (Probing). Rows beyond the old end say the listing
// grew.
func (r *Rules) Length(total, offset, n, reported int, furthest func() int) int {
	reported = min(max(reported, 0), MaxTotal) // the client holds it too; a source need not be the client
	switch {
	case n == 0 && offset > 0 && reported < offset:
		// Past the end: the listing shrank, and total_count says to where.
		r.end = reported
	case n == 0 && offset > 0:
		// total_count claims rows that are not there. Walking back a page
		// at a time could take forever (a bogus total of 2^50), so end at
		// the furthest row held and probe onwards from there on demand.
		r.end, r.probe = min(furthest(), offset), true
	case n < r.size:
		r.end = offset + n
	case r.probe:
		// total_count proved false in this reading: only rows count.
		return max(total, offset+n)
	default:
		length := max(reported, offset+n)
		if r.end >= 0 && offset+n <= r.end {
			length = min(length, r.end)
		} else {
			r.end = -1 // rows beyond the old end: the listing grew
		}
		return length
	}
	return r.end
}

// Ended reports whether a short page has ended the listing in this
// reading (a reader in page order stops there).
func (r *Rules) Ended() bool { return r.end >= 0 }

// Probing reports that total_count proved false in this reading: the
// listing ends where the rows ran out, and the page after them is worth
// asking for.
func (r *Rules) Probing() bool { return r.probe }

// Repeat notes the answer to the page at offset for the rule on repeats:
// n is the rows it brought, fresh how many of them were new (held at no
// other position), same whether they were the page before's rows all over
// again (how rows without ids repeat). A short page neither counts nor
// breaks a run. Once RepeatLimit full pages in a row brought nothing new,
// the listing ends where the first of them began: Repeat returns that
// position and true, and the reader says why with ErrRepeating.
func (r *Rules) Repeat(offset, n, fresh int, same bool) (end int, ended bool) {
	if n < r.size {
		return 0, false
	}
	if fresh > 0 && !same {
		r.repeats = 0
		return 0, false
	}
	if r.repeats == 0 || offset < r.from {
		r.from = offset
	}
	if r.repeats++; r.repeats < RepeatLimit {
		return 0, false
	}
	r.end, r.probe = r.from, false
	return r.from, true
}

// Same reports whether a page's rows are the page before's all over
// again: how a listing of rows without ids repeats itself.
func Same[T any](rows, before []T) bool {
	return len(rows) > 0 && reflect.DeepEqual(rows, before)
}

// Index is where each id was seen last: the rule that tells a record sent
// twice (the listing shifted while it was read, or the API repeats
// itself) from a new one.
type Index map[string]int

// Note records that the row with id came at pos, and reports whether it
// is a record held already at another position, prev: one where it was
// seen before and that, as held says, still holds it (nil: every position
// seen still does, as in a reading that replaces nothing). Rows without
// an id are each a row of their own: never a duplicate, never recorded.
func (x Index) Note(id string, pos int, held func(prev int, id string) bool) (prev int, dup bool) {
	if id == "" {
		return 0, false
	}
	prev, seen := x[id]
	x[id] = pos
	return prev, seen && prev != pos && (held == nil || held(prev, id))
}
