package triage

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// SortKey is what the details are ordered by.
type SortKey int

const (
	SortNone SortKey = iota
	SortStatus
	SortName
	SortStart
	SortDuration
	SortCode
	SortChange  // against a baseline run, when comparing
	SortHistory // failures over the runs, when the history is shown
	NumSortKeys
)

// SortNames name the sorts, for the header.
var SortNames = [...]string{"", "status", "desktop", "start", "duration", "code", "change", "history"}

// GroupKey identifies a failure group: rows with this status, result code
// and fail reason.
type GroupKey struct{ Status, Code, Reason string }

// Changes classifies rows against a baseline run: the browser's
// comparison. Change is not ok while the baseline is read.
type Changes interface {
	Ready() bool
	Change(r *Row) (compare.Change, bool)
	// Version changes when a row's change may have changed without its
	// page changing (a desktop found failed in a later row).
	Version() int
}

// History ranks rows by their failures over the runs before: the
// browser's HISTORY column (the lower, the more failures).
type History interface {
	Ready() bool
	Rank(r *Row) int64
}

// NowStates tell the desktops' state now (the browser's NOW column): the
// words a now: term looks at ("shutoff", "active user maintenance"), and
// false while not known.
type NowStates interface {
	Now(desktopID string) (string, bool)
	// Version changes when a state arrived or aged out.
	Version() int
}

// Criteria are what narrows and orders the details: failed-only, a
// status, a text filter, a failure group, a change, a sort. They combine.
type Criteria struct {
	FailedOnly bool
	Status     string // "" for any
	Text       filter.Expr
	Group      *GroupKey
	SortBy     SortKey
	Desc       bool
	// Changes classifies rows against a baseline run (nil when not
	// comparing); Change keeps one change only.
	Changes Changes
	Change  *compare.Change
	History History // for the history sort (nil when not shown)
	// Now tells the desktops' state now, for now: terms (nil: unknown).
	Now NowStates
}

// Filtering reports a filter on: not every row is shown.
func (t Criteria) Filtering() bool {
	return t.FailedOnly || t.Status != "" || !t.Text.Empty() || t.Group != nil || t.Change != nil
}

// Active reports a filter or a sort on.
func (t Criteria) Active() bool { return t.Filtering() || t.SortBy != SortNone }

// UsesChange reports a filter that looks at how rows changed against a
// baseline: which rows it shows is not known before the baseline is read.
func (t Criteria) UsesChange() bool { return t.Change != nil || t.Text.UsesChange() }

// UsesChangeOrSort reports criteria whose rows or order depend on the
// rows' changes.
func (t Criteria) UsesChangeOrSort() bool { return t.UsesChange() || t.SortBy == SortChange }

// change is r's change, when runs are compared and the baseline is read.
func (t Criteria) change(r *Row) (compare.Change, bool) {
	if t.Changes == nil {
		return 0, false
	}
	return t.Changes.Change(r)
}

// Match reports whether the row is shown.
func (t Criteria) Match(r *Row) bool {
	s := r.Shared()
	switch {
	case t.FailedOnly && !filter.IsFailed(s.Status),
		t.Status != "" && !strings.EqualFold(s.Status, t.Status),
		t.Group != nil && (s.Status != t.Group.Status || s.Code != t.Group.Code || s.Reason != t.Group.Reason):
		return false
	}
	if t.Change != nil {
		if c, ok := t.change(r); !ok || c != *t.Change {
			return false
		}
	}
	if t.Text.Empty() {
		return true
	}
	d, label, now := r.Detail(), "", ""
	if c, ok := t.change(r); ok {
		label = c.String()
	}
	if t.Now != nil && t.Text.UsesNow() {
		now, _ = t.Now.Now(d.DesktopID)
	}
	return t.Text.MatchRow(&d, label, now)
}

// UsesNow reports a filter on the desktops' state now: its rows change as
// states arrive.
func (t Criteria) UsesNow() bool { return t.Text.UsesNow() }

func ready(x interface{ Ready() bool }) bool { return x != nil && x.Ready() }

// SameAs reports whether t shows the same rows in the same order as u.
func (t Criteria) SameAs(u Criteria) bool {
	return t.FailedOnly == u.FailedOnly && t.Status == u.Status && t.Text.String() == u.Text.String() &&
		(t.Group == nil) == (u.Group == nil) && (t.Group == nil || *t.Group == *u.Group) &&
		t.SortBy == u.SortBy && t.Desc == u.Desc &&
		t.Changes == u.Changes && ready(t.Changes) == ready(u.Changes) && t.History == u.History && ready(t.History) == ready(u.History) &&
		t.Now == u.Now &&
		(t.Change == nil) == (u.Change == nil) && (t.Change == nil || *t.Change == *u.Change)
}

// Describe is the active filter and sort in a few words, sanitised.
func (t Criteria) Describe() string {
	var parts []string
	if t.FailedOnly {
		parts = append(parts, "failed only")
	}
	if t.Status != "" {
		parts = append(parts, "status "+sanitize.Line(t.Status))
	}
	if t.Group != nil {
		parts = append(parts, "group "+orDash(sanitize.Line(t.Group.Code)))
	}
	if t.Change != nil {
		parts = append(parts, t.Change.String())
	}
	if t.SortBy != SortNone {
		arrow := "↑"
		if t.Desc {
			arrow = "↓"
		}
		parts = append(parts, "sort "+SortNames[t.SortBy]+" "+arrow)
	}
	if !t.Text.Empty() {
		// Last, and shortened: a long filter must not push the sort off
		// a narrow header line.
		parts = append(parts, "/"+ansi.Truncate(sanitize.Line(t.Text.String()), maxFilterShown, "…"))
	}
	return strings.Join(parts, " · ")
}

// maxFilterShown is how much of the / text the header line shows.
const maxFilterShown = 24

// FileLabel names the rows shown in an export file name, the change
// kept after them ("fail-new-failure").
func (t Criteria) FileLabel() string {
	rows := t
	rows.Change = nil
	label := rows.rowsLabel()
	if t.Change != nil {
		label = strings.TrimPrefix(label+"-"+strings.ReplaceAll(t.Change.String(), " ", "-"), "all-")
	}
	return label
}

func (t Criteria) rowsLabel() string {
	switch {
	case t.Group != nil:
		return "group-" + orDash(t.Group.Code)
	case t.Status != "":
		return strings.ToLower(t.Status)
	case t.FailedOnly && t.Text.Empty():
		return "failed"
	case t.Filtering():
		return "filtered"
	}
	return "all"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
