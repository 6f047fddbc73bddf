package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/session"
)

type comparedRow struct {
	api.Detail
	Change  *string   `json:"change"`
	History *[]string `json:"history"`
}

// -o with --compare-to previous and --history: every row's change and
// history are the ones worked out here from the fake's own data, and the
// desktops of the run before that this run lacks follow, as gone.
func TestOutputComparesRuns(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0].ID
	runs := data.Records[task] // newest first, one a day
	const history = 4
	if len(runs) < history+1 {
		t.Fatalf("the task has %d runs", len(runs))
	}
	statuses := make([]map[string]string, len(runs))
	for i, r := range runs {
		statuses[i] = map[string]string{}
		for _, d := range data.Details[r.ID] {
			statuses[i][d.DesktopID] = d.ExecStatus
		}
	}
	statusIn := func(run int) map[string]string { return statuses[run] }
	failed := func(s string) bool { return s == "FAIL" || s == "FAILED" }
	for _, at := range []int{0, 1} { // the newest run, and one in the middle
		base := statusIn(at + 1)
		var stdout, stderr bytes.Buffer
		status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", runs[at].ID,
			"-o", "json", "--compare-to", "previous", "--history", "4"}, &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
		if status != 0 {
			t.Fatalf("status %d: %s", status, stderr.String())
		}
		var rows []comparedRow
		if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
			t.Fatal(err)
		}
		current := data.Details[runs[at].ID]
		gone := map[string]bool{}
		for id := range base {
			gone[id] = true
		}
		for _, d := range current {
			delete(gone, d.DesktopID)
		}
		if len(rows) != len(current)+len(gone) || len(gone) == 0 {
			t.Fatalf("run %d: %d rows, want %d and %d gone", at, len(rows), len(current), len(gone))
		}
		for i, r := range rows {
			if r.Change == nil || r.History == nil || len(*r.History) != history {
				t.Fatalf("row %d without change or a history of %d: %+v", i, history, r)
			}
			var want string
			was, inBase := base[r.DesktopID]
			switch {
			case i >= len(current):
				want = "ONLY_IN_BASELINE"
				if !gone[r.DesktopID] || r.ID == "" {
					t.Errorf("row %d listed as gone: %+v", i, r.Detail)
				}
			case !inBase:
				want = "ONLY_IN_CURRENT"
			case failed(r.ExecStatus) && failed(was):
				want = "STILL_FAILING"
			case failed(r.ExecStatus):
				want = "NEW_FAILURE"
			case failed(was):
				want = "RECOVERED"
			default:
				want = "UNCHANGED"
			}
			if i < len(current) && r.ID != current[i].ID {
				t.Fatalf("row %d is %s, want %s: rows out of order", i, r.ID, current[i].ID)
			}
			if *r.Change != want {
				t.Errorf("run %d row %d (%s): change %s, want %s", at, i, r.DesktopID, *r.Change, want)
			}
			for k, got := range *r.History {
				want := ""
				if at+k < len(runs) {
					want = statusIn(at + k)[r.DesktopID]
				}
				if got != want {
					t.Errorf("run %d row %d: history[%d] %q, want %q", at, i, k, got, want)
				}
			}
		}
	}
}

// --change keeps only the changes asked for, with --status; CSV gains the
// two columns; the oldest run has nothing before it.
func TestOutputChangeFilterAndErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	status := run([]string{"--demo", "-o", "csv", "--compare-to", "previous", "--change", "new_failure,recovered", "--history", "2"}, &stdout, &stderr, env())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if status != 0 || !strings.HasSuffix(lines[0], ",time_zone,change,history") || len(lines) < 10 {
		t.Fatalf("status %d, %d lines, header %q: %s", status, len(lines), lines[0], stderr.String())
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",NEW_FAILURE,") && !strings.Contains(l, ",RECOVERED,") {
			t.Errorf("--change let through %q", l)
		}
	}
	stdout.Reset()
	status = run([]string{"--demo", "-o", "tsv", "--compare-to", "previous", "--filter", "change:gone | change:added"}, &stdout, &stderr, env())
	changes := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n")[1:] {
		cells := strings.Split(l, "\t")
		changes[cells[len(cells)-1]]++
	}
	if status != 0 || len(changes) != 2 || changes["ONLY_IN_BASELINE"] == 0 || changes["ONLY_IN_CURRENT"] == 0 {
		t.Errorf("--filter 'change:gone | change:added': status %d, %v", status, changes)
	}
	data := fake.NewDataset(session.DemoSeed)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	stdout.Reset()
	stderr.Reset()
	status = run([]string{"--demo", "-o", "json", "--task-id", task, "--record-id", runs[len(runs)-1].ID, "--compare-to", "previous"}, &stdout, &stderr, env())
	if status != 1 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "is the task's oldest run: there is no run before it to compare to") {
		t.Errorf("the oldest run: status %d, stdout %d bytes, stderr %q", status, stdout.Len(), stderr.String())
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "-o", "json", "--change", "NEW_FAILURE"}, "--change needs --compare-to"},
		{[]string{"--demo", "--compare-to", "previous"}, "--compare-to and --change go with -o"},
		{[]string{"--demo", "-o", "json", "--compare-to", "previous", "--change", "WORSE"}, "--change: unknown change WORSE; the changes are UNCHANGED, NEW_FAILURE"},
		{[]string{"--demo", "-o", "json", "--history", "91"}, "--history must be from 1 to 90, not 91"},
		{[]string{"--demo", "-o", "json", "--compare-to", "../x"}, "--compare-to \"../x\""},
		{[]string{"--demo", "-o", "json", "--filter", "change:new"}, "--filter looks at change: give --compare-to too"},
	} {
		stderr.Reset()
		if status := run(tc.args, &stdout, &stderr, env()); status != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", tc.args, status, stderr.String(), tc.want)
		}
	}
}

// A baseline read short (a page cut by a gateway) is no baseline to
// guess from: -o exits 1 naming the run and the rows missing, and prints
// nothing. (It once labelled 101 rows new desktops, some still failing,
// and exited 0.)
func TestOutputRefusesAnIncompleteBaseline(t *testing.T) {
	d := fake.NewDataset(3)
	task := d.Tasks[0].ID
	cur, base := d.Records[task][0], d.Records[task][1]
	_, url := startFake(t, fake.Options{Seed: 3, Quirks: fake.Quirks{ShortPage: fake.ShortPage{RecordID: base.ID, Offset: 100}}})
	var stdout, stderr bytes.Buffer
	status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", cur.ID, "-o", "json", "--compare-to", "previous"},
		&stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
	missing := len(d.Details[base.ID]) - 199
	if status != 1 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "the baseline run "+base.ID+" is incomplete: "+numfmt.Commas(missing)+" of its rows did not come") {
		t.Errorf("status %d, %d bytes printed, stderr %q", status, stdout.Len(), stderr.String())
	}
}

// A baseline whose total_count claims more rows than it lists is
// incomplete too; one that claims fewer is read whole and compared.
func TestOutputJudgesABaselineByItsRowsNotItsTotal(t *testing.T) {
	d := fake.NewDataset(3)
	task := d.Tasks[0].ID
	cur, base := d.Records[task][0], d.Records[task][1]
	n := len(d.Details[base.ID])
	output := func(quirks fake.Quirks) (int, string, string) {
		srv := fake.New(fake.Options{Seed: 3, Quirks: quirks})
		url, stop, err := fake.Start(srv, "")
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		var stdout, stderr bytes.Buffer
		status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", cur.ID, "-o", "csv", "--compare-to", "previous"},
			&stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
		return status, stdout.String(), stderr.String()
	}
	_, truth, _ := output(fake.Quirks{})
	status, out, errs := output(fake.Quirks{RunTotal: map[string]string{base.ID: fmt.Sprint(n + 40)}})
	if status != 1 || out != "" || !strings.Contains(errs, "the baseline run "+base.ID+" is incomplete: 40 of its rows did not come") {
		t.Errorf("a total 40 above the rows: status %d, %d bytes printed, stderr %q", status, len(out), errs)
	}
	status, out, errs = output(fake.Quirks{RunTotal: map[string]string{base.ID: "7"}})
	if status != 0 || out != truth {
		t.Errorf("a total of 7 over %d rows: status %d, stderr %q, the output same as an honest total's: %v", n, status, errs, out == truth)
	}
}

// A desktop listed twice in the run (FAIL and SUCCESS) gets one label,
// as failed: both rows still failing against a baseline where it failed.
func TestOutputGivesADesktopListedTwiceOneLabel(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0].ID
	cur, base := data.Records[task][0].ID, data.Records[task][1].ID
	failedBefore := map[string]bool{}
	for _, d := range data.Details[base] {
		if d.ExecStatus == "FAIL" {
			failedBefore[d.DesktopID] = true
		}
	}
	var twice string
	for i, d := range data.Details[cur] {
		if d.ExecStatus == "SUCCESS" && failedBefore[d.DesktopID] {
			dup := d
			dup.ID, dup.ExecStatus, dup.ResultCode = d.ID+"-again", "FAIL", "WKS.00010131"
			rows := append(append([]api.Detail{}, data.Details[cur][:i+1]...), dup)
			data.Details[cur] = append(rows, data.Details[cur][i+1:]...)
			twice = d.DesktopID
			break
		}
	}
	if twice == "" {
		t.Fatal("no desktop to list twice")
	}
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	var stdout, stderr bytes.Buffer
	status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", cur, "-o", "json", "--compare-to", "previous"},
		&stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
	var rows []struct {
		DesktopID string `json:"desktop_id"`
		Change    string `json:"change"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rows); status != 0 || err != nil {
		t.Fatalf("status %d, %v: %s", status, err, stderr.String())
	}
	var labels []string
	for _, r := range rows {
		if r.DesktopID == twice {
			labels = append(labels, r.Change)
		}
	}
	if len(labels) != 2 || labels[0] != "STILL_FAILING" || labels[1] != "STILL_FAILING" {
		t.Errorf("the desktop listed twice: %v", labels)
	}
}
