package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/testclock"
)

// writeNow is the tests' clock for creating tasks: Thursday 2026-12-03,
// 20:00:00 in Shanghai.
var writeNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func post(t *testing.T, s *Server, path, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("X-Auth-Token", "anything")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("POST %s: body %q is not JSON: %v", path, rec.Body.String(), err)
	}
	return rec, out
}

// create posts a new task and returns its id.
func create(t *testing.T, s *Server, nt api.NewTask) string {
	t.Helper()
	body, _ := json.Marshal(nt)
	rec, out := post(t, s, "/v2/p/scheduled-tasks", string(body))
	id, _ := out["task_id"].(string)
	if rec.Code != 200 || id == "" {
		t.Fatalf("creating %s: %d %s", body, rec.Code, rec.Body)
	}
	return id
}

func showTask(t *testing.T, s *Server, id string) api.TaskDetail {
	t.Helper()
	rec, body := get(t, s, "/v2/p/scheduled-tasks/"+id, true)
	if rec.Code != 200 {
		t.Fatalf("detail of %s: %d %s", id, rec.Code, rec.Body)
	}
	if body["id"] != id {
		t.Fatalf("the detail is not at the top of the body: %v", body)
	}
	var td api.TaskDetail
	if err := json.Unmarshal(rec.Body.Bytes(), &td); err != nil {
		t.Fatal(err)
	}
	return td
}

func taskListed(t *testing.T, s *Server, id string) api.Task {
	t.Helper()
	tasks, _ := listed[api.Task](t, s, "/v2/p/scheduled-tasks?offset=0&limit=50", "scheduled_tasks")
	for _, tk := range tasks {
		if tk.ID == id {
			return tk
		}
	}
	t.Fatalf("task %s is not listed", id)
	return api.Task{}
}

func TestShowGeneratedTask(t *testing.T) {
	s := New(Options{Seed: 7})
	for _, task := range s.Data().Tasks {
		td := showTask(t, s, task.ID)
		if td.TaskName != task.TaskName || td.TaskType != task.TaskType || td.ScheduledType != task.ScheduledType ||
			td.ExtraParams != task.ExtraParams || td.Description != task.Description || td.TimeZone != task.TimeZone ||
			td.WaitTime != task.WaitTime || td.LifeCycleType != task.LifeCycleType || td.ForceExecute {
			t.Errorf("detail %+v does not match the listed task %+v", td, task)
		}
		if len(td.ApplyObjects) != 1 || td.ApplyObjects[0].ObjectID == "" || td.ApplyObjects[0].ObjectType != "DESKTOP_POOL" {
			t.Errorf("%s applies to %+v, want one desktop pool", task.TaskName, td.ApplyObjects)
		}
		if task.ScheduledType == "LIFE_CYCLE" {
			if td.ScheduledTime != "" {
				t.Errorf("trigger task %s has a scheduled time %s", task.TaskName, td.ScheduledTime)
			}
			continue
		}
		next, err := time.Parse(wireTime, task.NextExecutionTime)
		if err != nil {
			t.Fatal(err)
		}
		if td.ScheduledTime != next.Format("15:04:05") {
			t.Errorf("%s: scheduled_time %q, its next run %s", task.TaskName, td.ScheduledTime, task.NextExecutionTime)
		}
		want := map[string]bool{
			"FIXED_TIME": td.ScheduledDate == next.Format("2006-01-02"),
			"DAY":        td.DayInterval == 1,
			"WEEK":       td.WeekList == fmt.Sprint(int(next.Weekday())+1),
			"MONTH":      td.DateList == fmt.Sprint(next.Day()) && strings.Contains(td.MonthList, fmt.Sprint(int(next.Month()))),
		}
		if !want[task.ScheduledType] {
			t.Errorf("%s (%s): the schedule %+v does not fit its next run %s", task.TaskName, task.ScheduledType, td, task.NextExecutionTime)
		}
	}
	rec, body := get(t, s, "/v2/p/scheduled-tasks/nope", true)
	if rec.Code != 404 || body["error_code"] != "WKS.00010404" {
		t.Fatalf("an unknown task's detail: %d %v", rec.Code, body)
	}
}

// validBody is a body the API takes at writeNow: a reboot a minute ahead.
func validBody() map[string]any {
	return map[string]any{
		"task_type": "REBOOT", "task_name": "Run again: nightly reboot", "scheduled_type": "FIXED_TIME",
		"scheduled_date": "2026-12-03", "scheduled_time": "20:01:00", "time_zone": "Asia/Shanghai",
		"extra_params":  `{"notify_message":"rebooting"}`,
		"apply_objects": []any{map[string]any{"object_id": "desk-1", "object_type": "DESKTOP"}},
	}
}

func objects(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"object_id": fmt.Sprintf("desk-%d", i), "object_type": "DESKTOP"}
	}
	return out
}

func TestCreateTaskValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name   string
		set    map[string]any // fields replaced in validBody; nil deletes one
		raw    string         // sent instead when set
		status int
		code   string
	}{
		{name: "valid", status: 200},
		{name: "every field", set: map[string]any{"force_execute": true, "description": "again", "expire_time": "2026-12-31 09:00:00",
			"wait_time": 43200, "gray_count": 0, "gray_desktop_ids": []string{"desk-1"}, "gray_fail_threshold": 1, "day_interval": 31,
			"life_cycle_type": "", "week_list": "", "some_new_field": "ignored"}, status: 200},
		{name: "default time zone", set: map[string]any{"time_zone": nil}, status: 200},
		{name: "UTC a minute ahead", set: map[string]any{"time_zone": "UTC", "scheduled_time": "12:01:00"}, status: 200},
		{name: "255 CJK characters", set: map[string]any{"task_name": strings.Repeat("研", 255)}, status: 200},
		{name: "no apply objects", set: map[string]any{"apply_objects": nil}, status: 200},
		{name: "1000 objects", set: map[string]any{"apply_objects": objects(1000)}, status: 200},
		{name: "2000 characters of JSON", set: map[string]any{"extra_params": `"` + long(1998) + `"`}, status: 200},

		{name: "not JSON", raw: `{"task_type":`, status: 400, code: "WKS.00010001"},
		{name: "empty body", raw: ``, status: 400, code: "WKS.00010001"},
		{name: "trailing garbage", raw: `{"task_type":"REBOOT"} x`, status: 400, code: "WKS.00010001"},
		{name: "extra_params an object", set: map[string]any{"extra_params": map[string]any{"a": 1}}, status: 400, code: "WKS.00010001"},
		{name: "wait_time a string", set: map[string]any{"wait_time": "30"}, status: 400, code: "WKS.00010001"},
		{name: "wait_time beyond int32", set: map[string]any{"wait_time": 1 << 40}, status: 400, code: "WKS.00010001"},

		{name: "no task_type", set: map[string]any{"task_type": nil}, status: 400, code: "WKS.00010001"},
		{name: "bad task_type", set: map[string]any{"task_type": "RESTART"}, status: 400, code: "WKS.00010002"},
		{name: "no task_name", set: map[string]any{"task_name": ""}, status: 400, code: "WKS.00010001"},
		{name: "task_name 256", set: map[string]any{"task_name": long(256)}, status: 400, code: "WKS.00010002"},
		{name: "description 256", set: map[string]any{"description": long(256)}, status: 400, code: "WKS.00010002"},
		{name: "extra_params 2001", set: map[string]any{"extra_params": `"` + long(1999) + `"`}, status: 400, code: "WKS.00010002"},
		{name: "extra_params not JSON", set: map[string]any{"extra_params": "notify=yes"}, status: 400, code: "WKS.00010002"},
		{name: "1001 objects", set: map[string]any{"apply_objects": objects(1001)}, status: 400, code: "WKS.00010002"},
		{name: "no object_id", set: map[string]any{"apply_objects": []any{map[string]any{"object_type": "DESKTOP"}}}, status: 400, code: "WKS.00010001"},
		{name: "no object_type", set: map[string]any{"apply_objects": []any{map[string]any{"object_id": "d"}}}, status: 400, code: "WKS.00010001"},
		{name: "object_id 256", set: map[string]any{"apply_objects": []any{map[string]any{"object_id": long(256), "object_type": "DESKTOP"}}}, status: 400, code: "WKS.00010002"},
		{name: "bad object_type", set: map[string]any{"apply_objects": []any{map[string]any{"object_id": "d", "object_type": "VM"}}}, status: 400, code: "WKS.00010002"},
		{name: "no scheduled_type", set: map[string]any{"scheduled_type": nil}, status: 400, code: "WKS.00010001"},
		{name: "bad scheduled_type", set: map[string]any{"scheduled_type": "HOURLY"}, status: 400, code: "WKS.00010002"},
		{name: "no scheduled_date", set: map[string]any{"scheduled_date": nil}, status: 400, code: "WKS.00010001"},
		{name: "no scheduled_time", set: map[string]any{"scheduled_time": nil}, status: 400, code: "WKS.00010001"},
		{name: "one-digit day", set: map[string]any{"scheduled_date": "2026-12-3"}, status: 400, code: "WKS.00010002"},
		{name: "30 February", set: map[string]any{"scheduled_date": "2027-02-30"}, status: 400, code: "WKS.00010002"},
		{name: "hour 25", set: map[string]any{"scheduled_time": "25:00:00"}, status: 400, code: "WKS.00010002"},
		{name: "one-digit hour", set: map[string]any{"scheduled_time": "9:00:00"}, status: 400, code: "WKS.00010002"},
		{name: "unknown zone", set: map[string]any{"time_zone": "Mars/Olympus"}, status: 400, code: "WKS.00010002"},
		{name: "host's zone", set: map[string]any{"time_zone": "Local"}, status: 400, code: "WKS.00010002"},
		{name: "a minute ago", set: map[string]any{"scheduled_time": "19:59:00"}, status: 400, code: "WKS.00010002"},
		{name: "now", set: map[string]any{"scheduled_time": "20:00:00"}, status: 400, code: "WKS.00010002"},
		{name: "past in UTC", set: map[string]any{"time_zone": "UTC", "scheduled_time": "11:59:59"}, status: 400, code: "WKS.00010002"},
		{name: "wait_time 43201", set: map[string]any{"wait_time": 43201}, status: 400, code: "WKS.00010002"},
		{name: "gray_fail_threshold 0", set: map[string]any{"gray_fail_threshold": 0}, status: 400, code: "WKS.00010002"},
		{name: "expire_time with T", set: map[string]any{"expire_time": "2026-12-31T09:00:00"}, status: 400, code: "WKS.00010002"},

		{name: "daily", set: map[string]any{"scheduled_type": "DAY", "day_interval": 2, "scheduled_date": nil}, status: 200},
		{name: "daily without interval", set: map[string]any{"scheduled_type": "DAY"}, status: 400, code: "WKS.00010001"},
		{name: "daily every 0 days", set: map[string]any{"scheduled_type": "DAY", "day_interval": 0}, status: 400, code: "WKS.00010002"},
		{name: "daily without time", set: map[string]any{"scheduled_type": "DAY", "day_interval": 1, "scheduled_time": nil}, status: 400, code: "WKS.00010001"},
		{name: "weekly", set: map[string]any{"scheduled_type": "WEEK", "week_list": "1,7"}, status: 200},
		{name: "weekly on day 8", set: map[string]any{"scheduled_type": "WEEK", "week_list": "1,8"}, status: 400, code: "WKS.00010002"},
		{name: "weekly without days", set: map[string]any{"scheduled_type": "WEEK"}, status: 400, code: "WKS.00010001"},
		{name: "monthly", set: map[string]any{"scheduled_type": "MONTH", "month_list": "1,3,12", "date_list": "1,2,28,L"}, status: 200},
		{name: "month 13", set: map[string]any{"scheduled_type": "MONTH", "month_list": "1,13", "date_list": "1"}, status: 400, code: "WKS.00010002"},
		{name: "monthly without dates", set: map[string]any{"scheduled_type": "MONTH", "month_list": "1"}, status: 400, code: "WKS.00010001"},
		{name: "L for a month", set: map[string]any{"scheduled_type": "MONTH", "month_list": "L", "date_list": "1"}, status: 400, code: "WKS.00010002"},
		{name: "trigger", set: map[string]any{"scheduled_type": "LIFE_CYCLE", "life_cycle_type": "POST_DESKTOP_DISCONNECTED"}, status: 200},
		{name: "trigger without scenario", set: map[string]any{"scheduled_type": "LIFE_CYCLE"}, status: 400, code: "WKS.00010001"},
		{name: "bad trigger scenario", set: map[string]any{"scheduled_type": "LIFE_CYCLE", "life_cycle_type": "LOGOUT"}, status: 400, code: "WKS.00010002"},
		{name: "trigger that starts", set: map[string]any{"scheduled_type": "LIFE_CYCLE", "life_cycle_type": "POST_DESKTOP_DISCONNECTED", "task_type": "START"}, status: 400, code: "WKS.00010002"},
	}
	s := New(Options{Seed: 1, Now: func() time.Time { return writeNow }}) // one for all: each task created is a new one
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Data().Tasks)
			body, m := tc.raw, validBody()
			if tc.set != nil || tc.raw == "" && tc.code == "" {
				for k, v := range tc.set {
					if v == nil {
						delete(m, k)
					} else {
						m[k] = v
					}
				}
				raw, _ := json.Marshal(m)
				body = string(raw)
			}
			rec, out := post(t, s, "/v2/p/scheduled-tasks", body)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status != 200 {
				if out["error_code"] != tc.code || out["error_msg"] == "" {
					t.Fatalf("error %v, want code %s and a message", out, tc.code)
				}
				if len(s.Data().Tasks) != before {
					t.Fatal("a refused body made a task")
				}
				return
			}
			id, _ := out["task_id"].(string)
			if td := showTask(t, s, id); td.TaskName != m["task_name"] || td.ScheduledType != m["scheduled_type"] {
				t.Fatalf("the created task's detail is %+v", td)
			}
		})
	}
}

// A recurring task is listed with its next run in its own zone; only
// one-off tasks run in the fake.
func TestCreatedRecurringTaskNextRun(t *testing.T) {
	tests := []struct {
		nt   map[string]any
		next string
	}{
		{map[string]any{"scheduled_type": "WEEK", "week_list": "1", "scheduled_time": "09:00:00"}, "2026-12-06 09:00:00"}, // Sunday
		{map[string]any{"scheduled_type": "WEEK", "week_list": "5", "scheduled_time": "20:00:01"}, "2026-12-03 20:00:01"}, // today, a second ahead
		{map[string]any{"scheduled_type": "MONTH", "month_list": "2", "date_list": "L", "scheduled_time": "09:00:00"}, "2027-02-28 09:00:00"},
		{map[string]any{"scheduled_type": "MONTH", "month_list": "2", "date_list": "30", "scheduled_time": "09:00:00"}, ""}, // never
		{map[string]any{"scheduled_type": "DAY", "day_interval": 1, "scheduled_time": "08:30:00", "time_zone": "UTC"}, "2026-12-04 08:30:00"},
	}
	s := New(Options{Seed: 1, Now: func() time.Time { return writeNow }})
	for _, tc := range tests {
		m := validBody()
		delete(m, "scheduled_date")
		for k, v := range tc.nt {
			m[k] = v
		}
		raw, _ := json.Marshal(m)
		rec, out := post(t, s, "/v2/p/scheduled-tasks", string(raw))
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", raw, rec.Code, rec.Body)
		}
		task := taskListed(t, s, out["task_id"].(string))
		if task.NextExecutionTime != tc.next || task.ScheduledType != tc.nt["scheduled_type"] {
			t.Errorf("%v: listed %s next at %q, want %q", tc.nt, task.ScheduledType, task.NextExecutionTime, tc.next)
		}
		if recs, _ := listed[api.Record](t, s, "/v2/p/scheduled-tasks/"+task.ID+"/records", "tasks_records"); len(recs) != 0 {
			t.Errorf("a recurring task created has runs: %+v", recs)
		}
	}
}

// A one-off task created a minute ahead is listed at once, runs at its
// instant on the server's clock, fills in as the dataset's live run does,
// and ends with one row for each desktop it names.
func TestCreatedOneOffTaskRuns(t *testing.T) {
	for _, taskType := range []string{"REBOOT", "EXECUTE_SCRIPT"} {
		t.Run(taskType, func(t *testing.T) {
			clk := testclock.New(writeNow)
			s := New(Options{Seed: 7, Now: clk.Now})
			d := s.Data()
			known := d.Details[d.Records[d.Tasks[1].ID][0].ID][3] // a desktop that exists now
			nt := api.NewTask{
				TaskType: taskType, TaskName: "Run again: 6 desktops", ScheduledType: "FIXED_TIME",
				ScheduledDate: "2026-12-03", ScheduledTime: "20:01:00", TimeZone: "Asia/Shanghai",
				ExtraParams: `{"script_ids":["s-1"]}`,
				ApplyObjects: []api.ApplyObject{
					{ObjectID: known.DesktopID, ObjectType: "DESKTOP"},
					{ObjectID: "desk-kiosk", ObjectType: "DESKTOP", ObjectName: "kiosk-01"},
					{ObjectID: "desk-nameless", ObjectType: "DESKTOP"},
					{ObjectID: "pool-1", ObjectType: "DESKTOP_POOL", ObjectName: "a pool: no rows of its own"},
					{ObjectID: known.DesktopID, ObjectType: "DESKTOP"}, // named twice, run once
					{ObjectID: "desk-4", ObjectType: "DESKTOP"},
					{ObjectID: "desk-5", ObjectType: "DESKTOP"},
					{ObjectID: "desk-6", ObjectType: "DESKTOP"},
				},
			}
			wantIDs := []string{known.DesktopID, "desk-kiosk", "desk-nameless", "desk-4", "desk-5", "desk-6"}
			wantNames := []string{known.DesktopName, "kiosk-01", "desk-nameless", "desk-4", "desk-5", "desk-6"}
			id := create(t, s, nt)
			records := "/v2/p/scheduled-tasks/" + id + "/records"

			td := showTask(t, s, id)
			if td.TaskName != nt.TaskName || td.TaskType != taskType || td.ExtraParams != nt.ExtraParams ||
				td.ScheduledDate != nt.ScheduledDate || td.ScheduledTime != nt.ScheduledTime || !reflect.DeepEqual(td.ApplyObjects, nt.ApplyObjects) {
				t.Fatalf("the detail %+v is not what was created %+v", td, nt)
			}
			task := taskListed(t, s, id)
			if task.ScheduledType != "FIXED_TIME" || !task.Enable || task.LastStatus != "" ||
				task.NextExecutionTime != "2026-12-03 20:01:00" || task.TimeZone != "Asia/Shanghai" {
				t.Fatalf("listed before it ran as %+v", task)
			}
			if recs, total := listed[api.Record](t, s, records, "tasks_records"); total != 0 || len(recs) != 0 {
				t.Fatalf("before its time the task has runs: %+v", recs)
			}

			clk.Add(90 * time.Second) // 30 s into the run
			recs, _ := listed[api.Record](t, s, records, "tasks_records")
			if len(recs) != 1 || recs[0].Status != "RUNNING" || recs[0].StartTime != "2026-12-03 20:01:00" {
				t.Fatalf("30 s into the run the records are %+v", recs)
			}
			run := recs[0]
			details := records + "/" + run.ID + "?offset=0&limit=100"
			rows, total := listed[api.Detail](t, s, details, "tasks_records_details")
			running := 0
			for _, r := range rows {
				if r.ExecStatus == "RUNNING" {
					running++
				}
			}
			if total == 0 || total >= len(wantIDs) || running == 0 {
				t.Fatalf("30 s in, %d of %d rows are listed, %d running; want some, not all, some running", total, len(wantIDs), running)
			}
			if got := run.SuccessNum + run.FailedNum + run.SkipNum; got != total-running {
				t.Fatalf("the record counts %d rows ended, the rows say %d", got, total-running)
			}
			if got := taskListed(t, s, id).LastStatus; got != "RUNNING" {
				t.Fatalf("while its run goes the task's last status is %q", got)
			}

			clk.Add(5 * time.Minute)
			recs, _ = listed[api.Record](t, s, records, "tasks_records")
			rows, total = listed[api.Detail](t, s, details, "tasks_records_details")
			if len(recs) != 1 || recs[0].ID != run.ID || total != len(wantIDs) || len(rows) != total {
				t.Fatalf("after the run: records %+v, %d rows (total %d)", recs, len(rows), total)
			}
			run = recs[0]
			counts := map[string]int{}
			for i, r := range rows {
				counts[r.ExecStatus]++
				if r.DesktopID != wantIDs[i] || r.DesktopName != wantNames[i] || r.RecordID != run.ID || r.EndTime == "" || r.TimeZone != "Asia/Shanghai" {
					t.Errorf("row %d is %+v, want desktop %s named %s, ended", i, r, wantIDs[i], wantNames[i])
				}
				if r.StartTime < "2026-12-03 20:01:00" || r.StartTime >= "2026-12-03 20:02:00" {
					t.Errorf("row %d starts at %s, not within a minute of the task's time", i, r.StartTime)
				}
				if (r.ExecStatus == "SUCCESS") != (r.FailReason == "") {
					t.Errorf("row %d: %s with reason %q", i, r.ExecStatus, r.FailReason)
				}
				if (r.ExecScriptID != "") != (taskType == "EXECUTE_SCRIPT") {
					t.Errorf("row %d of a %s run has exec_script_id %q", i, taskType, r.ExecScriptID)
				}
			}
			want := "SUCCESS"
			if counts["FAIL"] > 0 {
				want = "FAIL"
			}
			if run.Status != want || run.SuccessNum != counts["SUCCESS"] || run.FailedNum != counts["FAIL"] || run.SkipNum != counts["SKIP"] {
				t.Fatalf("the finished record %+v does not match its rows %v", run, counts)
			}
			if (run.ExecuteTaskID != "" && run.ExecuteTaskID != id) != (taskType == "EXECUTE_SCRIPT") {
				t.Fatalf("a %s run's execute_task_id is %q", taskType, run.ExecuteTaskID)
			}
			if got := taskListed(t, s, id).LastStatus; got != run.Status {
				t.Fatalf("after its run the task's last status is %q, the run's %q", got, run.Status)
			}
		})
	}
}

// A task on no desktop the fake knows still runs at its time, not before.
func TestRunOfNoDesktopsWaitsForItsTime(t *testing.T) {
	clk := testclock.New(writeNow)
	s := New(Options{Seed: 7, Now: clk.Now})
	id := create(t, s, api.NewTask{TaskType: "STOP", TaskName: "Stop the pool", ScheduledType: "FIXED_TIME",
		ScheduledDate: "2026-12-03", ScheduledTime: "20:01:00",
		ApplyObjects: []api.ApplyObject{{ObjectID: "pool-1", ObjectType: "DESKTOP_POOL"}}})
	records := "/v2/p/scheduled-tasks/" + id + "/records"
	clk.Add(59 * time.Second)
	if recs, _ := listed[api.Record](t, s, records, "tasks_records"); len(recs) != 0 {
		t.Fatalf("a second before its time: %+v", recs)
	}
	clk.Add(time.Second)
	recs, _ := listed[api.Record](t, s, records, "tasks_records")
	if len(recs) != 1 || recs[0].Status != "SUCCESS" || recs[0].SuccessNum+recs[0].FailedNum+recs[0].SkipNum != 0 {
		t.Fatalf("at its time: %+v", recs)
	}
}

func TestCreatingTwiceMakesTwoTasks(t *testing.T) {
	clk := testclock.New(writeNow)
	s := New(Options{Seed: 7, Now: clk.Now})
	nt := api.NewTask{TaskType: "REBOOT", TaskName: "again", ScheduledType: "FIXED_TIME", ScheduledDate: "2026-12-03",
		ScheduledTime: "20:01:00", ApplyObjects: []api.ApplyObject{{ObjectID: "desk-1", ObjectType: "DESKTOP"}}}
	a, b := create(t, s, nt), create(t, s, nt)
	if a == b {
		t.Fatalf("two creations gave one id %s", a)
	}
	clk.Add(5 * time.Minute)
	var runs []string
	for _, id := range []string{a, b} {
		taskListed(t, s, id)
		recs, _ := listed[api.Record](t, s, "/v2/p/scheduled-tasks/"+id+"/records", "tasks_records")
		if len(recs) != 1 {
			t.Fatalf("task %s has runs %+v, want one", id, recs)
		}
		runs = append(runs, recs[0].ID)
	}
	if runs[0] == runs[1] {
		t.Fatalf("two tasks share the run %s", runs[0])
	}
}

// Outcomes hang on the desktop and the task: about 10% fail, a few are
// skipped, and a failed desktop run again by another task mostly succeeds.
func TestOneOffOutcomes(t *testing.T) {
	const n = 10000
	counts := map[string]int{}
	refailed, failed := 0, 0
	for i := range n {
		desk := fmt.Sprintf("desk-%05d", i)
		st, code, reason := outcome(desk, "task-a")
		if again, _, _ := outcome(desk, "task-a"); again != st {
			t.Fatalf("%s fares %s, then %s", desk, st, again)
		}
		if (st == "SUCCESS") != (code == "" && reason == "") {
			t.Fatalf("%s: %s with %q %q", desk, st, code, reason)
		}
		counts[st]++
		if st == "FAIL" {
			failed++
			if again, _, _ := outcome(desk, "task-b"); again == "FAIL" {
				refailed++
			}
		}
	}
	if f, sk := counts["FAIL"]*100/n, counts["SKIP"]*100/n; f < 8 || f > 12 || sk < 2 || sk > 6 {
		t.Fatalf("outcomes %v of %d", counts, n)
	}
	if refailed*100/failed > 20 {
		t.Fatalf("%d of %d failed desktops fail again under another task", refailed, failed)
	}
}

// Creating tasks while others read: run with -race.
func TestCreateRacesReads(t *testing.T) {
	clk := testclock.New(writeNow)
	s := New(Options{Seed: 3, Now: clk.Now})
	first := s.Data().Tasks[0].ID
	firstRun := s.Data().Records[first][0].ID
	paths := []string{
		"/v2/p/scheduled-tasks?offset=0&limit=50",
		"/v2/p/scheduled-tasks/" + first,
		"/v2/p/scheduled-tasks/" + first + "/records",
		"/v2/p/scheduled-tasks/" + first + "/records/" + firstRun + "?offset=0&limit=100",
	}
	var wg sync.WaitGroup
	ids, done := make(chan string, 100), make(chan struct{})
	wg.Add(1)
	go func() { // the only one to move the clock: each task is 10 s ahead, and the one before starts
		defer wg.Done()
		defer close(done)
		defer close(ids)
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		for i := range 20 {
			at := clk.Now().Add(10 * time.Second).In(shanghai)
			body := fmt.Sprintf(`{"task_type":"STOP","task_name":"t%d","scheduled_type":"FIXED_TIME","scheduled_date":%q,"scheduled_time":%q,"apply_objects":[{"object_id":"desk-%d","object_type":"DESKTOP"}]}`,
				i, at.Format("2006-01-02"), at.Format("15:04:05"), i)
			req := httptest.NewRequest(http.MethodPost, "/v2/p/scheduled-tasks", strings.NewReader(body))
			req.Header.Set("X-Auth-Token", "x")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			var out struct {
				TaskID string `json:"task_id"`
			}
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
				t.Errorf("create %d: %d %s", i, rec.Code, rec.Body)
				return
			}
			ids <- out.TaskID
			clk.Add(20 * time.Second)
		}
	}()
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ { // until the last task is created, so reads overlap every write
				select {
				case <-done:
					return
				default:
				}
				req := httptest.NewRequest(http.MethodGet, paths[(g+i)%len(paths)], nil)
				req.Header.Set("X-Auth-Token", "x")
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 {
					t.Errorf("%s: %d %s", req.URL, rec.Code, rec.Body)
				}
			}
		}()
	}
	var created []string
	for id := range ids { // read as they come: each new task is shown at once
		req := httptest.NewRequest(http.MethodGet, "/v2/p/scheduled-tasks/"+id+"/records", nil)
		req.Header.Set("X-Auth-Token", "x")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("records of %s: %d", id, rec.Code)
		}
		created = append(created, id)
	}
	wg.Wait()
	tasks, _ := listed[api.Task](t, s, "/v2/p/scheduled-tasks?offset=0&limit=50", "scheduled_tasks")
	listedIDs := map[string]bool{}
	for _, tk := range tasks {
		listedIDs[tk.ID] = true
	}
	for _, id := range created {
		if !listedIDs[id] {
			t.Errorf("created task %s is not listed", id)
		}
	}
	if len(created) != 20 {
		t.Fatalf("%d tasks created, want 20", len(created))
	}
}
