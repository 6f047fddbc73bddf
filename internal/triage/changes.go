package triage

import (
	"slices"

	"github.com/wksrec/wksrec/internal/compare"
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
}

// Update counts the rows of l against base.
func (t *ChangeTally) Update(l *paging.List[Row], base *compare.Baseline) [compare.NumChanges]int {
	if t.base == base && t.version == l.Version() && t.present != nil {
		return t.counts
	}
	if t.base != base {
		*t = ChangeTally{base: base} // another baseline: count again
	}
	t.version = l.Version()
	fresh, redo := t.seen.Diff(l)
	add := func(r *Row) {
		t.counts[base.Classify(r.DesktopID(), r.Status())]++
		if id := r.DesktopID(); !t.present[id] {
			t.present[id] = true
			if _, ok := base.Outcome(id); ok {
				t.matched++
			}
		}
	}
	if redo || t.present == nil {
		t.counts, t.present, t.matched = [compare.NumChanges]int{}, map[string]bool{}, 0
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
