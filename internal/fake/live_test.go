package fake

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/testclock"
)

func liveTask(t *testing.T, d *Dataset) (api.Task, api.Record) {
	t.Helper()
	for _, task := range d.Tasks {
		if recs := d.Records[task.ID]; len(recs) > 0 && d.Live[recs[0].ID] != nil {
			return task, recs[0]
		}
	}
	t.Fatal("no task has a run in progress")
	return api.Task{}, api.Record{}
}

func listed[T any](t *testing.T, s *Server, path, field string) ([]T, int) {
	t.Helper()
	rec, body := get(t, s, path, true)
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
	raw, _ := json.Marshal(body[field])
	var items []T
	if err := json.Unmarshal(raw, &items); err != nil {
		t.Fatal(err)
	}
	return items, int(body["total_count"].(float64))
}

// A run in progress fills in on the server's clock: RUNNING with some of
// its rows (those not ended RUNNING too), then every row and its final
// status and counts, as the dataset holds them.
func TestLiveRunFillsIn(t *testing.T) {
	dated := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	clk := testclock.New(dated)
	s := New(Options{Seed: 7, DatedFrom: dated, Now: clk.Now})
	task, final := liveTask(t, s.Data())
	all := s.Data().Details[final.ID]
	records := "/v2/p/scheduled-tasks/" + task.ID + "/records?offset=0&limit=1"
	details := "/v2/p/scheduled-tasks/" + task.ID + "/records/" + final.ID + "?offset=0&limit=100"

	recs, _ := listed[api.Record](t, s, records, "tasks_records")
	if recs[0].ID != final.ID || recs[0].Status != "RUNNING" {
		t.Fatalf("at the data's date the newest run is %s %s, want %s RUNNING", recs[0].ID, recs[0].Status, final.ID)
	}
	rows, total := listed[api.Detail](t, s, details, "tasks_records_details")
	if total == 0 || total >= len(all) || len(rows) != min(total, 100) {
		t.Fatalf("90 s into the run %d of %d rows are listed (page %d)", total, len(all), len(rows))
	}
	running, ended := 0, 0
	for _, r := range rows {
		if r.ExecStatus == "RUNNING" {
			running++
			if r.EndTime != "" || r.FailReason != "" {
				t.Fatalf("a row still running has an end or a reason: %+v", r)
			}
		} else {
			ended++
		}
	}
	if running == 0 || ended == 0 {
		t.Fatalf("rows 90 s in: %d running, %d ended; want some of each", running, ended)
	}
	if got := recs[0].SuccessNum + recs[0].FailedNum + recs[0].SkipNum; got != ended {
		t.Fatalf("the record counts %d rows ended, the rows say %d", got, ended)
	}
	var tasks []api.Task
	tasks, _ = listed[api.Task](t, s, "/v2/p/scheduled-tasks?offset=0&limit=50", "scheduled_tasks")
	for _, tk := range tasks {
		if tk.ID == task.ID && tk.LastStatus != "RUNNING" {
			t.Fatalf("the task's last status is %s while its run goes on", tk.LastStatus)
		}
	}

	clk.Add(10 * time.Minute)
	recs, _ = listed[api.Record](t, s, records, "tasks_records")
	if recs[0] != final {
		t.Fatalf("after the run the record is %+v, want %+v", recs[0], final)
	}
	if final.Status == "RUNNING" || final.SuccessNum+final.FailedNum+final.SkipNum != len(all) {
		t.Fatalf("the run's final record %+v does not count its %d rows", final, len(all))
	}
	if _, total = listed[api.Detail](t, s, details, "tasks_records_details"); total != len(all) {
		t.Fatalf("after the run %d rows are listed, want %d", total, len(all))
	}

	// Before it started, the run is not listed at all.
	clk.Add(-time.Hour)
	if recs, _ = listed[api.Record](t, s, records, "tasks_records"); len(recs) > 0 && recs[0].ID == final.ID {
		t.Fatal("a run is listed before it started")
	}
}

// Data not dated from now keeps the run finished (the tests' fixed data),
// and the tasks before it the data they had.
func TestLiveRunOfFixedDataIsOver(t *testing.T) {
	s := New(Options{Seed: 7})
	task, final := liveTask(t, s.Data())
	recs, _ := listed[api.Record](t, s, "/v2/p/scheduled-tasks/"+task.ID+"/records?offset=0&limit=1", "tasks_records")
	if recs[0] != final || final.Status == "RUNNING" {
		t.Fatalf("the fixed data's newest run is %+v", recs[0])
	}
}

// Dated from now, the run in progress is a new run each time (a finished
// copy kept from an earlier demo must not stand in for it); dated from the
// same instant, the same.
func TestLiveRunIsNewEachDemo(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	_, a := liveTask(t, NewDatasetAt(7, 100, at))
	_, b := liveTask(t, NewDatasetAt(7, 100, at))
	_, c := liveTask(t, NewDatasetAt(7, 100, at.Add(time.Second)))
	if a.ID != b.ID || a.ID == c.ID {
		t.Fatalf("run ids %s %s %s: the same instant must give the same, another instant another", a.ID, b.ID, c.ID)
	}
}
