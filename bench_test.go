package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/session"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/ui"
)

// From nothing to the first frame with data: start the embedded demo API,
// build the client and the model, fetch the first page, size the window
// and draw. (The terminal's own setup is not in it.)
func BenchmarkDemoFirstFrame(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sess, err := session.Connect(config.Config{Demo: true, PageSize: 100, Concurrency: 4}, session.Env{Getenv: env(), Warn: io.Discard})
		client, project, stop := sess.Client, sess.ProjectID, sess.Stop
		if err != nil {
			b.Fatal(err)
		}
		var m tea.Model = ui.New(ui.Config{Source: client, ProjectID: project, PageSize: 100})
		queue := []tea.Msg{tea.WindowSizeMsg{Width: 80, Height: 24}}
		queue = append(queue, run1(m.Init())...)
		for len(queue) > 0 {
			var cmd tea.Cmd
			m, cmd = m.Update(queue[0])
			queue = append(queue[1:], run1(cmd)...)
		}
		if view := m.View(); !strings.Contains(view, "8 tasks") {
			b.Fatalf("first frame:\n%s", view)
		}
		stop()
	}
}

// run1 runs cmd and returns its messages, flattening batches and leaving
// out spinner ticks (their next tick would wait for the animation).
func run1(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run1(c)...)
		}
		return out
	case spinner.TickMsg, nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

// The memory the browser holds with the 100,000 details of a run loaded:
// the real binary on a pseudo-terminal against the fake API (in this
// process), f pressed so that every page loads, then the resident set
// read from /proc: now (VmRSS) and at its peak (VmHWM).
func BenchmarkTUIRSS100k(b *testing.B) {
	srv := fake.New(fake.Options{Seed: session.DemoSeed, BigRecord: 100_000})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	task := srv.Data().Tasks[0].ID
	rec := srv.Data().Records[task][0].ID
	if n := len(srv.Data().Details[rec]); n != 100_000 {
		b.Fatalf("the run has %d details", n)
	}
	token := filepath.Join(b.TempDir(), "token")
	if err := os.WriteFile(token, []byte("demo-token"), 0o600); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		term, _ := startTerminal(b, nil, true, "--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", rec,
			"--token-file", token, "--theme", "dark", "--concurrency", "16")
		term.waitFor(b, "loaded", 30*time.Second)
		if _, err := term.ptmx.Write([]byte("f")); err != nil {
			b.Fatal(err)
		}
		term.waitFor(b, "100,000 loaded", 2*time.Minute)
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", term.cmd.Process.Pid))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(procKiB(b, status, "VmRSS")/1024, "RSS-MB")
		b.ReportMetric(procKiB(b, status, "VmHWM")/1024, "peak-RSS-MB")
		term.stop()
	}
}

// procKiB reads a "Name:   123 kB" line of /proc/PID/status.
func procKiB(b *testing.B, status []byte, name string) float64 {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb
		}
	}
	b.Fatalf("no %s in /proc status", name)
	return 0
}

// -o json of a whole run, from the first request to the last byte, at
// 10,000 and 100,000 rows: seconds per 10,000 rows should not grow with
// the run (streamed, nothing quadratic).
func BenchmarkOutputJSON(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			srv := fake.New(fake.Options{Seed: session.DemoSeed, BigRecord: n})
			url, stop, err := fake.Start(srv, "")
			if err != nil {
				b.Fatal(err)
			}
			defer stop()
			task := srv.Data().Tasks[0].ID
			rec := srv.Data().Records[task][0].ID
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var out countingWriter
				status := run([]string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", rec, "-o", "json", "--concurrency", "4"},
					&out, io.Discard, env("WKSREC_AUTH_TOKEN", "t"))
				if status != 0 || out.lines < n {
					b.Fatalf("status %d, %d lines", status, out.lines)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(n)*10_000, "s/10k-rows")
		})
	}
}

// countingWriter counts the lines written to it and keeps nothing.
type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += strings.Count(string(p), "\n")
	return len(p), nil
}

// Reopening a finished run of 100,000 rows kept in the store: from the
// model's start to the first frame with every row (the store's file read,
// checked, inflated and packed, the list preloaded, the frame drawn),
// with no detail request. The target is under 300 ms.
func BenchmarkReopenStoredRun100k(b *testing.B) {
	const n = 100_000
	srv := fake.New(fake.Options{Seed: 7, BigRecord: n})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	data := srv.Data()
	task := data.Tasks[0].ID
	rec := data.Records[task][0]
	run := store.Run{Record: rec, Details: append([]api.Detail(nil), data.Details[rec.ID]...)}
	run.Record.Status, run.Record.SuccessNum, run.Record.FailedNum, run.Record.SkipNum = "FAIL", 0, 0, 0
	for i := range run.Details { // the run as it ended: none still running
		switch d := &run.Details[i]; d.ExecStatus {
		case "FAIL":
			run.Record.FailedNum++
		case "SKIP":
			run.Record.SkipNum++
		default:
			d.ExecStatus = "SUCCESS"
			run.Record.SuccessNum++
		}
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "wksrec"), 0)
	if err != nil {
		b.Fatal(err)
	}
	sc := st.For("bench", "p")
	if err := sc.Save(task, run); err != nil {
		b.Fatal(err)
	}
	auth, _ := api.NewTokenAuth("t")
	client, err := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
	if err != nil {
		b.Fatal(err)
	}
	asked := func() int {
		k := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/records/"+rec.ID) {
				k++
			}
		}
		return k
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// DesktopRest: the desktop-state request waits for the cursor to rest
		// (a real timer, which this loop would sleep through): not at once.
		var m tea.Model = ui.New(ui.Config{Source: client, ProjectID: "p", TaskID: task, RecordID: rec.ID, PageSize: 100, Store: sc,
			DesktopRest: time.Nanosecond})
		queue := append([]tea.Msg{tea.WindowSizeMsg{Width: 120, Height: 40}}, run1(m.Init())...)
		for len(queue) > 0 {
			var cmd tea.Cmd
			m, cmd = m.Update(queue[0])
			queue = append(queue[1:], run1(cmd)...)
		}
		if view := m.View(); !strings.Contains(view, "100,000 details · 100,000 loaded from the store") {
			b.Fatalf("first frame:\n%s", view)
		}
	}
	b.StopTimer()
	if k := asked(); k != 0 {
		b.Fatalf("%d detail requests: %v", k, srv.Requests())
	}
}

// -o of a finished run of 2,537 desktops compared with the run before
// (--compare-to previous), and with a history of 30 runs (--history 30:
// the task's 6 runs), at a gateway allowing 10 requests a second (30 ms a
// page), cold (an empty store) and warm (the store filled by the cold
// run): requests (detail requests among them) and seconds. Warm costs
// no detail request: only the runs list, to find the runs.
func BenchmarkOutputFromStore(b *testing.B) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"compare-to=previous", []string{"--compare-to", "previous"}},
		{"history=30", []string{"--history", "30"}},
	} {
		for _, warm := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/warm=%v", tc.name, warm), func(b *testing.B) {
				var secs float64
				var calls, details int
				for i := 0; i < b.N; i++ {
					srv := fake.New(fake.Options{Seed: 3, Latency: 30 * time.Millisecond, RateLimit: 10})
					url, stop, err := fake.Start(srv, "")
					if err != nil {
						b.Fatal(err)
					}
					task := srv.Data().Tasks[0].ID
					args := append([]string{"--endpoint", url, "--project-id", "p", "--task-id", task,
						"--record-id", srv.Data().Records[task][1].ID, "-o", "csv"}, tc.args...)
					home := b.TempDir()
					environ := env("WKSREC_AUTH_TOKEN", "t", "HOME", home)
					if warm && run(args, io.Discard, io.Discard, environ) != 0 {
						b.Fatal("the cold run failed")
					}
					before := len(srv.Requests())
					served, refused := srv.Calls()
					start := time.Now()
					if status := run(args, io.Discard, io.Discard, environ); status != 0 {
						b.Fatalf("status %d", status)
					}
					secs += time.Since(start).Seconds()
					s, r := srv.Calls()
					calls += s - served + r - refused
					for _, req := range srv.Requests()[before:] {
						if strings.Contains(req.Path, "/records/") {
							details++
						}
					}
					stop()
				}
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(secs/float64(b.N), "s")
				b.ReportMetric(float64(calls)/float64(b.N), "requests")
				b.ReportMetric(float64(details)/float64(b.N), "detail-requests")
				if warm && details > 0 {
					b.Errorf("warm: %d detail requests", details/b.N)
				}
			})
		}
	}
}
