package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/wksrec/wksrec/api"
)

func get(t *testing.T, s *Server, path string, auth bool) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if auth {
		req.Header.Set("X-Auth-Token", "anything")
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil && rec.Header().Get("Content-Type") != "text/html" {
		t.Fatalf("%s: body %q is not JSON: %v", path, rec.Body.String(), err)
	}
	return rec, body
}

func TestParameterRules(t *testing.T) {
	s := New(Options{Seed: 1})
	task := s.Data().Tasks[0].ID
	rec := s.Data().Records[task][0].ID
	details := "/v2/p/scheduled-tasks/" + task + "/records/" + rec
	tests := []struct {
		path   string
		status int
		code   string
		items  int // -1: not checked
	}{
		{details + "?offset=0&limit=100", 200, "", 100},
		{details + "?offset=2500&limit=100", 200, "", BigRecordDetails - 2500},
		{details + "?offset=9999&limit=100", 200, "", 0},
		{details + "?offset=0&limit=0", 200, "", 0},
		{details + "?limit=10", 400, "WKS.00010001", -1}, // offset required
		{details + "?offset=0", 400, "WKS.00010001", -1}, // limit required
		{details + "?offset=0&limit=101", 400, "WKS.00010002", -1},
		{details + "?offset=-1&limit=10", 400, "WKS.00010002", -1},
		{details + "?offset=x&limit=10", 400, "WKS.00010002", -1},
		{"/v2/p/scheduled-tasks?offset=0&limit=51", 400, "WKS.00010002", -1},
		{"/v2/p/scheduled-tasks", 400, "WKS.00010001", -1},
		{"/v2/p/scheduled-tasks?offset=0&limit=50", 200, "", len(s.Data().Tasks) - 2}, // trigger tasks only when asked for
		{"/v2/p/scheduled-tasks?offset=0&limit=50&scheduled_type=LIFE_CYCLE", 200, "", 2},
		{"/v2/p/scheduled-tasks/" + task + "/records", 200, "", min(10, len(s.Data().Records[task]))}, // default limit 10
		{"/v2/p/scheduled-tasks/nope/records", 404, "WKS.00010404", -1},
		{"/v2/p/scheduled-tasks/" + task + "/records/nope?offset=0&limit=1", 404, "WKS.00010405", -1},
		{"/v2/p/unknown", 404, "APIG.0101", -1},
	}
	for _, tc := range tests {
		rr, body := get(t, s, tc.path, true)
		if rr.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.path, rr.Code, tc.status, rr.Body)
			continue
		}
		if tc.code != "" && body["error_code"] != tc.code {
			t.Errorf("%s: error_code %v, want %s", tc.path, body["error_code"], tc.code)
		}
		if tc.status != 200 {
			if _, ok := body["error_msg"].(string); !ok {
				t.Errorf("%s: no error_msg in %v", tc.path, body)
			}
			continue
		}
		if tc.items >= 0 {
			n := -1
			for _, k := range []string{"tasks_records_details", "scheduled_tasks", "tasks_records"} {
				if v, ok := body[k].([]any); ok {
					n = len(v)
				}
			}
			if n != tc.items {
				t.Errorf("%s: %d items, want %d", tc.path, n, tc.items)
			}
		}
		if rr.Header().Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", tc.path)
		}
	}
}

func TestUnauthenticatedIsRefused(t *testing.T) {
	s := New(Options{Seed: 1})
	rr, body := get(t, s, "/v2/p/scheduled-tasks?offset=0&limit=1", false)
	if rr.Code != 401 || body["error_code"] != "APIG.0301" {
		t.Fatalf("got %d %v", rr.Code, body)
	}
}

func TestDetailFieldNames(t *testing.T) {
	s := New(Options{Seed: 1})
	task := s.Data().Tasks[0].ID
	rec := s.Data().Records[task][0].ID
	_, body := get(t, s, "/v2/p/scheduled-tasks/"+task+"/records/"+rec+"?offset=0&limit=1", true)
	item := body["tasks_records_details"].([]any)[0].(map[string]any)
	var keys []string
	for k, v := range item {
		if _, ok := v.(string); !ok {
			t.Errorf("field %s is %T, the API documents strings", k, v)
		}
		keys = append(keys, k)
	}
	want := []string{"desktop_id", "desktop_name", "end_time", "exec_script_id", "exec_status", "fail_reason",
		"id", "record_id", "result_code", "start_time", "time_zone"}
	if len(keys) != len(want) {
		t.Errorf("fields %v, want %v", keys, want)
	}
	for _, k := range want {
		if _, ok := item[k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	if _, ok := body["total_count"].(float64); !ok {
		t.Error("total_count missing")
	}
}

func TestFaults(t *testing.T) {
	s := New(Options{Seed: 1, Faults: []Fault{
		{PathContains: "/records/", Offset: 100, Status: 503, Code: "APIG.1009", Message: "busy", Times: 1},
		{Offset: -1, PathContains: "scheduled-tasks?", Status: 500}, // never matches: the query is not in the path
	}})
	task := s.Data().Tasks[0].ID
	rec := s.Data().Records[task][0].ID
	base := "/v2/p/scheduled-tasks/" + task + "/records/" + rec
	if rr, _ := get(t, s, base+"?offset=0&limit=100", true); rr.Code != 200 {
		t.Errorf("offset 0: %d, want 200", rr.Code)
	}
	if rr, body := get(t, s, base+"?offset=100&limit=100", true); rr.Code != 503 || body["error_code"] != "APIG.1009" {
		t.Errorf("offset 100 first time: %d %v, want 503", rr.Code, body)
	}
	if rr, _ := get(t, s, base+"?offset=100&limit=100", true); rr.Code != 200 {
		t.Errorf("offset 100 second time: %d, want 200 (Times: 1)", rr.Code)
	}
	s.SetFaults(Fault{Offset: -1, Status: 502, RawBody: "<html>bad gateway</html>"})
	if rr, _ := get(t, s, base+"?offset=0&limit=100", true); rr.Code != 502 || !strings.Contains(rr.Body.String(), "bad gateway") {
		t.Errorf("raw body fault: %d %q", rr.Code, rr.Body)
	}
	if n := len(s.Requests()); n != 4 {
		t.Errorf("%d requests logged, want 4", n)
	}
}

func TestDatasetIsDeterministicAndRealistic(t *testing.T) {
	a, b := NewDataset(42), NewDataset(42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different data")
	}
	if reflect.DeepEqual(a.Tasks, NewDataset(43).Tasks) {
		t.Error("different seeds, same tasks")
	}
	statuses := map[string]int{}
	cjk, longReason := false, false
	for _, task := range a.Tasks {
		recs := a.Records[task.ID]
		if len(recs) == 0 {
			t.Fatalf("task %s has no records", task.ID)
		}
		for i, rec := range recs {
			if i > 0 && rec.StartTime > recs[i-1].StartTime {
				t.Errorf("records of %s not newest first", task.ID)
			}
			var ok, failed, skip int
			for _, d := range a.Details[rec.ID] {
				statuses[d.ExecStatus]++
				switch d.ExecStatus {
				case "SUCCESS":
					ok++
				case "FAIL":
					failed++
				case "SKIP":
					skip++
				}
				for _, r := range d.DesktopName {
					cjk = cjk || unicode.Is(unicode.Han, r)
				}
				longReason = longReason || (len(d.FailReason) > 150 && strings.Count(d.FailReason, ". ") >= 1)
			}
			if ok != rec.SuccessNum || failed != rec.FailedNum || skip != rec.SkipNum {
				t.Errorf("record %s counts %d/%d/%d, details say %d/%d/%d", rec.ID,
					rec.SuccessNum, rec.FailedNum, rec.SkipNum, ok, failed, skip)
			}
		}
	}
	for _, st := range []string{"SUCCESS", "FAIL", "SKIP", "RUNNING"} {
		if statuses[st] == 0 {
			t.Errorf("no %s details", st)
		}
	}
	if !cjk || !longReason {
		t.Errorf("cjk names %v, long multi-sentence reasons %v", cjk, longReason)
	}
	if n := len(a.Details[a.Records[a.Tasks[0].ID][0].ID]); n != BigRecordDetails {
		t.Errorf("showcase record has %d details", n)
	}
}

// Any size of showcase record builds: its hostile names are placed within
// it (small sizes once indexed past the end and panicked).
func TestEveryShowcaseSizeBuilds(t *testing.T) {
	// Around the offsets where hostile names go (97 + 211 i).
	for _, big := range []int{1, 2, 97, 98, 308, 309, 520, 731, 942, 1153, 1364, 1575} {
		d := NewDatasetSized(7, big)
		if n := len(d.Details[d.Records[d.Tasks[0].ID][0].ID]); n != big {
			t.Fatalf("size %d built %d details", big, n)
		}
	}
}

// A task's runs share their desktops: the same ids from run to run, some
// failing in every run, others now and then, and between the newest run
// and the one before every kind of change a comparison names.
func TestRunsShareTheirDesktops(t *testing.T) {
	d := NewDataset(1)
	task := d.Tasks[0].ID
	runs := d.Records[task]
	if len(runs) < 3 {
		t.Fatalf("%d runs", len(runs))
	}
	failedIn := map[string]int{} // desktop id -> runs it failed in
	seenIn := map[string]int{}
	for _, run := range runs {
		for _, dt := range d.Details[run.ID] {
			seenIn[dt.DesktopID]++
			if dt.ExecStatus == "FAIL" {
				failedIn[dt.DesktopID]++
			}
		}
	}
	chronic, sometimes := 0, 0
	for id, n := range failedIn {
		if n == seenIn[id] && n == len(runs) {
			chronic++
		} else {
			sometimes++
		}
	}
	if chronic == 0 || sometimes == 0 {
		t.Errorf("%d desktops fail in every run, %d now and then; want both", chronic, sometimes)
	}
	status := func(run api.Record) map[string]string {
		m := map[string]string{}
		for _, dt := range d.Details[run.ID] {
			m[dt.DesktopID] = dt.ExecStatus
		}
		return m
	}
	now, before := status(runs[0]), status(runs[1])
	kinds := map[string]int{}
	for id, st := range now {
		was, ok := before[id]
		switch {
		case !ok:
			kinds["new desktop"]++
		case st == "FAIL" && was == "FAIL":
			kinds["still failing"]++
		case st == "FAIL":
			kinds["new failure"]++
		case was == "FAIL":
			kinds["recovered"]++
		}
	}
	for id := range before {
		if _, ok := now[id]; !ok {
			kinds["gone"]++
		}
	}
	for _, k := range []string{"new desktop", "still failing", "new failure", "recovered", "gone"} {
		if kinds[k] == 0 {
			t.Errorf("no %q between the newest run and the one before: %v", k, kinds)
		}
	}
	if len(d.Details[runs[0].ID]) != BigRecordDetails {
		t.Errorf("the showcase run has %d details", len(d.Details[runs[0].ID]))
	}
}

// The rate limit is a token bucket of R calls a second with a burst of R,
// on the gateway's clock: a refusal is the gateway's 429 with a
// Retry-After in whole seconds, and IAM is not counted.
func TestRateLimit(t *testing.T) {
	clock := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	s := New(Options{Seed: 1, RateLimit: 4, Now: func() time.Time { return clock }})
	path := "/v2/p/scheduled-tasks?offset=0&limit=10"
	steps := []struct {
		after      time.Duration // the clock moves on this much first
		calls      int
		served     int // of calls
		retryAfter string
	}{
		{0, 5, 4, "1"},                      // the burst, then a refusal
		{100 * time.Millisecond, 1, 0, "1"}, // 0.4 of a token is not one
		{150 * time.Millisecond, 1, 1, ""},  // 1.0 token
		{500 * time.Millisecond, 3, 2, "1"}, // 2 tokens
		{10 * time.Second, 6, 4, "1"},       // a long pause refills the burst, no more
	}
	wantServed, wantRefused := 0, 0
	for i, st := range steps {
		clock = clock.Add(st.after)
		served := 0
		for range st.calls {
			rec, body := get(t, s, path, true)
			switch rec.Code {
			case http.StatusOK:
				served++
			case http.StatusTooManyRequests:
				msg, _ := body["error_msg"].(string)
				if body["error_code"] != "APIG.0308" || !strings.Contains(msg, "policy user over ratelimit, limit:4, time:1 second") {
					t.Errorf("step %d: refusal body %v", i, body)
				}
				if got := rec.Header().Get("Retry-After"); got != st.retryAfter {
					t.Errorf("step %d: Retry-After %q, want %q", i, got, st.retryAfter)
				}
			default:
				t.Fatalf("step %d: status %d", i, rec.Code)
			}
		}
		if served != st.served {
			t.Errorf("step %d: %d of %d calls served, want %d", i, served, st.calls, st.served)
		}
		wantServed += st.served
		wantRefused += st.calls - st.served
	}
	if rec, _ := get(t, s, "/v3/projects?name=cn-north-4", true); rec.Code != http.StatusOK {
		t.Errorf("IAM was throttled: %d", rec.Code)
	}
	if served, refused := s.Calls(); served != wantServed || refused != wantRefused {
		t.Errorf("counted %d served and %d refused, want %d and %d", served, refused, wantServed, wantRefused)
	}
}

// A Retry-After is whole seconds, rounded up, never zero, and a client that
// waits it out finds a token whatever the rate.
func TestRetryAfterFindsAToken(t *testing.T) {
	now := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	for _, rate := range []int{1, 7, 1000} {
		b := bucket{rate: rate, last: now}
		got := b.take(now)
		if got != time.Second {
			t.Errorf("rate %d, empty bucket: Retry-After %v, want 1s", rate, got)
		}
		if again := b.take(now.Add(got)); again != 0 {
			t.Errorf("rate %d: refused again after waiting the Retry-After (%v)", rate, again)
		}
	}
}

// The demo is dated from now: its newest runs started last night (before
// now, within a day and a half), every task's next run is to come, and
// only the times differ from the fixed data.
func TestDemoDatedFromNow(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	fixed := NewDataset(7)
	for _, now := range []time.Time{time.Date(2027, 3, 1, 1, 0, 0, 0, cst), time.Date(2027, 3, 1, 9, 59, 0, 0, cst), time.Date(2027, 3, 1, 23, 0, 0, 0, cst)} {
		d := NewDatasetAt(7, BigRecordDetails, now)
		for i, task := range d.Tasks {
			if task.ID != fixed.Tasks[i].ID || len(d.Records[task.ID]) != len(fixed.Records[task.ID]) {
				t.Fatalf("%s: task %d differs from the fixed data beyond its times", now, i)
			}
			if task.NextExecutionTime != "" {
				next, ok := api.ParseTime(task.NextExecutionTime, task.TimeZone)
				if !ok || !next.After(now) {
					t.Errorf("%s: %s's next run %s is not to come", now, task.TaskName, task.NextExecutionTime)
				}
			}
			newest := d.Records[task.ID][0]
			start, ok := api.ParseTime(newest.StartTime, newest.TimeZone)
			if !ok || start.After(now) || now.Sub(start) > 36*time.Hour {
				t.Errorf("%s: %s's newest run started %s", now, task.TaskName, newest.StartTime)
			}
		}
	}
}
