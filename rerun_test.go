package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// --action rerun creates a one-off task running the task again on exactly
// the desktops that match, confirmed by their count and in the audit log
// like a power action; --dry-run and --read-only create nothing.
func TestRerunForScripts(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 7})
	home := t.TempDir()
	getenv := env("WKSREC_AUTH_TOKEN", "t", "HOME", home)
	base := []string{"--endpoint", url, "--project-id", "p", "--task", "Patch", "--record-id", "latest-finished", "--status", "FAIL", "--action", "rerun"}
	tasks := func() int { return len(srv.Data().Tasks) }
	before := tasks()

	var stdout, stderr bytes.Buffer
	if status := run(append(base, "--dry-run"), &stdout, &stderr, getenv); status != 0 ||
		!strings.Contains(stdout.String(), `would create the one-off task "Patch Tuesday: install updates (re-run of `) || tasks() != before {
		t.Fatalf("--dry-run: status %d, %d tasks made: %s%s", status, tasks()-before, stdout.String(), stderr.String())
	}
	stderr.Reset()
	if status := run(append(base, "--read-only", "--confirm", "8"), &stdout, &stderr, getenv); status != 2 || tasks() != before {
		t.Fatalf("--read-only: status %d: %s", status, stderr.String())
	}

	var task api.Task
	for _, tk := range srv.Data().Tasks {
		if strings.HasPrefix(tk.TaskName, "Patch") {
			task = tk
		}
	}
	var failed []string
	for _, d := range srv.Data().Details[srv.Data().Records[task.ID][0].ID] {
		if d.ExecStatus == "FAIL" {
			failed = append(failed, d.DesktopID)
		}
	}
	stdout.Reset()
	stderr.Reset()
	if status := run(append(base, "--confirm", "999"), &stdout, &stderr, getenv); status != 2 || tasks() != before {
		t.Fatalf("a wrong count: status %d: %s", status, stderr.String())
	}
	if status := run(append(base, "--confirm", strconv.Itoa(len(failed))), &stdout, &stderr, getenv); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	var line struct {
		Sent   bool   `json:"sent"`
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &line); err != nil || !line.Sent || line.TaskID == "" || tasks() != before+1 {
		t.Fatalf("the report %q (%v), %d tasks made", stdout.String(), err, tasks()-before)
	}
	auth, _ := api.NewTokenAuth("t")
	client, _ := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
	made, err := client.GetTask(context.Background(), line.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range made.ApplyObjects {
		ids = append(ids, o.ObjectID)
	}
	if strings.Join(ids, ",") != strings.Join(failed, ",") || made.ScheduledType != "FIXED_TIME" || made.TaskType != task.TaskType ||
		made.ExtraParams != task.ExtraParams || made.TimeZone != task.TimeZone {
		t.Fatalf("the task made: %+v; want the %d failed desktops", made, len(failed))
	}
	b, err := os.ReadFile(filepath.Join(home, ".local", "state", "wksrec", "actions.log"))
	if err != nil {
		t.Fatal(err)
	}
	if logged := string(b); !strings.Contains(logged, `"action":"rerun"`) || !strings.Contains(logged, `"task_id":"`+line.TaskID+`"`) {
		t.Fatalf("the audit log:\n%s", b)
	}
}
