package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/internal/fake"
)

// -o without --record-id prints the project's tasks (scheduled and
// trigger tasks), or with --task-id the task's runs, every one, kept by
// --status and --filter; --exit-code says whether any was printed.
func TestOutputOfTheLists(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 6})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	d := srv.Data()
	base := []string{"--endpoint", url, "--project-id", "p", "--page-size", "3"} // several pages
	runJSON := func(args ...string) (int, []map[string]any, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		status := run(append(append([]string{}, base...), args...), &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t"))
		var rows []map[string]any
		if strings.HasPrefix(stdout.String(), "[") {
			if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, stdout.String())
			}
		}
		return status, rows, stderr.String() + stdout.String()
	}
	status, tasks, out := runJSON("-o", "json")
	if status != 0 || len(tasks) != len(d.Tasks) {
		t.Fatalf("tasks: status %d, %d of %d: %s", status, len(tasks), len(d.Tasks), out)
	}
	triggers := 0
	for _, task := range tasks {
		if task["scheduled_type"] == "LIFE_CYCLE" {
			triggers++
		}
	}
	if triggers == 0 || triggers == len(tasks) {
		t.Errorf("%d trigger tasks of %d printed: want both kinds", triggers, len(tasks))
	}
	failing := 0
	for _, task := range d.Tasks {
		if task.LastStatus == "FAIL" {
			failing++
		}
	}
	if status, rows, out := runJSON("-o", "json", "--status", "FAIL"); status != 0 || len(rows) != failing {
		t.Errorf("--status FAIL: status %d, %d tasks, want %d: %s", status, len(rows), failing, out)
	}
	task := d.Tasks[1]
	status, runs, out := runJSON("-o", "json", "--task-id", task.ID)
	if status != 0 || len(runs) != len(d.Records[task.ID]) || runs[0]["id"] != d.Records[task.ID][0].ID {
		t.Fatalf("runs: status %d, %d of %d: %s", status, len(runs), len(d.Records[task.ID]), out)
	}
	start := d.Records[task.ID][1].StartTime
	if status, rows, _ := runJSON("-o", "json", "--task-id", task.ID, "--filter", `name:"`+start+`"`); status != 0 || len(rows) != 1 || rows[0]["start_time"] != start {
		t.Errorf("--filter on a run's start: status %d, %v", status, rows)
	}
	var stdout, stderr bytes.Buffer
	if status := run(append(append([]string{}, base...), "-o", "csv", "--task-id", task.ID), &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t")); status != 0 ||
		!strings.HasPrefix(stdout.String(), "id,start_time,task_type,") || strings.Count(stdout.String(), "\n") != len(runs)+1 {
		t.Errorf("runs as CSV: status %d\n%s", status, stdout.String())
	}
	// --exit-code: 3 when rows were printed, 0 when none were.
	if status, _, out := runJSON("-o", "json", "--task-id", task.ID, "--exit-code"); status != 3 {
		t.Errorf("--exit-code with rows: status %d: %s", status, out)
	}
	if status, rows, out := runJSON("-o", "json", "--task-id", task.ID, "--status", "WAITING", "--exit-code"); status != 0 || len(rows) != 0 {
		t.Errorf("--exit-code without rows: status %d: %s", status, out)
	}
	if status, _, out := runJSON("--exit-code"); status != 2 || !strings.Contains(out, "--exit-code goes with -o") {
		t.Errorf("--exit-code without -o: status %d: %s", status, out)
	}
	if status, _, out := runJSON("-o", "json", "--task-id", task.ID, "--compare-to", "previous"); status != 2 || !strings.Contains(out, "give --task-id and --record-id") {
		t.Errorf("--compare-to without a run: status %d: %s", status, out)
	}
}

// --exit-code on a run's details: cron's "any new failures tonight".
func TestExitCodeOnDetails(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--demo", "-o", "json", "--compare-to", "previous", "--change", "NEW_FAILURE", "--exit-code"}, &stdout, &stderr, env()); status != 3 {
		t.Errorf("new failures: status %d, %s", status, stderr.String())
	}
	stdout.Reset()
	if status := run([]string{"--demo", "-o", "json", "--filter", "name:no-such-desktop", "--exit-code"}, &stdout, &stderr, env()); status != 0 || strings.TrimSpace(stdout.String()) != "[]" {
		t.Errorf("nothing printed: status %d, %q", status, stdout.String())
	}
}
