package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/internal/fake"
)

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
		var chunks []chunkReport
		sc := bufio.NewScanner(&stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c chunkReport
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
		if lines := strings.Count(string(b), "\n"); lines != 2*actionPosts(srv) {
			t.Errorf("%d log lines for %d posts", lines, actionPosts(srv))
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
