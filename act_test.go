package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/h2hostile"
	"github.com/wksrec/wksrec/internal/numfmt"
)

// chunkLine is a line --action prints for a request, as a script reads it.
type chunkLine struct {
	Action         string                `json:"action"`
	Plan           string                `json:"plan"`
	Chunk          int                   `json:"chunk"`
	DesktopIDs     []string              `json:"desktop_ids"`
	Sent           bool                  `json:"sent"`
	JobID          string                `json:"job_id"`
	Refused        []api.FailedOperation `json:"refused"`
	Applied        string                `json:"applied"`
	Error          string                `json:"error"`
	NotSentBecause string                `json:"not_sent_because"`
}

func sigName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}[s]
}

func actionPosts(srv *fake.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/desktops/action") {
			n++
		}
	}
	return n
}

// --action sends nothing unless --confirm is the number of desktops that
// match; with it, one JSON object a chunk of 100, every chunk in the audit
// log (0600), and exit 1 when some desktop was refused.
func TestActionConfirmsThenActs(t *testing.T) {
	for _, deny := range []bool{false, true} {
		srv := fake.New(fake.Options{Seed: 2, DenyActions: deny})
		url, stop, err := fake.Start(srv, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		d := srv.Data()
		task := d.Tasks[0].ID
		rec := d.Records[task][0].ID
		failed := map[string]bool{}
		for _, x := range d.Details[rec] {
			if x.ExecStatus == "FAIL" {
				failed[x.DesktopID] = true
			}
		}
		home := t.TempDir()
		args := []string{"--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", rec, "--action", "reboot", "--status", "FAIL"}
		var stdout, stderr bytes.Buffer
		status := run(append(args, "--confirm", strconv.Itoa(len(failed)-1)), &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t", "HOME", home))
		if status != 2 || actionPosts(srv) != 0 || !strings.Contains(stderr.String(), strconv.Itoa(len(failed))+" desktops match; nothing was sent") {
			t.Fatalf("a wrong count: status %d, %d posts, stderr %q", status, actionPosts(srv), stderr.String())
		}
		stderr.Reset()
		status = run(append(args, "--confirm", strconv.Itoa(len(failed))), &stdout, &stderr, env("WKSREC_AUTH_TOKEN", "t", "HOME", home))
		var chunks []chunkLine
		sc := bufio.NewScanner(&stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c chunkLine
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatalf("%q: %v", sc.Text(), err)
			}
			chunks = append(chunks, c)
		}
		want := (len(failed) + 99) / 100
		acted := 0
		for _, c := range chunks {
			for _, id := range c.DesktopIDs {
				if !failed[id] {
					t.Errorf("acted on %s, which did not fail", id)
				}
				acted++
			}
		}
		if status != 1 || len(chunks) != want || acted != len(failed) {
			t.Fatalf("deny %v: status %d, %d chunks (want %d), %d desktops of %d: %s", deny, status, len(chunks), want, acted, len(failed), stderr.String())
		}
		if deny {
			if actionPosts(srv) != 1 || chunks[0].Error == "" || chunks[1].Sent || !strings.Contains(chunks[0].Error, "403") {
				t.Errorf("denied: %d posts, chunks %+v", actionPosts(srv), chunks[:2])
			}
		} else if actionPosts(srv) != want || chunks[0].JobID == "" || len(chunks[0].Refused) == 0 {
			t.Errorf("%d posts, first chunk %+v", actionPosts(srv), chunks[0])
		}
		log := filepath.Join(home, ".local", "state", "wksrec", "actions.log")
		st, err := os.Stat(log)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("audit log: %v", err)
		}
		b, _ := os.ReadFile(log)
		notSent := 0
		for _, c := range chunks {
			if !c.Sent {
				notSent++
			}
		}
		if lines := strings.Count(string(b), "\n"); lines != 2*actionPosts(srv)+notSent {
			t.Errorf("%d log lines for %d posts and %d requests not sent", lines, actionPosts(srv), notSent)
		}
	}
}

func TestActionRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--action", "reboot", "--read-only", "--confirm", "3"}, "--action is refused in --read-only mode"},
		{[]string{"--demo", "--action", "reboot", "-o", "json", "--confirm", "3"}, "--action does not go with -o"},
		{[]string{"--demo", "--action", "reboot"}, "--action needs --confirm N"},
		{[]string{"--demo", "--action", "explode", "--confirm", "1"}, `--action "explode": use reboot, reboot-hard, start, stop, stop-hard, hibernate`},
		{[]string{"--demo", "--confirm", "1"}, "--confirm goes with --action"},
		{[]string{"--demo", "--dry-run"}, "--dry-run goes with --action"},
		{[]string{"--demo", "--action", "reboot", "--dry-run", "--confirm", "3"}, "give one of them"},
		{[]string{"--demo", "--action", "reboot", "--confirm", "25,37"}, "neither a number of desktops"},
		{[]string{"--demo", "--action", "reboot", "--confirm", "all"}, "neither a number of desktops"},
	} {
		var stdout, stderr bytes.Buffer
		if status := run(tc.args, &stdout, &stderr, env("HOME", t.TempDir())); status != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: status %d, stderr %q", tc.args, status, stderr.String())
		}
	}
}

// --compare-to does not add the desktops only the baseline has: an action
// is on the run's own desktops.
func TestActionIsOnTheRunsDesktops(t *testing.T) {
	matched := func(args ...string) string {
		var stdout, stderr bytes.Buffer
		run(append([]string{"--demo", "--action", "reboot", "--status", "FAIL", "--confirm", "0"}, args...), &stdout, &stderr, env("HOME", t.TempDir()))
		msg := stderr.String()
		i := strings.Index(msg, "does not match: ")
		if i < 0 {
			t.Fatalf("stderr %q", msg)
		}
		return strings.Fields(msg[i+len("does not match: "):])[0]
	}
	plain, compared := matched(), matched("--compare-to", "previous")
	if plain != compared {
		t.Errorf("%s desktops match, %s with --compare-to", plain, compared)
	}
}

// actionRun runs wksrec against srv with the action flags, as a user with
// a token and a home of their own.
func actionRun(t *testing.T, url, home string, args ...string) (status int, stdout, stderr string, chunks []chunkLine) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(append([]string{"--endpoint", url, "--project-id", "p"}, args...), &out, &errOut, env("WKSREC_AUTH_TOKEN", "t", "HOME", home))
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c chunkLine
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Action != "" {
			chunks = append(chunks, c)
		}
	}
	return status, out.String(), errOut.String(), chunks
}

// --dry-run prints the plan (each desktop, the count by status, the
// digest) and sends nothing; --confirm DIGEST sends exactly that plan; a
// digest that no longer matches what would be sent exits 2 and sends
// nothing.
func TestActionDryRunThenConfirmByDigest(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 2})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	d := srv.Data()
	task := d.Tasks[0].ID
	rec := d.Records[task][0].ID
	var failed []string
	for _, x := range d.Details[rec] {
		if x.ExecStatus == "FAIL" {
			failed = append(failed, x.DesktopID)
		}
	}
	home := t.TempDir()
	which := []string{"--task-id", task, "--record-id", rec, "--action", "reboot", "--status", "FAIL"}
	status, out, errOut, _ := actionRun(t, url, home, append(which, "--dry-run")...)
	if status != 0 || actionPosts(srv) != 0 {
		t.Fatalf("dry run: status %d, %d posts, stderr %q", status, actionPosts(srv), errOut)
	}
	for _, id := range failed {
		if !strings.Contains(out, id) {
			t.Fatalf("the plan does not list %s:\n%s", id, out)
		}
	}
	m := regexp.MustCompile(`plan ([0-9a-f]{16}): send exactly this with --confirm ([0-9a-f]{16})`).FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || !strings.Contains(out, "reboot "+numfmt.Commas(len(failed))+" desktops: "+numfmt.Commas(len(failed))+" FAIL") {
		t.Fatalf("no count or digest in the plan:\n%s", out[max(len(out)-400, 0):])
	}
	digest := m[1]

	// The same desktops, another action: the digest refuses it.
	other := append(append([]string(nil), which...), "--confirm", digest)
	other[5] = "reboot-hard"
	if status, _, errOut, _ := actionRun(t, url, home, other...); status != 2 || actionPosts(srv) != 0 || !strings.Contains(errOut, "does not match the plan") {
		t.Fatalf("another action by the digest: status %d, %d posts, %q", status, actionPosts(srv), errOut)
	}
	// Other desktops (every status): refused too.
	if status, _, _, _ := actionRun(t, url, home, "--task-id", task, "--record-id", rec, "--action", "reboot", "--confirm", digest); status != 2 || actionPosts(srv) != 0 {
		t.Fatalf("other desktops by the digest: status %d, %d posts", status, actionPosts(srv))
	}
	status, _, errOut, chunks := actionRun(t, url, home, append(which, "--confirm", digest)...)
	sent := 0
	for _, c := range chunks {
		sent += len(c.DesktopIDs)
		if c.Plan != digest {
			t.Errorf("a chunk of plan %s", c.Plan)
		}
	}
	if status != 1 || sent != len(failed) || actionPosts(srv) != len(chunks) {
		t.Errorf("confirmed by digest: status %d, %d of %d desktops in %d chunks, %d posts; %s", status, sent, len(failed), len(chunks), actionPosts(srv), errOut)
	}
	// The count as the plan shows it ("2,537") is taken too.
	big := fake.New(fake.Options{Seed: 2})
	bigURL, stopBig, err := fake.Start(big, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopBig)
	all := len(big.Data().Details[rec])
	if status, _, errOut, _ := actionRun(t, bigURL, home, "--task-id", task, "--record-id", rec, "--action", "start", "--confirm", numfmt.Commas(all)); status > 1 || actionPosts(big) == 0 {
		t.Errorf("--confirm %s: status %d, %s", numfmt.Commas(all), status, errOut)
	}
}

// Over HTTP/2, a server that resets the first POST, or every POST, after
// reading its body (or sends GOAWAY) gets exactly one: the line says it may have been applied, the chunks
// after it are not sent (and say so, and are in the audit log), and the
// exit status is 1.
func TestActionOverHostileHTTP2IsSentOnce(t *testing.T) {
	for _, tc := range []struct {
		mode h2hostile.Mode
		once bool // only the first POST is mistreated: the ones after it would be served
	}{{h2hostile.ResetProtocol, true}, {h2hostile.ResetProtocol, false}, {h2hostile.ResetRefused, false}, {h2hostile.GoAway, false}, {h2hostile.Drop, false}} {
		mode := tc.mode
		srv := fake.New(fake.Options{Seed: 2})
		backend, stop, err := fake.Start(srv, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		front, err := h2hostile.Start(backend, mode, tc.once)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(front.Close)
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, front.CAPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		d := srv.Data()
		task := d.Tasks[0].ID
		rec := d.Records[task][0].ID
		n := len(d.Details[rec])
		home := t.TempDir()
		status, _, errOut, chunks := actionRun(t, front.URL, home, "--ca-file", ca, "--task-id", task, "--record-id", rec, "--action", "reboot", "--confirm", strconv.Itoa(n))
		if front.Posts() != 1 || status != 1 {
			t.Fatalf("mode %d: %d POSTs arrived, status %d: %s", mode, front.Posts(), status, errOut)
		}
		if len(chunks) != (n+99)/100 || !chunks[0].Sent || chunks[0].Applied != "maybe" || !strings.Contains(chunks[0].Error, "may have been applied") {
			t.Fatalf("first chunk %+v", chunks[0])
		}
		for _, c := range chunks[1:] {
			if c.Sent || c.NotSentBecause != "a request before it failed" {
				t.Fatalf("a chunk after it: %+v", c)
			}
		}
		if !strings.Contains(errOut, "100 may have been applied") || !strings.Contains(errOut, numfmt.Commas(n-100)+" not sent") {
			t.Errorf("stderr %q", errOut)
		}
		b, _ := os.ReadFile(filepath.Join(home, ".local", "state", "wksrec", "actions.log"))
		if got := strings.Count(string(b), `"phase":"not-sent"`); got != len(chunks)-1 {
			t.Errorf("%d not-sent lines in the audit log, want %d", got, len(chunks)-1)
		}
	}
}

// SIGTERM (SIGINT, SIGHUP) during a batch stops before the next request:
// the request in flight is answered and printed, every chunk not sent is
// printed and logged, and the exit status is 143 (130, 129).
func TestActionStopsOnASignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sigName(sig), func(t *testing.T) {
			t.Parallel() // a binary and a fake of its own
			stopsOnASignal(t, sig)
		})
	}
}

func stopsOnASignal(t *testing.T, sig syscall.Signal) {
	srv := fake.New(fake.Options{Seed: 2, Faults: []fake.Fault{{PathContains: "/desktops/action", Offset: -1, Delay: 300 * time.Millisecond}}})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	d := srv.Data()
	task := d.Tasks[0].ID
	rec := d.Records[task][0].ID
	n := len(d.Details[rec])
	home := t.TempDir()
	cmd := exec.Command(buildBinary(t), "--endpoint", url, "--project-id", "p", "--task-id", task, "--record-id", rec,
		"--action", "reboot", "--confirm", strconv.Itoa(n))
	cmd.Env = []string{"HOME=" + home, "WKSREC_AUTH_TOKEN=t"}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	var lines []chunkLine
	for sc.Scan() {
		var c chunkLine
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		if len(lines) == 0 {
			cmd.Process.Signal(sig) // the first answer is in, the second request is out
		}
		lines = append(lines, c)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
		t.Fatalf("%s: exit %d (%v), want %d; stderr %q", sig, code, err, 128+int(sig), errOut.String())
	}
	sent, notSent := 0, 0
	for _, c := range lines {
		if c.Sent {
			sent++
		} else if c.NotSentBecause == "stopped by "+sigName(sig) {
			notSent++
		}
	}
	want := (n + 99) / 100
	if len(lines) != want || sent != actionPosts(srv) || sent < 1 || sent > 2 || sent+notSent != want {
		t.Errorf("%s: %d lines (want %d), %d sent (%d posts), %d not sent", sig, len(lines), want, sent, actionPosts(srv), notSent)
	}
	if msg := errOut.String(); !strings.Contains(msg, "stopping after the request in flight") || !strings.Contains(msg, "stopped by "+sigName(sig)) {
		t.Errorf("stderr %q", msg)
	}
	b, _ := os.ReadFile(filepath.Join(home, ".local", "state", "wksrec", "actions.log"))
	if got := strings.Count(string(b), `"phase":"not-sent"`); got != notSent {
		t.Errorf("%d not-sent lines in the audit log, want %d", got, notSent)
	}
}

// A --status typo with --action exits 2 and sends nothing: FIAL matches
// no row, but is no status either.
func TestActionRefusesAStatusTypo(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 2})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	d := srv.Data()
	task := d.Tasks[0].ID
	status, _, errOut, _ := actionRun(t, url, t.TempDir(), "--task-id", task, "--record-id", d.Records[task][0].ID,
		"--action", "reboot", "--status", "FIAL", "--confirm", "0")
	if status != 2 || actionPosts(srv) != 0 || !strings.Contains(errOut, "--status FIAL: no such status") {
		t.Errorf("status %d, %d posts, stderr %q", status, actionPosts(srv), errOut)
	}
}
