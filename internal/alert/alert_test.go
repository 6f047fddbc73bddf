package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/testclock"
)

var t0 = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func row(id, status string) api.Detail {
	return api.Detail{ID: "row-" + id, DesktopID: id, DesktopName: "desk-" + id, ExecStatus: status}
}

func snap(run, status string, at int, rows ...api.Detail) Snapshot {
	return NewSnapshot("task", "Nightly", api.Record{ID: run, Status: status}, rows, t0.Add(time.Duration(at)*time.Minute))
}

func ids(ds []Desktop) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return strings.Join(out, ",")
}

// The first look alerts on nothing (the operator sees it); each failure
// after is alerted once; the run's end is alerted once, with what failed
// since the last alert.
func TestTrackerAlertsOnChangesOnly(t *testing.T) {
	var tr Tracker
	if _, ok := tr.Next(snap("r1", "RUNNING", 0, row("a", "FAIL"), row("b", "RUNNING"))); ok {
		t.Fatal("the first look alerted")
	}
	if e, ok := tr.Next(snap("r1", "RUNNING", 1, row("a", "FAIL"), row("b", "RUNNING"))); ok {
		t.Fatalf("nothing changed, yet %+v", e)
	}
	e, ok := tr.Next(snap("r1", "RUNNING", 2, row("a", "FAIL"), row("b", "FAIL"), row("c", "FAILED"), row("c", "FAIL")))
	if !ok || e.Kind != NewFailures || ids(e.NewFailures) != "b,c" || e.NewFailureCount != 2 {
		t.Fatalf("b and c failed: %+v %v", e, ok)
	}
	if e.SinceLast.Since != t0 || e.SinceLast.FailedBefore != 1 || e.SinceLast.FailedNow != 3 || e.SinceLast.StatusBefore != "RUNNING" {
		t.Fatalf("since the watch began: %+v", e.SinceLast)
	}
	e, ok = tr.Next(snap("r1", "FAIL", 3, row("a", "FAIL"), row("b", "FAIL"), row("c", "FAIL"), row("d", "SUCCESS")))
	if !ok || e.Kind != Finished || e.NewFailureCount != 0 || e.NewFailures == nil {
		t.Fatalf("the run ended: %+v %v", e, ok)
	}
	if e.SinceLast.Since != t0.Add(2*time.Minute) || e.SinceLast.FailedBefore != 3 {
		t.Fatalf("since the last alert: %+v", e.SinceLast)
	}
	if _, ok := tr.Next(snap("r1", "FAIL", 4, row("a", "FAIL"))); ok {
		t.Fatal("a finished run alerted again")
	}
}

// A run first seen finished alerts on nothing; the task's next run is new:
// its failures are news, and it alerts when it ends even if it was first
// seen ended.
func TestTrackerFollowsTheNextRun(t *testing.T) {
	var tr Tracker
	tr.Next(snap("r1", "FAIL", 0, row("a", "FAIL")))
	e, ok := tr.Next(snap("r2", "RUNNING", 1, row("a", "FAIL")))
	if !ok || e.Kind != NewFailures || ids(e.NewFailures) != "a" || e.SinceLast.StatusBefore != "" || e.SinceLast.Since != t0 {
		t.Fatalf("the next run's failure: %+v %v", e, ok)
	}
	var tr2 Tracker
	tr2.Next(snap("r1", "FAIL", 0))
	if e, ok := tr2.Next(snap("r2", "SUCCESS", 1, row("a", "SUCCESS"))); !ok || e.Kind != Finished || e.Run.ID != "r2" {
		t.Fatalf("a next run seen finished: %+v %v", e, ok)
	}
}

// Against a baseline, desktops that failed in it too are not news.
func TestTrackerAgainstABaseline(t *testing.T) {
	base := compare.NewBaseline(false)
	for _, d := range []api.Detail{row("a", "FAIL"), row("b", "SUCCESS")} {
		base.Add(&d)
	}
	tr := Tracker{Baseline: base}
	tr.Next(snap("r1", "RUNNING", 0))
	e, ok := tr.Next(snap("r1", "RUNNING", 1, row("a", "FAIL"), row("b", "FAIL"), row("n", "FAIL")))
	if !ok || ids(e.NewFailures) != "b,n" {
		t.Fatalf("against the baseline: %+v %v", e, ok)
	}
	if _, ok := tr.Next(snap("r1", "RUNNING", 2, row("a", "FAIL"), row("b", "FAIL"), row("n", "FAIL"))); ok {
		t.Fatal("alerted twice")
	}
}

// An alert names at most MaxListed failures and counts them all; its JSON
// has one shape; its title and body are plain text whatever the names.
func TestEventBoundsAndText(t *testing.T) {
	var tr Tracker
	tr.Next(snap("r1", "RUNNING", 0))
	var rows []api.Detail
	for i := range 250 {
		rows = append(rows, row(fmt.Sprint(i), "FAIL"))
	}
	rows[0].DesktopName = "evil\x1b]0;PWNED\x07desk\u202e"
	rows[0].ResultCode = "WKS.1"
	e, ok := tr.Next(snap("r1", "RUNNING", 1, rows...))
	if !ok || len(e.NewFailures) != MaxListed || e.NewFailureCount != 250 {
		t.Fatalf("250 failures: %d listed, count %d", len(e.NewFailures), e.NewFailureCount)
	}
	for _, s := range []string{e.Title(), e.Body()} {
		if strings.ContainsAny(s, "\x1b\x07\u202e") {
			t.Fatalf("raw control text: %q", s)
		}
	}
	if e.Title() != "wksrec: Nightly: 250 new failures" || !strings.HasSuffix(e.Body(), "and 247 more") {
		t.Fatalf("title %q body %q", e.Title(), e.Body())
	}
	b, _ := e.JSON()
	if strings.ContainsAny(string(b), "\u202e\x1b") || !strings.Contains(string(b), `\u202e`) {
		t.Fatalf("the JSON carries a raw control or bidi character: %s", b[:200])
	}
	var back map[string]any
	_ = json.Unmarshal(b, &back)
	for _, key := range []string{"event", "at", "task", "run", "counts", "new_failures", "new_failure_count", "since_last_alert"} {
		if _, ok := back[key]; !ok {
			t.Fatalf("the JSON lacks %q: %s", key, b)
		}
	}
	first := back["new_failures"].([]any)[0].(map[string]any)
	if first["desktop_id"] != "0" || first["result_code"] != "WKS.1" {
		t.Fatalf("a failure: %v", first)
	}
}

// Against the fake's run in progress: alerts while it fills in name each
// failed desktop once, and one says it finished; together they name every
// desktop the finished run failed on that had not failed at the first look.
func TestTrackerOverARunFillingIn(t *testing.T) {
	clk := testclock.New(t0)
	srv := fake.New(fake.Options{Seed: 5, DatedFrom: t0, Now: clk.Now})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	auth, _ := api.NewTokenAuth("t")
	client, err := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	var task api.Task
	var run api.Record
	for _, tk := range srv.Data().Tasks {
		if recs := srv.Data().Records[tk.ID]; srv.Data().Live[recs[0].ID] != nil {
			task, run = tk, recs[0]
		}
	}
	var tr Tracker
	named := map[string]int{}
	finished := 0
	var firstLook Snapshot
	for look := range 20 {
		s, err := Read(context.Background(), client, task.ID, task.TaskName, run.ID, clk.Now(), tr.Last(), ReadOptions{PageSize: 100, Concurrency: 2})
		if err != nil {
			t.Fatal(err)
		}
		if look == 0 {
			firstLook = s
		}
		if e, ok := tr.Next(s); ok {
			if e.Counts.Failed != e.SinceLast.FailedNow {
				t.Fatalf("an alert says %d failed in its counts and %d in since_last_alert", e.Counts.Failed, e.SinceLast.FailedNow)
			}
			for _, d := range e.NewFailures {
				named[d.ID]++
			}
			if e.Kind == Finished {
				finished++
			}
		}
		clk.Add(20 * time.Second)
	}
	before := map[string]bool{}
	for _, d := range firstLook.Failed {
		before[d.ID] = true
	}
	want := 0
	for _, d := range srv.Data().Details[run.ID] {
		if d.ExecStatus == "FAIL" && !before[d.DesktopID] {
			want++
			if named[d.DesktopID] != 1 {
				t.Fatalf("desktop %s failed and was named %d times", d.DesktopID, named[d.DesktopID])
			}
		}
	}
	if finished != 1 || len(named) != want || want == 0 {
		t.Fatalf("%d finished alerts, %d desktops named, %d failed after the first look", finished, len(named), want)
	}
	// The run over, a look is one request: its record, unchanged.
	calls, _ := srv.Calls()
	if _, err := Read(context.Background(), client, task.ID, task.TaskName, run.ID, clk.Now(), tr.Last(), ReadOptions{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	if after, _ := srv.Calls(); after-calls != 1 {
		t.Fatalf("a look at a run unchanged took %d requests", after-calls)
	}
}
