// Package compare joins the details of runs of one task by desktop: what
// failed anew in a run, what keeps failing, what recovered (against a
// baseline run), and each desktop's status over the runs before (its
// history). The API has no per-desktop history: this is the join.
//
// Desktops are matched by desktop_id (names can change between runs). A
// failure is exec_status FAIL or FAILED, as for the f key and --status
// FAILED.
package compare

import (
	"strings"
	"unique"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
)

// Change is how a desktop's outcome in a run differs from the baseline's.
type Change uint8

const (
	Unchanged      Change = iota // in both, failed in neither or succeeded in neither
	NewFailure                   // failed here, not in the baseline
	StillFailing                 // failed in both
	Recovered                    // failed in the baseline, not here
	OnlyInCurrent                // not in the baseline (a new desktop)
	OnlyInBaseline               // in the baseline only (gone)
	NumChanges
)

// wire and label name each change for scripts and for people.
var (
	wire  = [NumChanges]string{"UNCHANGED", "NEW_FAILURE", "STILL_FAILING", "RECOVERED", "ONLY_IN_CURRENT", "ONLY_IN_BASELINE"}
	label = [NumChanges]string{"unchanged", "new failure", "still failing", "recovered", "new desktop", "gone"}
)

// Wire is the change as -o prints it: NEW_FAILURE.
func (c Change) Wire() string { return wire[c] }

// String is the change as the screen shows it: new failure.
func (c Change) String() string { return label[c] }

// ParseChanges reads a comma-separated list of wire names (any case).
func ParseChanges(s string) (map[Change]bool, error) {
	out := map[Change]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.ToUpper(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		found := false
		for c := range NumChanges {
			if wire[c] == part {
				out[c], found = true, true
			}
		}
		if !found {
			return nil, &UnknownChangeError{Name: part}
		}
	}
	return out, nil
}

// UnknownChangeError names a change that does not exist.
type UnknownChangeError struct{ Name string }

func (e *UnknownChangeError) Error() string {
	return "unknown change " + e.Name + "; the changes are " + strings.Join(wire[:], ", ")
}

// Outcome is what the comparison and the history keep of a desktop in one
// run: its status, code and reason, interned (a run has a handful of
// distinct ones), nothing else of the row.
type Outcome struct{ Status, Code, Reason string }

// Failed reports a FAIL or FAILED outcome.
func (o Outcome) Failed() bool { return filter.IsFailed(o.Status) }

// Baseline is a run's outcomes by desktop id, to compare another run with.
type Baseline struct {
	byDesktop map[string]unique.Handle[Outcome]
	noID      int          // rows without a desktop id: gone, as far as anyone can tell
	rows      []api.Detail // kept only when asked for, to list the desktops gone
	added     int          // rows taken in
	expected  int          // rows the run says it has (0: not said)
}

// NewBaseline returns an empty baseline; Add takes its details one by one.
// keepRows keeps each detail whole, for -o to print the desktops gone.
func NewBaseline(keepRows bool) *Baseline {
	b := &Baseline{byDesktop: map[string]unique.Handle[Outcome]{}}
	if keepRows {
		b.rows = []api.Detail{}
	}
	return b
}

// Add takes in one detail of the baseline run. A desktop listed twice
// counts as failed if either row failed.
func (b *Baseline) Add(d *api.Detail) {
	b.added++
	o := unique.Make(Outcome{d.ExecStatus, d.ResultCode, d.FailReason})
	if prev, ok := b.byDesktop[d.DesktopID]; ok && prev.Value().Failed() {
		o = prev
	}
	if d.DesktopID != "" {
		b.byDesktop[d.DesktopID] = o
	} else {
		b.noID++
	}
	if b.rows != nil {
		b.rows = append(b.rows, *d)
	}
}

// Expect says how many rows the run has, as its record counts them
// (success_num + failed_num + skip_num) or its listing's total_count,
// whichever is more.
func (b *Baseline) Expect(rows int) { b.expected = max(b.expected, rows) }

// Missing is how many rows the run said it has that were not taken in:
// above 0, the baseline is incomplete, and a desktop it lacks may be in
// the part missing. Nothing may be said of it as "new" or "gone".
func (b *Baseline) Missing() int {
	if b == nil {
		return 0
	}
	return max(b.expected-b.added, 0)
}

// Size is what the baseline holds: its desktops and the rows it keeps.
func (b *Baseline) Size() int {
	if b == nil {
		return 0
	}
	return len(b.byDesktop) + len(b.rows)
}

// Len is how many desktops the baseline has.
func (b *Baseline) Len() int { return len(b.byDesktop) }

// NoID is how many of its rows have no desktop id: no run can match them,
// so they are among the gone.
func (b *Baseline) NoID() int { return b.noID }

// Outcome is the desktop's outcome in the baseline.
func (b *Baseline) Outcome(desktopID string) (Outcome, bool) {
	o, ok := b.byDesktop[desktopID]
	if !ok || desktopID == "" {
		return Outcome{}, false
	}
	return o.Value(), true
}

// Classify says how a desktop with status in the compared run changed. A
// row without a desktop id cannot be matched: it is only in the current
// run as far as anyone can tell.
func (b *Baseline) Classify(desktopID, status string) Change {
	was, ok := b.Outcome(desktopID)
	if !ok {
		return OnlyInCurrent
	}
	failed := filter.IsFailed(status)
	switch {
	case failed && was.Failed():
		return StillFailing
	case failed:
		return NewFailure
	case was.Failed():
		return Recovered
	}
	return Unchanged
}

// Gone returns the baseline's desktops that current lacks (by desktop
// id), in the baseline's order: whole rows when the baseline keeps them,
// else only their ids. Rows without a desktop id are always gone.
func (b *Baseline) Gone(current func(desktopID string) bool) (rows []api.Detail, ids []string) {
	if b.rows != nil {
		listed := map[string]bool{}
		for _, d := range b.rows {
			if d.DesktopID == "" || (!current(d.DesktopID) && !listed[d.DesktopID]) {
				listed[d.DesktopID] = true
				rows = append(rows, d)
			}
		}
		return rows, nil
	}
	for id := range b.byDesktop {
		if !current(id) {
			ids = append(ids, id)
		}
	}
	return nil, ids
}
