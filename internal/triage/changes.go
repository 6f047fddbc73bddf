package triage

import (
	"slices"

	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
)

// ChangeRank orders changes for the CHANGE sort, most urgent first.
var ChangeRank = [compare.NumChanges]int64{
	compare.NewFailure: 0, compare.StillFailing: 1, compare.Recovered: 2, compare.OnlyInCurrent: 3, compare.Unchanged: 4, compare.OnlyInBaseline: 5,
}

// ChangeTally counts the rows held by change, page by page as they come,
// and the baseline's desktops none of them has (gone).
type ChangeTally struct {
	seen    PagesSeen
	base    *compare.Baseline
	version int
	counts  [compare.NumChanges]int
	present map[string]bool // the desktops held
	matched int             // of them, those the baseline has
	unknown int             // rows whose change the baseline cannot tell
	flips   int             // the desktops' failures when counted (Failures.Flips)
}

// Unknown is how many rows the last Update could not tell the change of.
func (t *ChangeTally) Unknown() int { return t.unknown }

// Update counts the rows of l against base, each desktop taken whole
// (f); a row base cannot tell of (Classify) is counted as unknown.
func (t *ChangeTally) Update(l *paging.List[Row], base *compare.Baseline, f *Failures) [compare.NumChanges]int {
	f.Update(l)
	if t.base == base && t.version == l.Version() && t.flips == f.Flips() && t.present != nil {
		return t.counts
	}
	if t.base != base {
		*t = ChangeTally{base: base} // another baseline: count again
	}
	t.version = l.Version()
	fresh, redo := t.seen.Diff(l)
	if t.flips != f.Flips() {
		t.flips, redo = f.Flips(), true // a desktop's earlier row has another change now
	}
	add := func(r *Row) {
		if c, ok := Classify(base, f, r); ok {
			t.counts[c]++
		} else {
			t.unknown++
		}
		if id := r.DesktopID(); !t.present[id] {
			t.present[id] = true
			if _, ok := base.Outcome(id); ok {
				t.matched++
			}
		}
	}
	if redo || t.present == nil {
		t.counts, t.present, t.matched, t.unknown = [compare.NumChanges]int{}, map[string]bool{}, 0, 0
		l.Each(func(_ int, r *Row) { add(r) })
	} else {
		l.EachPage(func(p, _ int, rows []Row) {
			if slices.Contains(fresh, p) {
				for i := range rows {
					add(&rows[i])
				}
			}
		})
	}
	t.counts[compare.OnlyInBaseline] = base.Len() - t.matched + base.NoID() // as x lists them
	return t.counts
}

// Failures are the desktops of the rows held that failed in any of their
// rows, kept page by page: a desktop listed twice in a run (FAIL, then
// SUCCESS) is one desktop with one change against a baseline, failed if
// either row failed.
type Failures struct {
	seen    PagesSeen
	version int
	failed  map[string]bool
	listed  map[string]bool // every desktop of the rows held
	// flips counts the desktops found failed in a row after another of
	// their rows was held: what was said of that row may change.
	flips int
}

// Flips changes when a row already held may have another change now.
func (f *Failures) Flips() int {
	if f == nil {
		return 0
	}
	return f.flips
}

// Update brings the failures up to date with the rows of l.
func (f *Failures) Update(l *paging.List[Row]) {
	if f == nil || (f.failed != nil && f.version == l.Version()) {
		return
	}
	f.version = l.Version()
	fresh, redo := f.seen.Diff(l)
	note := func(r *Row) {
		id := r.DesktopID()
		if id == "" {
			return
		}
		if filter.IsFailed(r.Status()) && !f.failed[id] {
			f.failed[id] = true
			if f.listed[id] {
				f.flips++
			}
		}
		f.listed[id] = true
	}
	if redo || f.failed == nil {
		f.failed, f.listed = map[string]bool{}, map[string]bool{}
		f.flips++ // every row may have another change
		l.Each(func(_ int, r *Row) { note(r) })
		return
	}
	l.EachPage(func(p, _ int, rows []Row) {
		if slices.Contains(fresh, p) {
			for i := range rows {
				note(&rows[i])
			}
		}
	})
}

// Status is the row's status as its desktop's: FAIL when another of the
// desktop's rows failed.
func (f *Failures) Status(r *Row) string {
	if f != nil && f.failed[r.DesktopID()] {
		return "FAIL"
	}
	return r.Status()
}

// Classify is r's change against base, its desktop taken whole (f may be
// nil: the row alone). ok is false for what base cannot tell: a desktop
// it lacks when it was read short (it may be in the part missing).
func Classify(base *compare.Baseline, f *Failures, r *Row) (compare.Change, bool) {
	c := base.Classify(r.DesktopID(), f.Status(r))
	if c == compare.OnlyInCurrent && base.Missing() > 0 {
		return c, false
	}
	return c, true
}
