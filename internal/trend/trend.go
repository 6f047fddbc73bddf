// Package trend is a task's runs over time: the failed share of each run
// known (from the API's listing and the store), and the desktops that
// failed most often across the runs whose rows are at hand (the chronic
// ones), with their last failure. The browser's trend screen is a thin
// client of it.
package trend

import (
	"cmp"
	"slices"
	"strings"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
)

// Desktop is one desktop's failures across the runs read.
type Desktop struct {
	ID, Name string
	// Failed is how many of the runs read it failed in (any of its rows
	// failed), In how many it was in.
	Failed, In int
	// Last is its latest failure: the run's start, its code and reason.
	LastRun, LastCode, LastReason string
}

// Trend is a task's runs, newest first, and its desktops, the most
// failed first; Read is how many of the runs had their rows at hand.
type Trend struct {
	Runs     []api.Record
	Read     int
	Desktops []Desktop
}

// Build makes the trend of runs (any order), with rowsOf giving the rows
// of a run when at hand. Runs are ordered newest first by start time, as
// compare orders them; a desktop is one however many rows it has in a run
// (failed if any failed). Only desktops that failed at least once are
// listed.
func Build(runs []api.Record, rowsOf func(api.Record) ([]api.Detail, bool)) Trend {
	t := Trend{Runs: compare.NewestFirst(runs)}
	byID := map[string]*Desktop{}
	// Oldest first, so that the last failure seen is the latest.
	for i := len(t.Runs) - 1; i >= 0; i-- {
		run := t.Runs[i]
		rows, ok := rowsOf(run)
		if !ok {
			continue
		}
		t.Read++
		failedHere := map[string]bool{}
		for _, d := range rows {
			if d.DesktopID == "" {
				continue // no id: not the same desktop across runs
			}
			dk := byID[d.DesktopID]
			if dk == nil {
				dk = &Desktop{ID: d.DesktopID}
				byID[d.DesktopID] = dk
			}
			if _, seen := failedHere[d.DesktopID]; !seen {
				dk.In++
				failedHere[d.DesktopID] = false
			}
			dk.Name = d.DesktopName
			if filter.IsFailed(d.ExecStatus) && !failedHere[d.DesktopID] {
				failedHere[d.DesktopID] = true
				dk.Failed++
				dk.LastRun, dk.LastCode, dk.LastReason = run.StartTime, d.ResultCode, d.FailReason
			}
		}
	}
	for _, dk := range byID {
		if dk.Failed > 0 {
			t.Desktops = append(t.Desktops, *dk)
		}
	}
	slices.SortFunc(t.Desktops, func(a, b Desktop) int {
		return cmp.Or(cmp.Compare(b.Failed, a.Failed), cmp.Compare(a.In, b.In), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return t
}
