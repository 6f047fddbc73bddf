package actions

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
)

// stubSender answers each call with the next of answers (nil: accepted).
type stubSender struct {
	answers []error
	calls   [][]string
}

func (s *stubSender) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	s.calls = append(s.calls, ids)
	var err error
	if len(s.answers) > 0 {
		err, s.answers = s.answers[0], s.answers[1:]
	}
	if err != nil {
		return api.ActionResult{}, err
	}
	return api.ActionResult{JobID: fmt.Sprintf("job-%d", len(s.calls)), Refused: []api.FailedOperation{{DesktopID: ids[0], ErrorCode: "WKS.1"}}}, nil
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("d%03d", i)
	}
	return out
}

func testLog(t *testing.T) (*AuditLog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "wksrec", "actions.log")
	l, err := OpenAuditLog(path, "proj", func() time.Time { return time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC) }, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

func logLines(t *testing.T, path string) []Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

var reboot, _ = api.PowerActionNamed("reboot")

func TestPlan(t *testing.T) {
	chunks := Plan(ids(250))
	if len(chunks) != 3 || len(chunks[0]) != 100 || len(chunks[1]) != 100 || len(chunks[2]) != 50 || chunks[2][49] != "d249" {
		t.Errorf("chunks %d", len(chunks))
	}
	if Plan(nil) != nil {
		t.Error("nothing to send makes chunks")
	}
}

// A chunk refused for rate is sent again after the Retry-After; a 5xx, a
// timeout or a 403 is not, and the chunks after it are not sent at all.
func TestSendRetriesOnlyWhatWasNotApplied(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	var waited []time.Duration
	wait := func(_ context.Context, d time.Duration) error {
		waited = append(waited, d)
		now = now.Add(d)
		return nil
	}
	clock := func() time.Time { return now }
	throttled := &api.APIError{Status: 429, Code: "APIG.0308", RetryAfter: 3 * time.Second}
	for _, tc := range []struct {
		name    string
		answers []error
		calls   int
		sent    []bool
		failed  bool
	}{
		{"all accepted", nil, 3, []bool{true, true, true}, false},
		{"throttled, then accepted", []error{throttled, nil, nil, nil}, 4, []bool{true, true, true}, false},
		{"a 503 may have been applied", []error{nil, &api.APIError{Status: 503}}, 2, []bool{true, true, false}, true},
		{"a timeout may have been applied", []error{&api.TransportError{Err: context.DeadlineExceeded}}, 1, []bool{true, false, false}, true},
		{"a 403 refuses the rest too", []error{&api.APIError{Status: 403}}, 1, []bool{true, false, false}, true},
		{"throttled past the tries", []error{throttled, throttled, throttled, throttled, throttled, throttled}, 5, []bool{true, false, false}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			waited = nil
			s := &stubSender{answers: tc.answers}
			l, path := testLog(t)
			chunks := Send(context.Background(), s, reboot, ids(250), l, DefaultThrottle, clock, wait)
			if len(s.calls) != tc.calls {
				t.Errorf("%d calls, want %d", len(s.calls), tc.calls)
			}
			for i, c := range chunks {
				if c.Sent != tc.sent[i] {
					t.Errorf("chunk %d sent %v, want %v", i, c.Sent, tc.sent[i])
				}
			}
			failed := false
			for _, c := range chunks {
				failed = failed || c.Err != nil
			}
			if failed != tc.failed {
				t.Errorf("failed %v", failed)
			}
			for _, d := range waited {
				if d != 3*time.Second && !strings.Contains(tc.name, "past") {
					t.Errorf("waited %s, not the Retry-After", d)
				}
			}
			if lines := logLines(t, path); len(lines) != 2*tc.calls {
				t.Errorf("%d log lines for %d calls", len(lines), tc.calls)
			}
		})
	}
}

// The log is private (0600 in a 0700 directory), a line a try and an
// answer, with the time, user, project, action, desktops and job.
func TestAuditLog(t *testing.T) {
	l, path := testLog(t)
	s := &stubSender{}
	chunks := Send(context.Background(), s, reboot, ids(3), l, DefaultThrottle, time.Now, Sleep)
	if len(chunks) != 1 || chunks[0].Accepted() != 2 {
		t.Fatalf("chunks %+v", chunks)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %v", p, st.Mode().Perm(), err, want)
		}
	}
	lines := logLines(t, path)
	if len(lines) != 2 || lines[0].Phase != "sending" || lines[1].Phase != "answered" || lines[1].JobID != "job-1" ||
		lines[1].Project != "proj" || lines[1].Action != "reboot" || len(lines[1].DesktopIDs) != 3 || lines[1].Refused[0] != "d000" || lines[1].Time != "2026-11-29T08:00:00Z" {
		t.Errorf("log %+v", lines)
	}
	// An existing log others can read is made private.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	l2, err := OpenAuditLog(path, "p", time.Now, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	l2.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("reopened log %v", st.Mode().Perm())
	}
	// A log that cannot be written sends nothing.
	l.Close()
	s = &stubSender{}
	chunks = Send(context.Background(), s, reboot, ids(3), l, DefaultThrottle, time.Now, Sleep)
	if len(s.calls) != 0 || chunks[0].Err == nil || chunks[0].Sent {
		t.Errorf("with the log closed: %d calls, %+v", len(s.calls), chunks[0])
	}
}

func TestAuditPath(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if p, _ := AuditPath(env(map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"})); p != "/s/wksrec/actions.log" {
		t.Error(p)
	}
	if p, _ := AuditPath(env(map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/h"})); p != "/h/.local/state/wksrec/actions.log" {
		t.Error(p)
	}
	if _, err := AuditPath(env(nil)); err == nil {
		t.Error("no home, no error")
	}
}
