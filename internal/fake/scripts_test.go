package fake

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
)

// A script task's run names its script-execution task; that task has a
// record per desktop agreeing with the run's row (status, code, reason),
// and a record's detail has the output, which for an installer failure
// says 1603. The calls' paging and filters are the SDK's.
func TestScriptRecordsFollowTheRun(t *testing.T) {
	s := New(Options{Seed: 7})
	d := s.Data()
	var task api.Task
	for _, tk := range d.Tasks {
		if tk.TaskType == "EXECUTE_SCRIPT" {
			task = tk
			break
		}
	}
	run := d.Records[task.ID][0]
	rows := d.Details[run.ID]
	if run.ExecuteTaskID == "" || run.ExecuteObjectType != "DESKTOP" {
		t.Fatalf("a script task's run names no script-execution task: %+v", run)
	}
	for _, other := range d.Records[d.Tasks[0].ID] {
		if other.ExecuteTaskID != "" {
			t.Fatalf("a reboot's run names a script-execution task: %+v", other)
		}
	}
	list := "/v2/p/script-execution-records?script_task_id=" + run.ExecuteTaskID
	_, body := get(t, s, list+"&limit=100", true)
	if int(body["count"].(float64)) != len(rows) {
		t.Fatalf("count %v for %d rows", body["count"], len(rows))
	}
	var failed api.Detail
	for _, r := range rows {
		if r.ResultCode == "WKS.00010204" {
			failed = r
		}
	}
	_, body = get(t, s, list+"&resource_id="+url.QueryEscape(failed.DesktopID)+"&resource_id=nope", true)
	raw, _ := json.Marshal(body["script_records"])
	var recs []api.ScriptRecord
	_ = json.Unmarshal(raw, &recs)
	if len(recs) != 1 || recs[0].ResourceID != failed.DesktopID || recs[0].Status != "FAILED" || recs[0].ResultCode != failed.ResultCode ||
		recs[0].Reason != failed.FailReason || recs[0].ScriptTaskID != run.ExecuteTaskID || !strings.HasSuffix(recs[0].StartTime, "Z") {
		t.Fatalf("the failed desktop's script record: %+v", recs)
	}
	rec, body := get(t, s, "/v2/p/script-execution-records/"+recs[0].ID, true)
	if rec.Code != 200 || !strings.Contains(body["output"].(string), "Exit status: 1603") || body["id"] != recs[0].ID {
		t.Fatalf("the record's detail: %d %v", rec.Code, body)
	}
	for _, tc := range []struct {
		path string
		code int
	}{
		{list + "&limit=101", 400}, {list + "&limit=0", 400}, {list + "&offset=-1", 400},
		{"/v2/p/script-execution-records/nope", 404},
	} {
		if rec, _ := get(t, s, tc.path, true); rec.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.path, rec.Code, tc.code)
		}
	}
	if _, body := get(t, s, list, true); len(body["script_records"].([]any)) != 10 {
		t.Errorf("the default page is 10 records, got %d", len(body["script_records"].([]any)))
	}
}

// desktops/detail answers for many desktops a request: the ids known,
// once each; more than 100 ids are refused.
func TestDesktopsDetailInBulk(t *testing.T) {
	s := New(Options{Seed: 7})
	rows := s.Data().Details[s.Data().Records[s.Data().Tasks[0].ID][0].ID]
	q := url.Values{}
	q.Add("desktop_id", rows[0].DesktopID)
	q.Add("desktop_id", rows[1].DesktopID)
	q.Add("desktop_id", rows[0].DesktopID)
	q.Add("desktop_id", "no-such-desktop")
	_, body := get(t, s, "/v2/p/desktops/detail?"+q.Encode(), true)
	raw, _ := json.Marshal(body["desktops"])
	var got []api.Desktop
	_ = json.Unmarshal(raw, &got)
	if len(got) != 2 || got[0].ID != rows[0].DesktopID || got[1].ID != rows[1].DesktopID || got[0].Status == "" {
		t.Fatalf("desktops %+v", got)
	}
	for i := range 100 {
		q.Add("desktop_id", rows[i].DesktopID)
	}
	if rec, _ := get(t, s, "/v2/p/desktops/detail?"+q.Encode(), true); rec.Code != 400 {
		t.Fatalf("104 ids: %d", rec.Code)
	}
}
