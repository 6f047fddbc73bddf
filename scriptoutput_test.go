package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/internal/fake"
)

// -o --script-output adds what the script printed to each failed row of a
// script task's run: one listing of the script task's records, then one
// request a failed desktop. A run of another task kind is refused (exit
// 2); an output that cannot be read leaves its field empty and exits 1
// after printing.
func TestScriptOutputForScripts(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 7})
	base := []string{"--endpoint", url, "--project-id", "p", "--task", "Patch", "--record-id", "latest-finished", "-o", "json", "--script-output", "--no-cache"}
	getenv := env("WKSREC_AUTH_TOKEN", "t", "HOME", t.TempDir())
	var stdout, stderr bytes.Buffer
	if status := run(base, &stdout, &stderr, getenv); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, r := range rows {
		out, has := r["script_output"].(string)
		switch {
		case !has:
			t.Fatalf("a row without script_output: %v", r)
		case r["exec_status"] == "FAIL":
			failed++
			if !strings.Contains(out, "starting on "+r["desktop_name"].(string)) || !strings.Contains(out, "exit code 1603") {
				t.Fatalf("a failed row's output: %q", out)
			}
		case out != "":
			t.Fatalf("a %s row has output: %q", r["exec_status"], out)
		}
	}
	details := 0
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/script-execution-records/") {
			details++
		}
	}
	if failed == 0 || details != failed {
		t.Fatalf("%d failed rows, %d script record requests", failed, details)
	}

	stderr.Reset()
	if status := run([]string{"--endpoint", url, "--project-id", "p", "--task", "Nightly", "--record-id", "latest", "-o", "csv", "--script-output"}, &stdout, &stderr, getenv); status != 2 ||
		!strings.Contains(stderr.String(), "is not a script task's run") {
		t.Fatalf("a reboot's run: status %d: %s", status, stderr.String())
	}

	srv.SetFaults(fake.Fault{PathContains: "/script-execution-records/", Offset: -1, Status: 500, Code: "WKS.00019999", Times: 1})
	stdout.Reset()
	stderr.Reset()
	status := run(base, &stdout, &stderr, getenv)
	if status != 1 || !strings.Contains(stderr.String(), "the script output of 1 failed desktop could not be read") {
		t.Fatalf("one output unreadable: status %d: %s", status, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("the rows were not printed whole: %v", err)
	}
}
