package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/session"
)

func showcase() []api.Detail {
	d := fake.NewDatasetAt(session.DemoSeed, fake.BigRecordDetails, session.DemoClock())
	return d.Details[d.Records[d.Tasks[0].ID][0].ID]
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if status := run(args, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("%v: status %d, stderr %s", args, status, stderr.String())
	}
	return stdout.String()
}

func TestOutputJSONIsTheAPIsData(t *testing.T) {
	var got []api.Detail
	if err := json.Unmarshal([]byte(runOK(t, "--demo", "-o", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if want := showcase(); !reflect.DeepEqual(got, want) {
		t.Errorf("%d details; want the record's %d, raw and in order", len(got), len(want))
	}
}

func TestOutputFilters(t *testing.T) {
	var want []api.Detail
	for _, d := range showcase() {
		if (d.ExecStatus == "FAIL" || d.ExecStatus == "SKIP") && strings.Contains(strings.ToLower(d.FailReason), "conflict") {
			want = append(want, d)
		}
	}
	if len(want) == 0 {
		t.Fatal("the demo data has no rows for this test")
	}
	var got []api.Detail
	if err := json.Unmarshal([]byte(runOK(t, "--demo", "-o", "json", "--status", "fail,SKIP", "--filter", "reason:conflict")), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
}

func TestOutputCSVAndTSV(t *testing.T) {
	var failed []api.Detail
	for _, d := range showcase() {
		if d.ExecStatus == "FAIL" {
			failed = append(failed, d)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(runOK(t, "--demo", "-o", "csv", "--status", "FAIL"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(failed)+1 || rows[0][3] != "desktop_name" {
		t.Fatalf("%d rows, header %v; want %d + header", len(rows), rows[0], len(failed))
	}
	for i, d := range failed {
		if rows[i+1][0] != d.ID || rows[i+1][4] != "FAIL" || rows[i+1][7] != d.FailReason {
			t.Fatalf("row %d = %v, want %+v", i+1, rows[i+1], d)
		}
	}
	lines := strings.Split(strings.TrimSpace(runOK(t, "--demo", "-o", "tsv")), "\n")
	if len(lines) != len(showcase())+1 || !strings.HasPrefix(lines[0], "id\trecord_id\t") {
		t.Errorf("tsv: %d lines, header %q", len(lines), lines[0])
	}
	for _, l := range lines {
		if strings.Count(l, "\t") != 10 || strings.Contains(l, "\x1b") {
			t.Fatalf("tsv line %q", l)
		}
	}
}

// An API error exits 1 with the error on stderr. On the first page it
// leaves stdout empty; later, the rows before it are printed (the output
// streams) and stderr says the output is incomplete.
func TestOutputErrorExitsOne(t *testing.T) {
	for _, tc := range []struct {
		offset, rows int
	}{{0, 0}, {200, 200}} {
		srv := fake.New(fake.Options{Seed: 1, Faults: []fake.Fault{{PathContains: "/records/", Offset: tc.offset, Status: 404, Code: "WKS.00010405", Message: "gone"}}})
		url, stop, err := fake.Start(srv, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		task := srv.Data().Tasks[0].ID
		var stdout, stderr bytes.Buffer
		status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", srv.Data().Records[task][0].ID, "-o", "csv"},
			&stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
		lines := strings.Count(stdout.String(), "\n")
		if tc.rows > 0 {
			lines-- // the header
		}
		if status != 1 || lines != tc.rows {
			t.Errorf("error at %d: status %d, %d rows out; want 1 and %d", tc.offset, status, lines, tc.rows)
		}
		if !strings.Contains(stderr.String(), "HTTP 404 WKS.00010405 (request id fake-") {
			t.Errorf("stderr %q", stderr.String())
		}
		if incomplete := strings.Contains(stderr.String(), "incomplete"); incomplete != (tc.rows > 0) {
			t.Errorf("error at %d: stderr %q; says incomplete: %v", tc.offset, stderr.String(), incomplete)
		}
	}
}

// -o against a lying API: a total of 10^6 over 250 rows ends at the short
// page; pages longer than asked and rows without ids lose nothing.
func TestOutputAgainstALyingAPI(t *testing.T) {
	for name, tc := range map[string]struct {
		quirks   fake.Quirks
		big      int
		maxCalls int
	}{
		"total past the data": {fake.Quirks{TotalCount: "1000000"}, 250, 3 + 4},
		"total 2^63-1":        {fake.Quirks{TotalCount: "9223372036854775807"}, 250, 3 + 4},
		"pages too long":      {fake.Quirks{ExtraRows: 50}, 2537, 30},
		"rows without ids":    {fake.Quirks{NoIDs: true}, 250, 3 + 4},
	} {
		srv := fake.New(fake.Options{Seed: 1, BigRecord: tc.big, Quirks: tc.quirks})
		url, stop, err := fake.Start(srv, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		task := srv.Data().Tasks[0].ID
		var stdout, stderr bytes.Buffer
		status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", srv.Data().Records[task][0].ID, "-o", "tsv"},
			&stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
		if rows := strings.Count(stdout.String(), "\n") - 1; status != 0 || rows != tc.big {
			t.Errorf("%s: status %d, %d rows; want 0 and %d (%s)", name, status, rows, tc.big, stderr.String())
		}
		if n := len(srv.Requests()); n > tc.maxCalls {
			t.Errorf("%s: %d requests", name, n)
		}
	}
}

func TestNotATerminalSuggestsOutput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--demo"}, &stdout, &stderr, env()); status != 2 || !strings.Contains(stderr.String(), "use -o json, -o csv or -o tsv") {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
}

// --status FAILED prints what f shows; a --status value no row has gets a
// note naming the statuses the run has.
func TestOutputStatusFailedAndUnmatched(t *testing.T) {
	data := fake.NewDataset(session.DemoSeed)
	failed := 0
	for _, d := range data.Details[data.Records[data.Tasks[0].ID][0].ID] {
		if d.ExecStatus == "FAIL" {
			failed++
		}
	}
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--demo", "-o", "tsv", "--status", "FAILED"}, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	if rows := strings.Count(stdout.String(), "\tFAIL\t"); rows != failed || stderr.Len() != 0 {
		t.Errorf("--status FAILED printed %d FAIL rows (want the run's %d), stderr %q", rows, failed, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	// A status the API uses that this run lacks: a note, exit 0.
	if status := run([]string{"--demo", "-o", "tsv", "--status", "FAIL,WAITING"}, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("--status WAITING matched no row; the run's statuses: FAIL (%d), RUNNING (", failed)) {
		t.Errorf("stderr %q", stderr.String())
	}
	// A typo, neither the API's nor the run's: exit 2 naming both, not
	// "no rows" (a check that passes silently).
	for _, typo := range []string{"FIAL", "fail,ERROR"} {
		stdout.Reset()
		stderr.Reset()
		status := run([]string{"--demo", "-o", "tsv", "--status", typo}, &stdout, &stderr, env())
		if status != 2 || !strings.Contains(stderr.String(), "no such status; the API's are SUCCESS, FAIL, FAILED, SKIP, RUNNING, WAITING, and this run's rows had FAIL (") {
			t.Errorf("--status %s: status %d, stderr %q", typo, status, stderr.String())
		}
	}
}
