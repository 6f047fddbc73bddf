package compare

import (
	"cmp"
	"slices"
	"strings"
	"unique"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
)

// History is desktops' outcomes over a run and the runs before it, newest
// first: run 0 is the run shown, run 1 the one before, and so on.
type History struct {
	runs      int
	byDesktop map[string][]unique.Handle[Outcome] // the zero handle: absent from that run
}

// NewHistory keeps outcomes over runs runs.
func NewHistory(runs int) *History {
	return &History{runs: max(runs, 1), byDesktop: map[string][]unique.Handle[Outcome]{}}
}

// Runs is how many runs the history covers.
func (h *History) Runs() int { return h.runs }

// Add takes in one detail of run run (0 is the newest). A desktop listed
// twice in one run keeps a failed row over another. Rows without a desktop
// id belong to no history.
func (h *History) Add(run int, d *api.Detail) {
	if run < 0 || run >= h.runs || d.DesktopID == "" {
		return
	}
	outcomes := h.byDesktop[d.DesktopID]
	if outcomes == nil {
		outcomes = make([]unique.Handle[Outcome], h.runs)
		h.byDesktop[d.DesktopID] = outcomes
	}
	o := unique.Make(Outcome{d.ExecStatus, d.ResultCode, d.FailReason})
	if prev := outcomes[run]; prev != (unique.Handle[Outcome]{}) && prev.Value().Failed() {
		return
	}
	outcomes[run] = o
}

// AddRun takes in a whole run, read as a baseline, as run run.
func (h *History) AddRun(run int, b *Baseline) {
	if run < 0 || run >= h.runs {
		return
	}
	for id, o := range b.byDesktop {
		outcomes := h.byDesktop[id]
		if outcomes == nil {
			outcomes = make([]unique.Handle[Outcome], h.runs)
			h.byDesktop[id] = outcomes
		}
		outcomes[run] = o // Baseline kept the failed row of a desktop listed twice, as Add does
	}
}

// Of is the desktop's outcome in each run, newest first; ok[i] is false
// where it was absent from run i.
func (h *History) Of(desktopID string) (outcomes []Outcome, ok []bool) {
	outcomes, ok = make([]Outcome, h.runs), make([]bool, h.runs)
	for i, o := range h.byDesktop[desktopID] {
		if o != (unique.Handle[Outcome]{}) {
			outcomes[i], ok[i] = o.Value(), true
		}
	}
	return outcomes, ok
}

// Statuses is the desktop's exec_status in each run, newest first, ""
// where it was absent (what -o prints).
func (h *History) Statuses(desktopID string) []string {
	outcomes, _ := h.Of(desktopID)
	out := make([]string, len(outcomes))
	for i, o := range outcomes {
		out[i] = o.Status
	}
	return out
}

// Failed counts the runs the desktop failed in and the runs it was in.
func (h *History) Failed(desktopID string) (failed, present int) {
	for _, o := range h.byDesktop[desktopID] {
		if o != (unique.Handle[Outcome]{}) {
			present++
			if o.Value().Failed() {
				failed++
			}
		}
	}
	return failed, present
}

// Before returns up to n runs of a task that started before run id, the
// nearest first, and whether id is among runs at all. Runs are ordered by
// their start time (an unparseable one sorts as the oldest), not by the
// listing's order, which the API does not promise.
func Before(runs []api.Record, id string, n int) (before []api.Record, found bool) {
	sorted := NewestFirst(runs)
	for i, r := range sorted {
		if r.ID == id {
			rest := sorted[i+1:]
			return rest[:min(n, len(rest))], true
		}
	}
	return nil, false
}

// NewestFirst is runs by start time, the newest first (a time that does
// not parse last): the one order of runs, the listing's is not trusted.
func NewestFirst(runs []api.Record) []api.Record {
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b api.Record) int { return -compareStart(a, b) })
	return sorted
}

// The names of a task's newest run and its newest finished one, which
// --record-id and the browser's :run take: a script cannot know tonight's
// run's id.
const (
	LatestRun         = "latest"
	LatestFinishedRun = "latest-finished"
)

// RunNames are the names that stand for a run by when it ran.
var RunNames = []string{LatestRun, LatestFinishedRun}

// RunName is the name in RunNames s is, in any case; false when it is
// none (then s is a run's id).
func RunName(s string) (string, bool) {
	for _, n := range RunNames {
		if strings.EqualFold(s, n) {
			return n, true
		}
	}
	return "", false
}

// Named is the run a name in RunNames stands for among runs: Newest, of
// the finished ones for LatestFinishedRun.
func Named(runs []api.Record, name string) (api.Record, bool) {
	return Newest(runs, name == LatestFinishedRun)
}

// Newest is the newest run, or with finished the newest not RUNNING or
// WAITING (--record-id latest, latest-finished).
func Newest(runs []api.Record, finished bool) (api.Record, bool) {
	for _, r := range NewestFirst(runs) {
		if !finished || !filter.InProgress(r.Status) {
			return r, true
		}
	}
	return api.Record{}, false
}

func compareStart(a, b api.Record) int {
	ta, oka := api.ParseTime(a.StartTime, a.TimeZone)
	tb, okb := api.ParseTime(b.StartTime, b.TimeZone)
	switch {
	case oka && okb:
		return ta.Compare(tb)
	case oka:
		return 1
	case okb:
		return -1
	}
	return cmp.Compare(a.StartTime, b.StartTime)
}
