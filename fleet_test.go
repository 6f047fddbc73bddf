package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/internal/fake"
)

// --fleet -o prints every member's tasks' newest runs, the worst first,
// each with its member's name, region and project; a member that cannot
// be read is a row with its error, holds up no other, and makes the exit
// 1; --status FAIL --exit-code exits 3 when a member's newest run failed.
func TestFleetForScripts(t *testing.T) {
	_, a := startFake(t, fake.Options{Seed: 3})
	_, b := startFake(t, fake.Options{Seed: 7})
	_, denied := startFake(t, fake.Options{Seed: 5, Faults: []fake.Fault{{Status: 403, Code: "WKS.00000403", Message: "Forbidden", Offset: -1}}})
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	write := func(members ...[2]string) {
		var s strings.Builder
		for _, m := range members {
			fmt.Fprintf(&s, "[[fleet]]\nname = %q\nendpoint = %q\nproject_id = \"p-%s\"\n\n", m[0], m[1], m[0])
		}
		if err := os.WriteFile(cfg, []byte(s.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	getenv := env("WKSREC_AUTH_TOKEN", "t", "HOME", dir, "WKSREC_CONFIG", cfg)
	write([2]string{"rd", a}, [2]string{"finance", b}, [2]string{"lab", denied})

	var stdout, stderr bytes.Buffer
	status := run([]string{"--fleet", "-o", "json"}, &stdout, &stderr, getenv)
	if status != 1 || !strings.Contains(stderr.String(), "1 member could not be read") {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 23 || rows[0]["member"] != "lab" || !strings.Contains(rows[0]["error"].(string), "WKS.00000403") {
		t.Fatalf("%d rows, the first %v", len(rows), rows[0])
	}
	members := map[string]int{}
	lastShare := 2.0
	for _, r := range rows[1:] {
		members[r["member"].(string)]++
		if r["project_id"] != "p-"+r["member"].(string) || r["task_id"] == "" {
			t.Fatalf("a row %v", r)
		}
		if r["status"] == "FAIL" {
			share := r["failed_share"].(float64)
			if share > lastShare {
				t.Fatalf("failed runs not worst first: %v after %v", share, lastShare)
			}
			lastShare = share
		}
	}
	if members["rd"] != 11 || members["finance"] != 11 { // nine scheduled tasks and two triggers each
		t.Fatalf("rows by member %v, want each member's eleven tasks", members)
	}

	write([2]string{"rd", a}, [2]string{"finance", b})
	stdout.Reset()
	stderr.Reset()
	if status := run([]string{"--fleet", "-o", "csv", "--status", "FAIL", "--exit-code"}, &stdout, &stderr, getenv); status != 3 {
		t.Fatalf("--status FAIL --exit-code: status %d: %s", status, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if !strings.HasPrefix(lines[0], "member,region,project_id,task_id") || len(lines) < 3 {
		t.Fatalf("csv:\n%s", stdout.String())
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",FAIL,") {
			t.Fatalf("a row not FAIL: %s", l)
		}
	}
}

// [[fleet]] errors name the file, the line and the key.
func TestFleetConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	for _, tc := range []struct{ body, want string }{
		{"[[fleet]]\nname = \"a b\"\nregion = \"cn-north-4\"\nproject_id = \"p\"\n", ":2: [[fleet]] name \"a b\": use up to 40"},
		{"[[fleet]]\nname = \"a\"\nregion = \"cn-north-4\"\nproject_id = \"p\"\n\n[[fleet]]\nname = \"A\"\nregion = \"cn-north-4\"\nproject_id = \"q\"\n", ":7: [[fleet]] name \"A\": member 1 has that name already"},
		{"[[fleet]]\nname = \"a\"\nregion = \"cn-north-4\"\n", ":1: [[fleet]] project_id: member \"a\" has no project_id"},
		{"[[fleet]]\nname = \"a\"\nprofile = \"nope\"\n", ":3: [[fleet]] profile \"nope\""},
		{"[[fleet]]\nname = \"a\"\nregion = \"north 4\"\nproject_id = \"p\"\n", ":3: [[fleet]] region \"north 4\" is not a region name"},
		{"[[fleet]]\nname = \"a\"\nsk = \"x\"\n", ":3: unknown key \"fleet.sk\""},
	} {
		if err := os.WriteFile(cfg, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		status := run([]string{"--fleet", "-o", "json"}, &stdout, &stderr, env("HOME", dir, "WKSREC_CONFIG", cfg))
		if status != 2 || !strings.Contains(stderr.String(), cfg+tc.want) {
			t.Errorf("%q: status %d: %s", tc.body, status, stderr.String())
		}
	}
}

// --demo --fleet, with no [[fleet]] in the config file, is a fleet of
// three demo projects, each with data of its own.
func TestDemoFleet(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--demo", "--fleet", "-o", "json"}, &stdout, &stderr, env("HOME", t.TempDir())); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	failedBy := map[string]float64{}
	for _, r := range rows {
		if r["task_name"] == "Rebuild training pool" {
			failedBy[r["member"].(string)] = r["failed_num"].(float64)
		}
	}
	if len(rows) != 33 || len(failedBy) != 3 || failedBy["rd-beijing"] == failedBy["finance-sh"] {
		t.Fatalf("%d rows; the rebuild's failures by member %v: want three members with data of their own", len(rows), failedBy)
	}
}
