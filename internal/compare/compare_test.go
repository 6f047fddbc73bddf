package compare

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
)

func TestClassify(t *testing.T) {
	b := NewBaseline(false)
	for _, d := range []api.Detail{
		{DesktopID: "ok-ok", ExecStatus: "SUCCESS"},
		{DesktopID: "ok-fail", ExecStatus: "SUCCESS"},
		{DesktopID: "fail-fail", ExecStatus: "FAIL"},
		{DesktopID: "fail-ok", ExecStatus: "FAILED"},
		{DesktopID: "skip-fail", ExecStatus: "SKIP"},
		{DesktopID: "twice", ExecStatus: "FAIL"},
		{DesktopID: "twice", ExecStatus: "SUCCESS"}, // either row failed: failed
		{DesktopID: "", ExecStatus: "FAIL"},         // matches nothing
	} {
		b.Add(&d)
	}
	for _, tc := range []struct {
		id, status string
		want       Change
	}{
		{"ok-ok", "SUCCESS", Unchanged},
		{"ok-fail", "fail", NewFailure},
		{"fail-fail", "FAIL", StillFailing},
		{"fail-ok", "SUCCESS", Recovered},
		{"fail-ok", "SKIP", Recovered},
		{"skip-fail", "FAILED", NewFailure},
		{"twice", "FAIL", StillFailing},
		{"new", "FAIL", OnlyInCurrent},
		{"", "SUCCESS", OnlyInCurrent},
	} {
		if got := b.Classify(tc.id, tc.status); got != tc.want {
			t.Errorf("%s now %s: %v, want %v", tc.id, tc.status, got, tc.want)
		}
	}
}

func TestGone(t *testing.T) {
	rows := []api.Detail{{ID: "1", DesktopID: "a"}, {ID: "2", DesktopID: "b"}, {ID: "3", DesktopID: "b"}, {ID: "4", DesktopID: ""}, {ID: "5", DesktopID: "c"}}
	kept, bare := NewBaseline(true), NewBaseline(false)
	for _, d := range rows {
		kept.Add(&d)
		bare.Add(&d)
	}
	current := func(id string) bool { return id == "a" }
	got, _ := kept.Gone(current)
	var ids []string
	for _, d := range got {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "2,4,5" {
		t.Errorf("gone rows %v, want 2,4,5 (b once, the row without a desktop id, c)", ids)
	}
	_, goneIDs := bare.Gone(current)
	slices.Sort(goneIDs)
	if strings.Join(goneIDs, ",") != "b,c" {
		t.Errorf("gone ids %v", goneIDs)
	}
}

func TestParseChanges(t *testing.T) {
	got, err := ParseChanges(" new_failure,STILL_FAILING,, ")
	if err != nil || len(got) != 2 || !got[NewFailure] || !got[StillFailing] {
		t.Errorf("%v %v", got, err)
	}
	if _, err := ParseChanges("NEW_FAILURE,BROKEN"); err == nil || !strings.Contains(err.Error(), "unknown change BROKEN; the changes are UNCHANGED, NEW_FAILURE") {
		t.Errorf("err %v", err)
	}
}

func TestHistory(t *testing.T) {
	h := NewHistory(3)
	for run, ds := range [][]api.Detail{
		{{DesktopID: "a", ExecStatus: "FAIL", ResultCode: "C1"}, {DesktopID: "b", ExecStatus: "SUCCESS"}},
		{{DesktopID: "a", ExecStatus: "SUCCESS"}, {DesktopID: "a", ExecStatus: "FAILED", ResultCode: "C2"}},
		{{DesktopID: "a", ExecStatus: "FAIL"}, {DesktopID: "b", ExecStatus: "FAIL"}, {DesktopID: "", ExecStatus: "FAIL"}},
		{{DesktopID: "a", ExecStatus: "FAIL"}}, // beyond the runs kept
	} {
		for _, d := range ds {
			h.Add(run, &d)
		}
	}
	if got := h.Statuses("a"); strings.Join(got, ",") != "FAIL,FAILED,FAIL" {
		t.Errorf("a: %v", got)
	}
	if got := h.Statuses("b"); strings.Join(got, ",") != "SUCCESS,,FAIL" {
		t.Errorf("b: %v", got)
	}
	if f, p := h.Failed("b"); f != 1 || p != 2 {
		t.Errorf("b failed %d of %d", f, p)
	}
	if f, p := h.Failed("a"); f != 3 || p != 3 {
		t.Errorf("a failed %d of %d", f, p)
	}
	outcomes, ok := h.Of("a")
	if !ok[1] || outcomes[1].Code != "C2" {
		t.Errorf("a's run 1: %+v", outcomes[1])
	}
	if got := h.Statuses("nobody"); strings.Join(got, ",") != ",," {
		t.Errorf("an unknown desktop: %v", got)
	}
}

func TestBefore(t *testing.T) {
	runs := []api.Record{
		{ID: "r3", StartTime: "2026-11-25 02:00:00", TimeZone: "Asia/Shanghai"},
		{ID: "r5", StartTime: "2026-11-27 02:00:00", TimeZone: "Asia/Shanghai"},
		{ID: "bad", StartTime: "garbage"},
		{ID: "r4", StartTime: "2026-11-26 02:00:00", TimeZone: "Asia/Shanghai"},
		{ID: "r6", StartTime: "2026-11-28 02:00:00", TimeZone: "Asia/Shanghai"},
	}
	r := rand.New(rand.NewPCG(1, 1))
	for range 10 {
		r.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
		got, found := Before(runs, "r6", 3)
		var ids []string
		for _, x := range got {
			ids = append(ids, x.ID)
		}
		if !found || strings.Join(ids, ",") != "r5,r4,r3" {
			t.Fatalf("before r6: %v %v", ids, found)
		}
	}
	if got, found := Before(runs, "r3", 5); !found || len(got) != 1 || got[0].ID != "bad" {
		t.Errorf("before the oldest that parses: %v", got)
	}
	if _, found := Before(runs, "nope", 1); found {
		t.Error("found a run that is not there")
	}
}

// A run taken in whole (AddRun) is the history its details give one by
// one (Add), a desktop listed twice included.
func TestHistoryAddRunIsAddOfEachDetail(t *testing.T) {
	details := []api.Detail{
		{DesktopID: "a", ExecStatus: "SUCCESS"}, {DesktopID: "a", ExecStatus: "FAIL", ResultCode: "X"},
		{DesktopID: "b", ExecStatus: "SKIP"}, {DesktopID: "", ExecStatus: "FAIL"}, {DesktopID: "c", ExecStatus: "FAIL"}, {DesktopID: "c", ExecStatus: "SUCCESS"},
	}
	one, whole := NewHistory(3), NewHistory(3)
	base := NewBaseline(false)
	for i := range details {
		one.Add(2, &details[i])
		base.Add(&details[i])
	}
	whole.AddRun(2, base)
	for _, id := range []string{"a", "b", "c", "", "z"} {
		got, gotOK := whole.Of(id)
		want, wantOK := one.Of(id)
		if got[2] != want[2] || gotOK[2] != wantOK[2] {
			t.Errorf("%q: %v %v, want %v %v", id, got, gotOK, want, wantOK)
		}
	}
}
