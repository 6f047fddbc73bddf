package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/api/fake"
)

func showcase() []api.Detail {
	d := fake.NewDataset(demoSeed)
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

// An API error exits 1 with the error on stderr and nothing on stdout.
func TestOutputErrorLeavesStdoutEmpty(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 1, Faults: []fake.Fault{{PathContains: "/records/", Offset: 200, Status: 404, Code: "WKS.00010405", Message: "gone"}}})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	task := srv.Data().Tasks[0].ID
	var stdout, stderr bytes.Buffer
	status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", srv.Data().Records[task][0].ID, "-o", "csv"},
		&stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
	if status != 1 || stdout.Len() != 0 {
		t.Errorf("status %d, stdout %d bytes; want 1 and nothing", status, stdout.Len())
	}
	if !strings.Contains(stderr.String(), "HTTP 404 WKS.00010405 (request id fake-") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestNotATerminalSuggestsOutput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--demo"}, &stdout, &stderr, env()); status != 2 || !strings.Contains(stderr.String(), "use -o json, -o csv or -o tsv") {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
}
