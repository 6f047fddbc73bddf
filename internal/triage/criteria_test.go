package triage

import (
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
)

// baselineChanges is Changes from a baseline run (ready unless told).
type baselineChanges struct {
	base     *compare.Baseline
	notReady bool
}

func (c baselineChanges) Ready() bool  { return !c.notReady }
func (c baselineChanges) Version() int { return 0 }
func (c baselineChanges) Change(r *Row) (compare.Change, bool) {
	if c.notReady {
		return 0, false
	}
	return c.base.Classify(r.DesktopID(), r.Status()), true
}

// failures ranks by a fixed count of past failures by desktop.
type failures map[string]int

func (f failures) Ready() bool                { return true }
func (f failures) Rank(r *Row) int64          { return -int64(f[r.DesktopID()]) }
func change(c compare.Change) *compare.Change { return &c }

func text(t *testing.T, s string) filter.Expr {
	t.Helper()
	e, err := filter.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The run and its baseline: d1 fails anew, d2 still fails, d3 recovered,
// d4 is unchanged, d5 is new.
func runAndBaseline() ([]api.Detail, *compare.Baseline) {
	base := compare.NewBaseline(true)
	for _, d := range []api.Detail{{DesktopID: "d1", ExecStatus: "SUCCESS"}, {DesktopID: "d2", ExecStatus: "FAIL"},
		{DesktopID: "d3", ExecStatus: "FAIL"}, {DesktopID: "d4", ExecStatus: "SUCCESS"}, {DesktopID: "d9", ExecStatus: "FAIL"}} {
		base.Add(&d)
	}
	run := []api.Detail{
		{ID: "1", DesktopID: "d1", DesktopName: "one", ExecStatus: "FAIL", ResultCode: "WKS.1", FailReason: "quota"},
		{ID: "2", DesktopID: "d2", DesktopName: "two", ExecStatus: "FAIL", ResultCode: "WKS.2", FailReason: "agent"},
		{ID: "3", DesktopID: "d3", DesktopName: "three", ExecStatus: "SUCCESS"},
		{ID: "4", DesktopID: "d4", DesktopName: "four", ExecStatus: "SUCCESS"},
		{ID: "5", DesktopID: "d5", DesktopName: "five", ExecStatus: "SKIP", ResultCode: "WKS.3"},
	}
	return run, base
}

// Each criterion keeps the rows it says, alone and combined; what is
// active and what looks at changes is said right; the header's words and
// the export file's label follow.
func TestCriteria(t *testing.T) {
	run, base := runAndBaseline()
	changes := baselineChanges{base: base}
	for _, tc := range []struct {
		name        string
		c           Criteria
		keep        string // the ids kept
		active, chg bool
		describe    string
		label       string
	}{
		{"nothing", Criteria{}, "12345", false, false, "", "all"},
		{"failed only", Criteria{FailedOnly: true}, "12", true, false, "failed only", "failed"},
		{"a status", Criteria{Status: "skip"}, "5", true, false, "status skip", "skip"},
		{"a group", Criteria{Group: &GroupKey{Status: "FAIL", Code: "WKS.2", Reason: "agent"}}, "2", true, false, "group WKS.2", "group-WKS.2"},
		{"a change", Criteria{Changes: changes, Change: change(compare.Recovered)}, "3", true, true, "recovered", "recovered"},
		{"text on the change", Criteria{Changes: changes, Text: text(t, "!change:new")}, "2345", true, true, "/!change:new", "filtered"},
		{"text and failed", Criteria{FailedOnly: true, Text: text(t, "reason:quota")}, "1", true, false, "failed only · /reason:quota", "filtered"},
		{"a sort only", Criteria{SortBy: SortName, Desc: true}, "12345", true, false, "sort desktop ↓", "all"},
		{"a change before the baseline", Criteria{Changes: baselineChanges{base: base, notReady: true}, Change: change(compare.NewFailure)}, "", true, true, "new failure", "new-failure"},
		{"text, changes never compared", Criteria{Text: text(t, "change:new")}, "", true, true, "/change:new", "filtered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kept := ""
			for i := range run {
				r := NewRow(&run[i])
				if tc.c.Match(&r) {
					kept += r.ID()
				}
			}
			if kept != tc.keep || tc.c.Active() != tc.active || tc.c.UsesChange() != tc.chg || tc.c.Describe() != tc.describe || tc.c.FileLabel() != tc.label {
				t.Errorf("kept %q active %v change %v %q %q; want %q %v %v %q %q", kept, tc.c.Active(), tc.c.UsesChange(), tc.c.Describe(), tc.c.FileLabel(),
					tc.keep, tc.active, tc.chg, tc.describe, tc.label)
			}
			if !tc.c.SameAs(tc.c) {
				t.Error("not the same as itself")
			}
		})
	}
	if (Criteria{Changes: changes}).SameAs(Criteria{Changes: baselineChanges{base: base, notReady: true}}) {
		t.Error("a baseline read and one being read are the same")
	}
	long := Criteria{Text: text(t, "reason:"+strings.Repeat("x", 40))}
	if d := long.Describe(); !strings.HasSuffix(d, "…") || len([]rune(d)) > maxFilterShown+2 {
		t.Errorf("a long filter in the header: %q", d)
	}
}

// The change and history sorts order by change (new failures first) and
// by past failures (most first); unknown while not ready, they keep the
// rows' order.
func TestSortByChangeAndHistory(t *testing.T) {
	run, base := runAndBaseline()
	l := paging.New(func(r Row) string { return r.ID() }, paging.Options{PageSize: 10})
	deliver(l, 0, 10, len(run), run)
	for _, tc := range []struct {
		c    Criteria
		want []int
	}{
		{Criteria{SortBy: SortChange, Changes: baselineChanges{base: base}}, []int{0, 1, 2, 4, 3}},
		{Criteria{SortBy: SortChange, Changes: baselineChanges{base: base, notReady: true}}, []int{0, 1, 2, 3, 4}},
		{Criteria{SortBy: SortHistory, History: failures{"d4": 3, "d2": 1}}, []int{3, 1, 0, 2, 4}},
		{Criteria{SortBy: SortHistory}, []int{0, 1, 2, 3, 4}},
	} {
		var o Order
		o.Update(l, tc.c)
		if got := shownPositions(l); !equalInts(got, tc.want) {
			t.Errorf("sort %s: %v, want %v", SortNames[tc.c.SortBy], got, tc.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The change tally counts the rows held by change, and the baseline's
// desktops none of them has (gone), page by page as they come.
func TestChangeTally(t *testing.T) {
	run, base := runAndBaseline()
	l := paging.New(func(r Row) string { return r.ID() }, paging.Options{PageSize: 2})
	var tally ChangeTally
	deliver(l, 0, 2, len(run), run)
	if got := tally.Update(l, base, nil); got[compare.NewFailure] != 1 || got[compare.StillFailing] != 1 || got[compare.OnlyInBaseline] != 3 {
		t.Errorf("after the first page: %v", got)
	}
	deliver(l, 1, 2, len(run), run)
	deliver(l, 2, 2, len(run), run)
	got := tally.Update(l, base, nil)
	want := [compare.NumChanges]int{compare.NewFailure: 1, compare.StillFailing: 1, compare.Recovered: 1, compare.Unchanged: 1, compare.OnlyInCurrent: 1, compare.OnlyInBaseline: 1}
	if got != want {
		t.Errorf("every page: %v, want %v", got, want)
	}
}

// The config file's columns: a column the screen has, any case, once.
func TestCheckColumns(t *testing.T) {
	for _, tc := range []struct {
		screen string
		cols   []string
		err    string
	}{
		{"details", []string{"desktop", " Fail Reason "}, ""},
		{"runs", []string{"FAILED SHARE"}, ""},
		{"details", []string{"colour"}, `no column "colour"; the details have DESKTOP`},
		{"tasks", []string{"TASK", "task"}, "TASK is named twice"},
		{"groups", []string{"COUNT"}, `no screen "groups"`},
	} {
		err := CheckColumns(tc.screen, tc.cols)
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s %q: %v, want %q", tc.screen, tc.cols, err, tc.err)
		}
	}
	task := api.Task{ID: "t1", TaskName: "Nightly", LastStatus: "FAIL", TaskType: "REBOOT", Description: "reboots"}
	if f := TaskFields(task); !text(t, "name:night code:reboot reason:reboots status:FAIL id:t1").MatchFields(f) {
		t.Errorf("task fields %v", f)
	}
}

// failuresChanges is Changes as the browser's comparison gives them: the
// run's desktops taken whole.
type failuresChanges struct {
	base *compare.Baseline
	l    *paging.List[Row]
	f    *Failures
}

func (c failuresChanges) Ready() bool { return true }
func (c failuresChanges) Change(r *Row) (compare.Change, bool) {
	c.f.Update(c.l)
	return Classify(c.base, c.f, r)
}
func (c failuresChanges) Version() int { c.f.Update(c.l); return c.f.Flips() }

// A desktop listed twice in a run (SUCCESS on one page, FAIL on a later
// one) is one desktop with one change: still failing, both rows, however
// the pages come; the tally and an order kept page by page follow.
func TestADesktopListedTwiceHasOneChange(t *testing.T) {
	base := compare.NewBaseline(false)
	base.Add(&api.Detail{DesktopID: "d1", ExecStatus: "FAIL"})
	base.Add(&api.Detail{DesktopID: "d2", ExecStatus: "SUCCESS"})
	run := []api.Detail{
		{ID: "1", DesktopID: "d1", ExecStatus: "SUCCESS"}, {ID: "2", DesktopID: "d2", ExecStatus: "SUCCESS"},
		{ID: "3", DesktopID: "d1", ExecStatus: "FAIL"}, {ID: "4", DesktopID: "d2", ExecStatus: "SUCCESS"},
	}
	l := paging.New(func(r Row) string { return r.ID() }, paging.Options{PageSize: 2})
	f := &Failures{}
	changes := failuresChanges{base: base, l: l, f: f}
	recovered := Criteria{Changes: changes, Change: change(compare.Recovered)}
	var tally ChangeTally
	var order Order
	deliver(l, 0, 2, len(run), run)
	order.Update(l, recovered)
	if got := shownPositions(l); !equalInts(got, []int{0}) || tally.Update(l, base, f)[compare.Recovered] != 1 {
		t.Fatalf("the first page alone: d1 recovered, shown %v", got)
	}
	deliver(l, 1, 2, len(run), run)
	order.Update(l, recovered)
	if got := shownPositions(l); len(got) != 0 {
		t.Errorf("d1 failed in a later row, still shown as recovered: %v", got)
	}
	counts := tally.Update(l, base, f)
	if counts[compare.StillFailing] != 2 || counts[compare.Recovered] != 0 || counts[compare.Unchanged] != 2 {
		t.Errorf("tally %v", counts)
	}
	for i := range run {
		r := NewRow(&run[i])
		if c, _ := changes.Change(&r); r.DesktopID() == "d1" && c != compare.StillFailing {
			t.Errorf("row %s of d1: %s", r.ID(), c)
		}
	}
}

// A baseline read short tells no row "new desktop": the desktop may be in
// the part missing; what it has is told as usual.
func TestAnIncompleteBaselineSaysOnlyWhatItKnows(t *testing.T) {
	base := compare.NewBaseline(false)
	base.Add(&api.Detail{DesktopID: "d1", ExecStatus: "FAIL"})
	base.Expect(3)
	if base.Missing() != 2 {
		t.Fatalf("missing %d", base.Missing())
	}
	known, unknown := NewRow(&api.Detail{ID: "1", DesktopID: "d1", ExecStatus: "FAIL"}), NewRow(&api.Detail{ID: "2", DesktopID: "d9", ExecStatus: "FAIL"})
	if c, ok := Classify(base, nil, &known); !ok || c != compare.StillFailing {
		t.Errorf("a desktop it has: %s %v", c, ok)
	}
	if _, ok := Classify(base, nil, &unknown); ok {
		t.Error("a desktop it lacks is told new")
	}
}
