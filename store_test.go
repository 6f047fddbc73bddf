package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wksrec/wksrec/internal/fake"
)

// startFake serves a fake Workspace API on loopback for the test.
func startFake(t *testing.T, opts fake.Options) (*fake.Server, string) {
	t.Helper()
	srv := fake.New(opts)
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return srv, url
}

// A finished run is fetched once: -o of it again, or a comparison with
// it, costs no detail request and prints the same; a run in progress is
// always fetched; --no-cache neither reads nor writes the store.
func TestFinishedRunsAreFetchedOnce(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0].ID
	running, finished := data.Records[task][0].ID, data.Records[task][1].ID
	home := t.TempDir()
	detailsOf := func(run string) int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/records/"+run) {
				n++
			}
		}
		return n
	}
	output := func(extra ...string) (string, int, int) {
		t.Helper()
		beforeRunning, beforeFinished := detailsOf(running), detailsOf(finished)
		var stdout, stderr bytes.Buffer
		args := append([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "-o", "csv"}, extra...)
		if status := run(args, &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t", "HOME", home)); status != 0 {
			t.Fatalf("%v: status %d: %s", extra, status, stderr.String())
		}
		return stdout.String(), detailsOf(running) - beforeRunning, detailsOf(finished) - beforeFinished
	}
	pages := (len(data.Details[finished]) + 99) / 100

	cold, _, asked := output("--record-id", finished)
	if asked < pages {
		t.Fatalf("cold: %d detail requests for %d pages", asked, pages)
	}
	warm, _, asked := output("--record-id", finished)
	if asked != 0 || warm != cold {
		t.Errorf("warm: %d detail requests, the same output: %v", asked, warm == cold)
	}
	// The run in progress compared with the finished one: the baseline
	// from the store, the run itself from the API, every time.
	for range 2 {
		_, askedRunning, askedFinished := output("--record-id", running, "--compare-to", "previous")
		if askedFinished != 0 || askedRunning < pages {
			t.Errorf("compared: %d requests of the baseline (stored), %d of the run in progress", askedFinished, askedRunning)
		}
	}
	stored, _ := filepath.Glob(filepath.Join(home, ".cache", "wksrec", "runs", "*", "*.run"))
	if len(stored) != 1 {
		t.Fatalf("%d runs stored; want the finished one", len(stored))
	}
	// A stored copy garbled is not trusted: said in one line, read from
	// the API, stored again.
	raw, _ := os.ReadFile(stored[0])
	raw[len(raw)/2] ^= 0x20
	if err := os.WriteFile(stored[0], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	before := detailsOf(finished)
	args := []string{"--endpoint", url, "--project-id", "p", "--task-id", task, "-o", "csv", "--record-id", finished}
	if status := run(args, &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t", "HOME", home)); status != 0 || stdout.String() != cold ||
		strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "the stored copy of this run is damaged") || detailsOf(finished) == before {
		t.Errorf("a garbled copy: status %d, the same output %v, stderr %q, %d detail requests", status, stdout.String() == cold, stderr.String(), detailsOf(finished)-before)
	}
	if _, _, asked := output("--record-id", finished); asked != 0 {
		t.Errorf("not stored again: %d detail requests", asked)
	}

	home = t.TempDir()
	if _, _, asked := output("--record-id", finished, "--no-cache"); asked < pages {
		t.Errorf("--no-cache: %d detail requests", asked)
	}
	if _, err := os.Stat(filepath.Join(home, ".cache")); !os.IsNotExist(err) {
		t.Errorf("--no-cache made the store: %v", err)
	}
}

// A history reaches past what the API lists: a run the API no longer
// lists but the store holds is still in --history, as it was.
func TestHistoryReachesPastTheAPI(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0].ID
	args := []string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", data.Records[task][1].ID, "-o", "json", "--history", "90"}
	home := t.TempDir()
	out := func() string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if status := run(args, &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t", "HOME", home)); status != 0 {
			t.Fatalf("status %d: %s", status, stderr.String())
		}
		return stdout.String()
	}
	withAll := out()
	records := data.Records[task]
	data.Records[task] = records[:len(records)-1] // the API forgets the oldest run
	if got := out(); got != withAll {
		t.Error("the history lost the run the API no longer lists")
	}
	home = t.TempDir() // no store: the oldest run is gone from the history
	if got := out(); got == withAll {
		t.Error("without the store the history still has the run the API forgot: the test shows nothing")
	}
}

// Several wksrec processes at once (panes of one tmux) share the store:
// each prints the run whole, whichever stored it, and the store holds one
// sound copy.
func TestSeveralProcessesShareTheStore(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0].ID
	run := data.Records[task][1].ID
	home := t.TempDir()
	bin := buildBinary(t)
	const n = 4
	outs := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", run, "-o", "csv")
			cmd.Env = []string{"HOME=" + home, "WKSREC_AUTH_TOKEN=t"}
			outs[i], errs[i] = cmd.Output()
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !bytes.Equal(outs[i], outs[0]) || bytes.Count(outs[i], []byte("\n")) < len(data.Details[run]) {
			t.Errorf("process %d: %v, %d bytes, the same as the first: %v", i, errs[i], len(outs[i]), bytes.Equal(outs[i], outs[0]))
		}
	}
	files, _ := filepath.Glob(filepath.Join(home, ".cache", "wksrec", "runs", "*", "*"))
	if len(files) != 1 || !strings.HasSuffix(files[0], ".run") {
		t.Errorf("in the store: %v", files)
	}
	before := len(srv.Requests())
	cmd := exec.Command(bin, "--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", run, "-o", "csv")
	cmd.Env = []string{"HOME=" + home, "WKSREC_AUTH_TOKEN=t"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil || !bytes.Equal(out, outs[0]) || stderr.Len() != 0 || len(srv.Requests()) != before {
		t.Errorf("read back: %v, the same %v, stderr %q, %d requests", err, bytes.Equal(out, outs[0]), stderr.String(), len(srv.Requests())-before)
	}
}

// --record-id latest is the task's newest run, latest-finished its newest
// not RUNNING or WAITING: for scripts that cannot know tonight's id.
func TestRecordIDLatest(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0].ID
	recs := data.Records[task] // the newest first; the newest is RUNNING
	out := func(record string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := []string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", record, "-o", "csv", "--no-cache"}
		if status := run(args, &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t")); status != 0 {
			t.Fatalf("--record-id %s: status %d: %s", record, status, stderr.String())
		}
		return stdout.String()
	}
	if recs[0].Status != "RUNNING" || recs[1].Status == "RUNNING" {
		t.Fatalf("the data changed: %s, %s", recs[0].Status, recs[1].Status)
	}
	if out("latest") != out(recs[0].ID) || out("latest-finished") != out(recs[1].ID) {
		t.Error("latest or latest-finished printed another run")
	}
	var stderr bytes.Buffer
	status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", "nope", "--record-id", "latest", "-o", "csv"}, io.Discard, &stderr,
		env("WKSREC_AUTH_TOKEN", "t"))
	if status != 1 || !strings.Contains(stderr.String(), "finding the run latest") {
		t.Errorf("an unknown task: status %d, stderr %q", status, stderr.String())
	}
}

// --task NAME finds the task by its name: exact, else a unique prefix in
// any case; none or several exits 2 naming the candidates.
func TestTaskByName(t *testing.T) {
	srv, url := startFake(t, fake.Options{Seed: 3})
	data := srv.Data()
	task := data.Tasks[0]
	run1 := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		status := run(append([]string{"--endpoint", url, "--project-id", "p", "-o", "csv", "--no-cache"}, args...), &stdout, &stderr,
			env("WKSREC_AUTH_TOKEN", "t"))
		return status, stdout.String(), stderr.String()
	}
	_, byID, _ := run1("--task-id", task.ID, "--record-id", "latest-finished")
	for _, name := range []string{task.TaskName, strings.ToUpper(task.TaskName[:9])} {
		status, out, errOut := run1("--task", name, "--record-id", "latest-finished")
		if status != 0 || out != byID {
			t.Errorf("--task %q: status %d, the same output %v, stderr %q", name, status, out == byID, errOut)
		}
	}
	for name, want := range map[string]string{"zzz": "no task of that name", "": ""} {
		if name == "" {
			continue
		}
		if status, _, errOut := run1("--task", name); status != 2 || !strings.Contains(errOut, want) {
			t.Errorf("--task %q: status %d, stderr %q", name, status, errOut)
		}
	}
	if status, _, errOut := run1("--task", "x", "--task-id", task.ID); status != 2 || !strings.Contains(errOut, "give one") {
		t.Errorf("--task and --task-id: status %d, stderr %q", status, errOut)
	}
}

// The README's cron recipe, as written, against the demo: exit 3 with the
// new failures of last night's run, each labelled NEW_FAILURE.
func TestCronRecipe(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "wksrec --demo --task \"Nightly reboot\" --record-id latest-finished -o csv \\\n")
	if !ok {
		t.Fatal("the README lost its cron recipe")
	}
	line, _, _ := strings.Cut(after, " > new-failures.csv")
	args := append([]string{"--demo", "--task", "Nightly reboot", "--record-id", "latest-finished", "-o", "csv"}, strings.Fields(line)...)
	var stdout, stderr bytes.Buffer
	status := run(args, &stdout, &stderr, env())
	rows := strings.Count(stdout.String(), "\n") - 1
	if status != 3 || rows <= 0 || strings.Count(stdout.String(), "NEW_FAILURE") != rows {
		t.Errorf("%v: status %d, %d rows, stderr %q", args, status, rows, stderr.String())
	}
}
