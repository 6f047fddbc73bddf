package triage

import (
	"slices"
	"sort"
	"strings"

	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
)

// FailureGroup is the FAIL or SKIP rows that share a result code and a
// fail reason: the fastest answer to "why did this run fail".
type FailureGroup struct {
	Key      GroupKey
	Count    int
	Desktops []string // the first few, for the pane
	at       []int    // the positions of desktops
}

// groupSample is how many desktops a group names.
const groupSample = 5

func GroupID(g FailureGroup) string {
	return g.Key.Status + "\x00" + g.Key.Code + "\x00" + g.Key.Reason
}

// tallyFailure counts the row at pos in its group, if it failed or was
// skipped. A group names the desktops of its first rows by position,
// whatever order they come in.
func tallyFailure(byKey map[GroupKey]*FailureGroup, pos int, r *Row) {
	s := r.Shared()
	if !filter.IsFailed(s.Status) && !strings.EqualFold(s.Status, "SKIP") {
		return
	}
	k := GroupKey{s.Status, s.Code, s.Reason}
	g, ok := byKey[k]
	if !ok {
		g = &FailureGroup{Key: k}
		byKey[k] = g
	}
	g.Count++
	if len(g.at) == groupSample && pos > g.at[groupSample-1] {
		return
	}
	i, _ := slices.BinarySearch(g.at, pos)
	g.at = slices.Insert(g.at, i, pos)
	g.Desktops = slices.Insert(g.Desktops, i, r.Name())
	if len(g.at) > groupSample {
		g.at, g.Desktops = g.at[:groupSample], g.Desktops[:groupSample]
	}
}

// sortedGroups are the groups largest first (ties by status, code,
// reason, so the order is stable).
func sortedGroups(byKey map[GroupKey]*FailureGroup) []FailureGroup {
	groups := make([]FailureGroup, 0, len(byKey))
	for _, g := range byKey {
		c := *g
		c.Desktops, c.at = slices.Clone(g.Desktops), nil // the tally goes on changing its own
		groups = append(groups, c)
	}
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return GroupID(a) < GroupID(b)
	})
	return groups
}

// GroupTally keeps the failure groups (the loaded FAIL, FAILED and SKIP
// rows by status, code and reason) up to date page by page as the
// details arrive (see pagesSeen): regrouping every row for every page made
// the groups screen cost pages × n during a load-all.
type GroupTally struct {
	seen  PagesSeen
	byKey map[GroupKey]*FailureGroup
}

func (t *GroupTally) Update(l *paging.List[Row]) []FailureGroup {
	fresh, redo := t.seen.Diff(l)
	if redo || t.byKey == nil {
		t.byKey = map[GroupKey]*FailureGroup{}
		l.Each(func(pos int, r *Row) { tallyFailure(t.byKey, pos, r) })
		return sortedGroups(t.byKey)
	}
	l.EachPage(func(p, _ int, rows []Row) {
		if slices.Contains(fresh, p) {
			for i := range rows {
				tallyFailure(t.byKey, p*l.PageSize()+i, &rows[i])
			}
		}
	})
	return sortedGroups(t.byKey)
}
