package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/alert"
	"github.com/wksrec/wksrec/internal/cli"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/testclock"
)

// runAt is run with the command's clock clk.
func runAt(clk *testclock.Clock, args []string, stdout, stderr *bytes.Buffer, getenv func(string) string) int {
	retry := api.DefaultRetry
	retry.Base = time.Millisecond
	return runIn(cli.Env{Stdout: stdout, Stderr: stderr, Getenv: getenv, Version: versionString(), Retry: retry, Now: clk.Now, Sleep: clk.Sleep}, args)
}

// --task NAME --record-id latest --wait finds tonight's run still going,
// says so on stderr at each look, and prints it once finished: every row,
// none RUNNING. A run going past --wait-timeout exits 1 saying so.
func TestWaitForTheNewestRun(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	srv, url := startFake(t, fake.Options{Seed: 3, DatedFrom: clk.Now(), Now: clk.Now})
	var live api.Record
	for _, recs := range srv.Data().Records {
		if srv.Data().Live[recs[0].ID] != nil {
			live = recs[0]
		}
	}
	all := srv.Data().Details[live.ID]
	base := []string{"--endpoint", url, "--project-id", "p", "--task", "rolling", "--record-id", "latest", "-o", "json", "--no-cache"}
	getenv := env("WKSREC_AUTH_TOKEN", "t", "HOME", t.TempDir())

	var stdout, stderr bytes.Buffer
	if status := runAt(clk, append(base, "--wait-timeout", "20s", "--wait"), &stdout, &stderr, getenv); status != 1 {
		t.Fatalf("a run going past --wait-timeout: status %d, stderr %s", status, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := lines[len(lines)-1]; stdout.Len() > 0 || !strings.Contains(last, "still RUNNING after 20s (--wait-timeout)") {
		t.Fatalf("timed out: stdout %q, last line %q", stdout.String(), last)
	}

	stdout.Reset()
	stderr.Reset()
	if status := runAt(clk, append(base, "--wait"), &stdout, &stderr, getenv); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	if !strings.Contains(stderr.String(), "wksrec: waiting for run "+live.ID+": RUNNING, ") {
		t.Fatalf("no progress on stderr: %q", stderr.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(all) {
		t.Fatalf("%d rows after waiting, want the run's %d", len(rows), len(all))
	}
	for _, r := range rows {
		if r["exec_status"] == "RUNNING" {
			t.Fatalf("a row RUNNING after waiting: %v", r)
		}
	}

	// Finished now: no wait, nothing on stderr.
	stdout.Reset()
	stderr.Reset()
	if status := runAt(clk, append(base, "--wait"), &stdout, &stderr, getenv); status != 0 || stderr.Len() > 0 {
		t.Fatalf("a finished run: status %d, stderr %q", status, stderr.String())
	}
}

// stopAfter is c's Sleep that ends the command after n sleeps, as
// ctrl+c would.
func stopAfter(c *testclock.Clock, n int) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if n--; n < 0 {
			return context.Canceled
		}
		return c.Sleep(ctx, d)
	}
}

// -o json --watch prints a JSON line for each change of the run in
// progress (new failures as they come, its end once) and ends cleanly
// when interrupted; together the lines name every failure that came
// after the first look.
func TestOutputWatchPrintsAJSONLineEachChange(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	srv, url := startFake(t, fake.Options{Seed: 3, DatedFrom: clk.Now(), Now: clk.Now})
	var stdout, stderr bytes.Buffer
	retry := api.DefaultRetry
	retry.Base = time.Millisecond
	e := cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: env("WKSREC_AUTH_TOKEN", "t", "HOME", t.TempDir()), Version: "test", Retry: retry,
		Now: clk.Now, Sleep: stopAfter(clk, 30)}
	status := runIn(e, []string{"--endpoint", url, "--project-id", "p", "--task", "Rolling", "--record-id", "latest", "-o", "json", "--watch", "15s"})
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	var events []alert.Event
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var ev alert.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		events = append(events, ev)
	}
	if len(events) < 3 {
		t.Fatalf("%d lines for a run filling in over four minutes:\n%s", len(events), stdout.String())
	}
	last := events[len(events)-1]
	named := 0
	for i, ev := range events {
		if (ev.Kind == alert.Finished) != (i == len(events)-1) {
			t.Fatalf("line %d is %q: the run ends once, last", i, ev.Kind)
		}
		named += ev.NewFailureCount
		if ev.Task.Name != "Rolling hotfix – ops desktops" {
			t.Fatalf("task %+v", ev.Task)
		}
	}
	var live api.Record
	for _, recs := range srv.Data().Records {
		if srv.Data().Live[recs[0].ID] != nil {
			live = recs[0]
		}
	}
	if last.Run.ID != live.ID || last.Counts.Failed != live.FailedNum || last.SinceLast.FailedNow != live.FailedNum {
		t.Fatalf("the last line %+v, the run %+v", last, live)
	}
	if named != live.FailedNum-events[0].SinceLast.FailedBefore {
		t.Fatalf("the lines named %d failures; %d failed after the first look", named, live.FailedNum-events[0].SinceLast.FailedBefore)
	}
	if !strings.Contains(stderr.String(), "wksrec: watching run "+live.ID+" every 15s") {
		t.Fatalf("stderr %q", stderr.String())
	}
}

// The alerts of -o json --watch also go to --notify-cmd (the JSON on its
// stdin) and --webhook (POSTed), each the line printed; a command that
// fails says so on stderr without stopping the watch.
func TestOutputWatchAlertsGoToTheCommandAndTheWebhook(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	_, url := startFake(t, fake.Options{Seed: 3, DatedFrom: clk.Now(), Now: clk.Now})
	var mu sync.Mutex
	var posted []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posted = append(posted, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	dir := t.TempDir()
	cmd := `cat >> ` + filepath.Join(dir, "alerts") + `; echo 'pager said no' >&2; exit 3` // each alert an ended line
	var stdout, stderr bytes.Buffer
	e := cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: env("WKSREC_AUTH_TOKEN", "t", "HOME", dir), Version: "test",
		Now: clk.Now, Sleep: stopAfter(clk, 30)}
	status := runIn(e, []string{"--endpoint", url, "--project-id", "p", "--task", "Rolling", "--record-id", "latest", "-o", "json", "--watch", "15s",
		"--notify-cmd", cmd, "--webhook", hook.URL + "/hooks/SECRET-TOKEN"})
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	got, err := os.ReadFile(filepath.Join(dir, "alerts"))
	if err != nil {
		t.Fatal(err)
	}
	ran := strings.Split(strings.TrimSpace(string(got)), "\n")
	slices.Sort(ran)
	slices.Sort(posted)
	slices.Sort(lines)
	if !slices.Equal(ran, lines) || !slices.Equal(posted, lines) {
		t.Fatalf("printed %d alerts; the command got %d, the webhook %d", len(lines), len(ran), len(posted))
	}
	if n := strings.Count(stderr.String(), "wksrec: alert: notify-cmd exited with status 3: pager said no\n"); n != len(lines) {
		t.Fatalf("%d failures said for %d alerts: %s", n, len(lines), stderr.String())
	}
	if strings.Contains(stderr.String(), "SECRET") {
		t.Fatal("the webhook's token on stderr")
	}
}
