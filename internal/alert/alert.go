// Package alert decides when a watched run is worth an alert and what the
// alert says: the run finished, desktops failed in a run still going, or
// a refresh found failures that are new against the baseline. Workspace
// has no alert for a scheduled task that failed; the browser's watch mode
// and -o json --watch both ask this package, so they alert on the same
// changes with the same summary. Delivering an alert is internal/notify's.
package alert

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
)

// Snapshot is a run as read at one moment: its record and the desktops
// that failed in its rows.
type Snapshot struct {
	TaskID, TaskName string
	Record           api.Record
	Rows             int
	Failed           []Desktop // in the order listed, each desktop once
	At               time.Time
	// counts are the rows' own (read after the record, so a run going
	// has moved on since its record's counts); zero without rows.
	counts Counts
}

// Desktop is a desktop that failed, as the alert names it.
type Desktop struct {
	ID         string `json:"desktop_id"`
	Name       string `json:"desktop_name"`
	ResultCode string `json:"result_code,omitempty"`
}

// NewSnapshot is the snapshot of a run's record and rows at at.
func NewSnapshot(taskID, taskName string, rec api.Record, rows []api.Detail, at time.Time) Snapshot {
	s := Snapshot{TaskID: taskID, TaskName: taskName, Record: rec, Rows: len(rows), At: at}
	seen := map[string]bool{}
	for _, d := range rows {
		key := d.DesktopID
		if key == "" {
			key = "row:" + d.ID // no desktop id: the row is all there is to tell it by
		}
		switch {
		case strings.EqualFold(d.ExecStatus, "SUCCESS"):
			s.counts.Success++
		case filter.IsFailed(d.ExecStatus):
			s.counts.Failed++
		case strings.EqualFold(d.ExecStatus, "SKIP"):
			s.counts.Skipped++
		}
		if filter.IsFailed(d.ExecStatus) && !seen[key] {
			seen[key] = true
			s.Failed = append(s.Failed, Desktop{ID: d.DesktopID, Name: d.DesktopName, ResultCode: d.ResultCode})
		}
	}
	return s
}

func (d Desktop) key() string { return d.ID + "\x00" + d.Name }

// Event kinds.
const (
	Finished    = "finished"     // the run is no longer RUNNING or WAITING
	NewFailures = "new_failures" // desktops failed since the last alert
)

// MaxListed bounds the failures an alert names: a run of 5,000 desktops
// that all fail is one alert with a count, not a 5,000-line message.
const MaxListed = 100

// Event is one alert: what changed, and the run as it stands.
type Event struct {
	Kind string    `json:"event"`
	At   time.Time `json:"at"`
	Task struct {
		ID   string `json:"id"`
		Name string `json:"name,omitempty"`
	} `json:"task"`
	Run struct {
		ID        string `json:"id"`
		StartTime string `json:"start_time"`
		Status    string `json:"status"`
	} `json:"run"`
	Counts Counts `json:"counts"`
	// NewFailures are the desktops failed since the last alert (at most
	// MaxListed; NewFailureCount counts them all). Against a baseline,
	// only those that did not fail in it.
	NewFailures     []Desktop `json:"new_failures"`
	NewFailureCount int       `json:"new_failure_count"`
	// SinceLast is the change since the last alert, or since watching
	// began when there was none.
	SinceLast Change `json:"since_last_alert"`
}

// Counts are the run's own counts and the rows listed.
type Counts struct {
	Success int `json:"success"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Rows    int `json:"rows"`
}

// Change is how the run moved since the last alert.
type Change struct {
	Since        time.Time `json:"since"`
	StatusBefore string    `json:"status_before"`
	FailedBefore int       `json:"failed_before"`
	FailedNow    int       `json:"failed_now"`
}

// Baseline is the run a refresh's failures are judged against;
// *compare.Baseline is one.
type Baseline interface {
	Classify(desktopID, status string) compare.Change
}

// Tracker follows a watched run from snapshot to snapshot and says when
// to alert. The first snapshot of the first run watched is what the
// operator already sees: it sets the scene and alerts on nothing. A later
// run (a watch that follows the task's newest run) is new in every way:
// each of its failures is new, and it alerts when it finishes even if it
// was first seen finished.
type Tracker struct {
	// Baseline, when set, keeps the failures that failed in it too (still
	// failing) out of alerts.
	Baseline Baseline

	last    *Snapshot
	alerted map[string]bool // failures already alerted on, or already there
	since   Change
}

// Last is the last snapshot taken, for Read to reuse; nil before the
// first.
func (t *Tracker) Last() *Snapshot { return t.last }

// Next takes a snapshot and returns the alert it calls for, if any.
func (t *Tracker) Next(s Snapshot) (Event, bool) {
	first := t.last == nil
	newRun := !first && t.last.Record.ID != s.Record.ID
	if newRun { // since the last look at the run before: nothing of this one
		t.alerted = map[string]bool{}
		t.since = Change{Since: t.last.At}
	}
	if first {
		t.alerted = map[string]bool{}
		t.since = Change{Since: s.At, StatusBefore: s.Record.Status, FailedBefore: len(s.Failed)}
		for _, d := range s.Failed {
			t.alerted[d.key()] = true
		}
		t.last = &s
		return Event{}, false
	}
	finished := !filter.InProgress(s.Record.Status) && (newRun || filter.InProgress(t.last.Record.Status))
	var fresh []Desktop
	for _, d := range s.Failed {
		if t.alerted[d.key()] {
			continue
		}
		t.alerted[d.key()] = true
		if t.Baseline != nil && d.ID != "" && t.Baseline.Classify(d.ID, "FAIL") == compare.StillFailing {
			continue // it failed in the baseline too: not news
		}
		fresh = append(fresh, d)
	}
	t.last = &s
	if !finished && len(fresh) == 0 {
		return Event{}, false
	}
	e := t.event(s, fresh, finished)
	t.since = Change{Since: s.At, StatusBefore: s.Record.Status, FailedBefore: len(s.Failed)}
	return e, true
}

func (t *Tracker) event(s Snapshot, fresh []Desktop, finished bool) Event {
	e := Event{Kind: NewFailures, At: s.At}
	if finished {
		e.Kind = Finished
	}
	e.Task.ID, e.Task.Name = s.TaskID, s.TaskName
	e.Run.ID, e.Run.StartTime, e.Run.Status = s.Record.ID, s.Record.StartTime, s.Record.Status
	// The rows' counts when the rows were read: they and new_failures
	// and failed_now are one moment's; the record was read a moment before.
	e.Counts = Counts{Success: s.Record.SuccessNum, Failed: s.Record.FailedNum, Skipped: s.Record.SkipNum, Rows: s.Rows}
	if s.Rows > 0 {
		e.Counts = s.counts
		e.Counts.Rows = s.Rows
	}
	e.NewFailureCount = len(fresh)
	e.NewFailures = fresh[:min(len(fresh), MaxListed)]
	if e.NewFailures == nil {
		e.NewFailures = []Desktop{} // [] in JSON, not null: one shape for scripts
	}
	e.SinceLast = t.since
	e.SinceLast.FailedNow = len(s.Failed)
	return e
}

// JSON is the event as scripts get it: one line of JSON, with what a
// terminal would act on when a log of them is later cat'ed (C1 controls,
// bidi and other format characters in desktop names) as \u escapes, as
// -o json writes it.
func (e Event) JSON() ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return export.EscapeJSON(b), nil
}
