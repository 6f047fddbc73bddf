package actions

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
)

// stubSender answers each call with the next of answers (nil: accepted,
// the first desktop refused).
type stubSender struct {
	mu      sync.Mutex
	answers []error
	calls   [][]string
	refuse  func(ids []string) []api.FailedOperation
}

func (s *stubSender) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, ids)
	var err error
	if len(s.answers) > 0 {
		err, s.answers = s.answers[0], s.answers[1:]
	}
	if err != nil {
		return api.ActionResult{}, err
	}
	refused := []api.FailedOperation{{DesktopID: ids[0], ErrorCode: "WKS.1"}}
	if s.refuse != nil {
		refused = s.refuse(ids)
	}
	return api.ActionResult{JobID: fmt.Sprintf("job-%d", len(s.calls)), Refused: refused}, nil
}

func targets(n int) []Target {
	out := make([]Target, n)
	for i := range out {
		out[i] = Target{ID: fmt.Sprintf("d%03d", i), Name: fmt.Sprintf("desk-%d", i), Status: "FAIL"}
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
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

var reboot, _ = api.PowerActionNamed("reboot")

// run sends a plan of n desktops and waits for its end.
func run(t *testing.T, s Sender, n int, l *AuditLog, o Options) *Batch {
	t.Helper()
	b := Start(context.Background(), s, NewPlan(reboot, targets(n)), l, o)
	select {
	case <-b.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the batch did not end")
	}
	return b
}

// A chunk refused for rate (HTTP 429) is sent again after the Retry-After;
// a 5xx (whatever its code), a timeout or a 403 is not, and the chunks
// after it are not sent at all.
func TestSendRetriesOnlyWhatWasNotApplied(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var waited []time.Duration
	wait := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waited = append(waited, d)
		now = now.Add(d)
		return nil
	}
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	throttled := &api.APIError{Status: 429, Code: "APIG.0308", RetryAfter: 3 * time.Second}
	for _, tc := range []struct {
		name     string
		answers  []error
		calls    int
		outcomes []Outcome
	}{
		{"all accepted", nil, 3, []Outcome{Answered, Answered, Answered}},
		{"throttled, then accepted", []error{throttled, nil, nil, nil}, 4, []Outcome{Answered, Answered, Answered}},
		{"a 503 may have been applied", []error{nil, &api.APIError{Status: 503}}, 2, []Outcome{Answered, Failed, NotSent}},
		{"a 500 WKS.0308 is no throttling", []error{&api.APIError{Status: 500, Code: "WKS.0308"}}, 1, []Outcome{Failed, NotSent, NotSent}},
		{"a 504 APIGW.0308 is no throttling", []error{&api.APIError{Status: 504, Code: "APIGW.0308"}}, 1, []Outcome{Failed, NotSent, NotSent}},
		{"a timeout may have been applied", []error{&api.UnansweredError{Err: context.DeadlineExceeded}}, 1, []Outcome{Failed, NotSent, NotSent}},
		{"a 403 refuses the rest too", []error{&api.APIError{Status: 403}}, 1, []Outcome{Failed, NotSent, NotSent}},
		{"throttled past the tries", []error{throttled, throttled, throttled, throttled, throttled, throttled}, 5, []Outcome{Failed, NotSent, NotSent}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			waited = nil
			s := &stubSender{answers: tc.answers}
			l, path := testLog(t)
			var heard []Chunk
			b := run(t, s, 250, l, Options{Throttle: DefaultThrottle, Now: clock, Wait: wait, OnChunk: func(c Chunk) { heard = append(heard, c) }})
			if len(s.calls) != tc.calls {
				t.Errorf("%d calls, want %d", len(s.calls), tc.calls)
			}
			chunks := b.Chunks()
			for i, c := range chunks {
				if c.Outcome != tc.outcomes[i] {
					t.Errorf("chunk %d: outcome %d, want %d", i, c.Outcome, tc.outcomes[i])
				}
				if len(heard) != 3 || heard[i].Outcome != c.Outcome {
					t.Errorf("OnChunk heard %d chunks", len(heard))
				}
			}
			for _, d := range waited {
				if d != 3*time.Second {
					t.Errorf("waited %s, not the Retry-After", d)
				}
			}
			lines := logLines(t, path)
			notSent := 0
			for _, c := range chunks {
				if c.Outcome == NotSent {
					notSent++
				}
			}
			if len(lines) != 2*tc.calls+notSent {
				t.Errorf("%d log lines for %d calls and %d chunks not sent", len(lines), tc.calls, notSent)
			}
			if notSent > 0 && (lines[len(lines)-1].Phase != "not-sent" || lines[len(lines)-1].Why != "a request before it failed") {
				t.Errorf("last line %+v", lines[len(lines)-1])
			}
		})
	}
}

// The API's refusals are matched against the ids each request named:
// a desktop refused twice counts once, and one never sent is an
// inconsistency of the API, counted apart ("-50 desktops" was possible).
func TestRefusalsAreCountedAgainstWhatWasSent(t *testing.T) {
	s := &stubSender{refuse: func(ids []string) []api.FailedOperation {
		out := []api.FailedOperation{}
		for range 5 {
			out = append(out, api.FailedOperation{DesktopID: ids[0]}) // refused five times
		}
		for i := range 50 {
			out = append(out, api.FailedOperation{DesktopID: fmt.Sprintf("never-sent-%d", i)})
		}
		return out
	}}
	l, path := testLog(t)
	b := run(t, s, 150, l, Options{Throttle: DefaultThrottle})
	tally := Count(b.Chunks())
	if tally.Accepted != 148 || tally.Refused != 2 || tally.Strays != 100 || tally.Desktops != 150 {
		t.Errorf("tally %+v", tally)
	}
	if got := tally.Summary(reboot); !strings.Contains(got, "reboot: 148 of 150 desktops accepted · 2 refused") ||
		!strings.Contains(got, "the API refused 100 desktops it was not sent") {
		t.Errorf("summary %q", got)
	}
	if e := logLines(t, path)[1]; len(e.Refused) != 1 || len(e.Strays) != 50 {
		t.Errorf("log: %d refused, %d strays", len(e.Refused), len(e.Strays))
	}
}

// blockingSender holds each request until released.
type blockingSender struct {
	stubSender
	inFlight chan []string
	release  chan struct{}
}

func (s *blockingSender) DesktopAction(ctx context.Context, ids []string, a api.PowerAction) (api.ActionResult, error) {
	s.inFlight <- ids
	<-s.release
	return s.stubSender.DesktopAction(ctx, ids, a)
}

// Stop lets the request in flight finish and sends nothing after it; the
// chunks not sent are logged with why, and are what NotAppliedIDs gives.
func TestStopBeforeTheNextRequest(t *testing.T) {
	s := &blockingSender{inFlight: make(chan []string, 1), release: make(chan struct{})}
	l, path := testLog(t)
	b := Start(context.Background(), s, NewPlan(reboot, targets(350)), l, Options{Throttle: DefaultThrottle})
	<-s.inFlight
	s.release <- struct{}{}
	<-s.inFlight // the second request is out
	if c := b.Chunks()[1]; c.Outcome != InFlight || !c.Uncertain() {
		t.Fatalf("chunk 2 while out: %+v", c)
	}
	b.Stop("stopped by you")
	s.release <- struct{}{}
	<-b.Done()
	chunks := b.Chunks()
	want := []Outcome{Answered, Answered, NotSent, NotSent}
	for i, c := range chunks {
		if c.Outcome != want[i] {
			t.Errorf("chunk %d: %d, want %d", i, c.Outcome, want[i])
		}
	}
	if len(s.calls) != 2 || b.Halt() != "stopped by you" || chunks[2].Why != "stopped by you" {
		t.Errorf("%d calls, halt %q", len(s.calls), b.Halt())
	}
	if ids := NotAppliedIDs(chunks); len(ids) != 150 || ids[0] != "d200" {
		t.Errorf("not applied: %d ids", len(ids))
	}
	lines := logLines(t, path)
	if len(lines) != 6 || lines[4].Phase != "not-sent" || lines[4].Why != "stopped by you" || len(lines[5].DesktopIDs) != 50 || lines[5].Chunk != 4 {
		t.Errorf("log %+v", lines)
	}
	if tally := Count(chunks); tally.NotSent != 150 || !strings.Contains(tally.Summary(reboot), "150 not sent") {
		t.Errorf("tally %+v", tally)
	}
}

// A Stop during a throttled chunk's wait ends the wait: the 429 stands
// (not applied), and nothing more is sent.
func TestStopEndsAThrottledWait(t *testing.T) {
	s := &stubSender{answers: []error{&api.APIError{Status: 429, RetryAfter: time.Hour}}}
	l, _ := testLog(t)
	waiting := make(chan struct{})
	b := Start(context.Background(), s, NewPlan(reboot, targets(150)), l, Options{Throttle: Throttle{Tries: 5, Budget: 2 * time.Hour, Base: time.Second},
		Wait: func(ctx context.Context, d time.Duration) error { close(waiting); <-ctx.Done(); return ctx.Err() }})
	<-waiting
	b.Stop("stopped by SIGTERM")
	<-b.Done()
	chunks := b.Chunks()
	if len(s.calls) != 1 || chunks[0].Outcome != Failed || !chunks[0].NotApplied() || chunks[1].Why != "stopped by SIGTERM" {
		t.Errorf("%d calls, chunks %+v", len(s.calls), chunks)
	}
}

// A plan is each desktop once, ids no request can carry left out and
// counted; its digest names the action and the set, whatever the order.
func TestPlan(t *testing.T) {
	rows := append(targets(250), Target{ID: "d001", Status: "FAIL"}, Target{ID: ""}, Target{ID: "a/b"})
	rows[0].Status, rows[1].Status = "SUCCESS", "SKIP"
	p := NewPlan(reboot, rows)
	chunks := p.Chunks()
	if len(p.Targets) != 250 || p.Unusable != 2 || len(chunks) != 3 || len(chunks[2]) != 50 || chunks[2][49] != "d249" {
		t.Errorf("%d targets, %d unusable, %d chunks", len(p.Targets), p.Unusable, len(chunks))
	}
	if got := p.Summary(); got != "250 desktops: 248 FAIL · 1 SKIP · 1 SUCCESS" || p.Succeeded() != 1 {
		t.Errorf("summary %q, %d succeeded", got, p.Succeeded())
	}
	reversed := make([]Target, len(p.Targets))
	for i, x := range p.Targets {
		reversed[len(reversed)-1-i] = x
	}
	hard, _ := api.PowerActionNamed("reboot-hard")
	d := p.Digest()
	if len(d) != 16 || NewPlan(reboot, reversed).Digest() != d || NewPlan(hard, rows).Digest() == d || NewPlan(reboot, rows[1:]).Digest() == d {
		t.Errorf("digest %q does not name exactly the action and the set", d)
	}
	for answer, want := range map[string]bool{"250": true, " 250 ": true, "2,50": false, "249": false, d: true, strings.ToUpper(d): false,
		"0123456789abcdef": false, "": false, "250x": false, "1,234,567": false} {
		if p.Confirms(answer) != want {
			t.Errorf("Confirms(%q) = %v", answer, !want)
		}
	}
	big := NewPlan(reboot, targets(2537))
	if !big.Confirms("2,537") || !big.Confirms("2537") || big.Confirms("25,37") {
		t.Error("a count as shown is not taken")
	}
}

// The log is private (0600 in a 0700 directory), a line a try and an
// answer, with the time, user, project, action, plan, desktops and job.
func TestAuditLog(t *testing.T) {
	l, path := testLog(t)
	b := run(t, &stubSender{}, 3, l, Options{Throttle: DefaultThrottle})
	if c := b.Chunks(); len(c) != 1 || c[0].Accepted() != 2 {
		t.Fatalf("chunks %+v", c)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %v", p, st.Mode().Perm(), err, want)
		}
	}
	lines := logLines(t, path)
	if len(lines) != 2 || lines[0].Phase != "sending" || lines[1].Phase != "answered" || lines[1].JobID != "job-1" || lines[1].Plan != b.Digest ||
		lines[1].Project != "proj" || lines[1].Action != "reboot" || len(lines[1].DesktopIDs) != 3 || lines[1].Refused[0] != "d000" || lines[1].Time != "2026-11-29T08:00:00Z" {
		t.Errorf("log %+v", lines)
	}
	// An existing log others can read is made private, and said so.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	l2, err := OpenAuditLog(path, "p", time.Now, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	l2.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 || len(l2.Notes) != 1 || !strings.Contains(l2.Notes[0], "made private") {
		t.Errorf("reopened log %v, notes %q", st.Mode().Perm(), l2.Notes)
	}
	// A log that cannot be written sends nothing.
	l.Close()
	s := &stubSender{}
	b = run(t, s, 3, l, Options{Throttle: DefaultThrottle})
	if c := b.Chunks()[0]; len(s.calls) != 0 || c.Outcome != NotSent || !strings.Contains(c.Why, "audit log") {
		t.Errorf("with the log closed: %d calls, %+v", len(s.calls), c)
	}
}

// What is not a private regular file of the user's own is refused before
// anything is sent, at once, naming the path; nothing a link points to
// is changed.
func TestAuditLogRefusesWhatIsNotItsOwn(t *testing.T) {
	env := func(string) string { return "" }
	dir := filepath.Join(t.TempDir(), "wksrec")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "actions.log")
	open := func() error {
		done := make(chan error, 1)
		go func() {
			l, err := OpenAuditLog(path, "p", time.Now, env)
			if err == nil {
				l.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("opening the log hangs")
			return nil
		}
	}

	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if err := open(); err == nil || !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), path) {
		t.Errorf("a link: %v", err)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o644 {
		t.Errorf("the link's target was chmodded to %v", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(target); string(b) != "keep\n" {
		t.Errorf("the link's target was written: %q", b)
	}
	os.Remove(path)

	if err := mkfifo(path); err != nil {
		t.Fatal(err)
	}
	if err := open(); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO without a reader: %v", err)
	}
	reader, err := os.OpenFile(path, os.O_RDONLY|syscallNonblock, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := open(); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO with a reader: %v", err)
	}
	reader.Close()
	os.Remove(path)

	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := open(); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a directory: %v", err)
	}
	os.Remove(path)

	// A directory others can write is made private when it is the
	// user's, and said so.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	l, err := OpenAuditLog(path, "p", time.Now, env)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 || len(l.Notes) != 1 || !strings.Contains(l.Notes[0], dir) {
		t.Errorf("directory %v, notes %q", st.Mode().Perm(), l.Notes)
	}
	// Another user's directory (here: a uid that is not ours) is refused.
	if _, err := openAuditLog(path, "p", time.Now, env, os.Getuid()+1); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Errorf("another user's directory: %v", err)
	}
}

// fullDisk takes limit bytes, then refuses with ENOSPC.
type fullDisk struct {
	buf   bytes.Buffer
	limit int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	n := min(len(p), max(d.limit-d.buf.Len(), 0))
	d.buf.Write(p[:n])
	if n < len(p) {
		return n, fmt.Errorf("write: no space left on device")
	}
	return n, nil
}

// A full disk stops the batch before its next request: a line cut short
// is an error, and the next record begins on a line of its own.
func TestFullDiskStopsTheBatch(t *testing.T) {
	l, _ := testLog(t)
	disk := &fullDisk{limit: 1200} // room for the first sending line, not for its answer
	l.w = disk
	s := &stubSender{}
	b := run(t, s, 250, l, Options{Throttle: DefaultThrottle})
	chunks := b.Chunks()
	if len(s.calls) != 1 || chunks[0].Outcome != Answered || chunks[1].Outcome != NotSent || !strings.Contains(b.Halt(), "no space left") {
		t.Fatalf("%d calls; halt %q; chunks %+v", len(s.calls), b.Halt(), chunks)
	}
	disk.limit = 1 << 20 // room again: the next record starts on a new line
	if err := l.Write(Entry{Action: "reboot", Phase: "not-sent"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(disk.buf.String(), "\n")
	last := lines[len(lines)-2]
	var e Entry
	if err := json.Unmarshal([]byte(last), &e); err != nil || e.Phase != "not-sent" {
		t.Errorf("the record after a cut line is not whole: %q (%v)", last, err)
	}
}

// A log left without its last newline (a crash, a full disk) gets one
// before the next record.
func TestACutLogGetsANewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wksrec", "actions.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"phase":"sending","desk`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := OpenAuditLog(path, "p", time.Now, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Write(Entry{Action: "reboot", Phase: "sending"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var e Entry
	if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &e) != nil || e.Action != "reboot" {
		t.Errorf("log %q", b)
	}
}

// Text from the API reaches the log escaped: no ESC, C1 control, bidi
// override or DEL raw.
func TestAuditLogEscapesTheAPIsText(t *testing.T) {
	l, path := testLog(t)
	hostile := "\x1b]0;PWN\x07\u0085\u202e\x7f\u2066"
	s := &stubSender{refuse: func(ids []string) []api.FailedOperation {
		return []api.FailedOperation{{DesktopID: ids[0]}, {DesktopID: "x" + hostile}}
	}}
	run(t, s, 2, l, Options{Throttle: DefaultThrottle})
	s = &stubSender{answers: []error{&api.APIError{Status: 500, Message: hostile}}}
	run(t, s, 2, l, Options{Throttle: DefaultThrottle})
	b, _ := os.ReadFile(path)
	for _, r := range []string{"\x1b", "\u0085", "\u202e", "\x7f", "\u2066", "\x07"} {
		if strings.Contains(string(b), r) {
			t.Errorf("%q reached the log raw", r)
		}
	}
	if !strings.Contains(string(b), `\u202e`) {
		t.Errorf("the text is not kept, escaped: %s", b)
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

// After Abort (a signal), Running starts nothing: no batch begins unseen
// while the program ends. One started before is stopped and aborted.
func TestRunningStartsNothingOnceAborted(t *testing.T) {
	var r Running
	l, _ := testLog(t)
	s := &blockingSender{inFlight: make(chan []string, 1), release: make(chan struct{})}
	b, err := r.Start(s, NewPlan(reboot, targets(250)), l, Options{Throttle: DefaultThrottle}, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-s.inFlight
	if !r.Sending() {
		t.Fatal("a batch going out is not seen")
	}
	stopped := r.Abort("stopped by SIGTERM")
	close(s.release)
	if len(stopped) != 1 || !Wait(stopped, 5*time.Second) || b.Halt() != "stopped by SIGTERM" || len(s.calls) != 1 {
		t.Errorf("%d stopped, halt %q, %d calls", len(stopped), b.Halt(), len(s.calls))
	}
	late := &stubSender{}
	if _, err := r.Start(late, NewPlan(reboot, targets(3)), l, Options{Throttle: DefaultThrottle}, nil); err == nil || len(late.calls) != 0 {
		t.Errorf("a start after Abort: %v, %d calls", err, len(late.calls))
	}
}

// A Stop that lands while the "sending" line is written sends nothing:
// the chunk is not sent, and logged so.
func TestStopDuringTheSendingLineSendsNothing(t *testing.T) {
	l, path := testLog(t)
	var b *Batch
	started := make(chan struct{})
	l.w = writerFunc(func(p []byte) (int, error) {
		if bytes.Contains(p, []byte(`"phase":"sending"`)) {
			<-started
			b.Stop("stopped by you")
		}
		return l.f.Write(p)
	})
	s := &stubSender{}
	b = Start(context.Background(), s, NewPlan(reboot, targets(150)), l, Options{Throttle: DefaultThrottle})
	close(started)
	<-b.Done()
	if len(s.calls) != 0 || b.Chunks()[0].Outcome != NotSent {
		t.Errorf("%d calls, chunk %+v", len(s.calls), b.Chunks()[0])
	}
	lines := logLines(t, path)
	if len(lines) != 3 || lines[1].Phase != "not-sent" || lines[2].Phase != "not-sent" {
		t.Errorf("log %+v", lines)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// A count is taken without leading zeros or signs: 02537 is no count.
func TestConfirmRefusesOddCounts(t *testing.T) {
	p := NewPlan(reboot, targets(2537))
	for _, a := range []string{"02537", "000,002,537", "+2537", "2537.0", "２５３７", "2 537"} {
		if p.Confirms(a) || ValidConfirm(a) {
			t.Errorf("%q taken", a)
		}
	}
	if !NewPlan(reboot, nil).Confirms("0") {
		t.Error("0 does not confirm an empty plan")
	}
}

// The log's directory is not followed when it is a link (nothing it
// points to is chmodded), and a log with a second name is refused.
func TestAuditLogRefusesLinkedDirectoryAndHardLink(t *testing.T) {
	env := func(string) string { return "" }
	target := t.TempDir()
	if err := os.Chmod(target, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "wksrec")
	if err := os.Symlink(target, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAuditLog(filepath.Join(dir, "actions.log"), "p", time.Now, env); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a linked directory: %v", err)
	}
	if st, _ := os.Stat(target); st.Mode().Perm() != 0o755 {
		t.Errorf("the link's target was chmodded to %v", st.Mode().Perm())
	}

	dir = filepath.Join(t.TempDir(), "wksrec")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "profile")
	if err := os.WriteFile(other, []byte("export PATH\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "actions.log")
	if err := os.Link(other, path); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAuditLog(path, "p", time.Now, env); err == nil || !strings.Contains(err.Error(), "hard link") {
		t.Errorf("a hard link: %v", err)
	}
	if b, _ := os.ReadFile(other); string(b) != "export PATH\n" {
		t.Errorf("the other name's file was written: %q", b)
	}
	if st, _ := os.Stat(other); st.Mode().Perm() != 0o644 {
		t.Errorf("the other name's file was chmodded to %v", st.Mode().Perm())
	}
}

// abortableSender holds its request until the context ends it, as a
// request the transport cancels: no answer, and it may have been applied.
type abortableSender struct{ inFlight chan struct{} }

func (s *abortableSender) DesktopAction(ctx context.Context, ids []string, a api.PowerAction) (api.ActionResult, error) {
	s.inFlight <- struct{}{}
	<-ctx.Done()
	return api.ActionResult{}, ctx.Err()
}

// An Abort that cancels the request in flight says, for the chunks after
// it, that they were not sent because of the stop: not that a request
// before them failed, which is only the abort's own doing.
func TestAbortSaysWhyTheRestWasNotSent(t *testing.T) {
	var r Running
	l, path := testLog(t)
	s := &abortableSender{inFlight: make(chan struct{}, 1)}
	if _, err := r.Start(s, NewPlan(reboot, targets(250)), l, Options{Throttle: DefaultThrottle}, nil); err != nil {
		t.Fatal(err)
	}
	<-s.inFlight
	if stopped := r.Abort("stopped by SIGHUP"); !Wait(stopped, 5*time.Second) {
		t.Fatal("the batch did not end")
	}
	var notSent int
	for _, line := range logLines(t, path) {
		if line.Phase == "not-sent" {
			notSent++
			if line.Why != "stopped by SIGHUP" {
				t.Errorf("a chunk not sent %q", line.Why)
			}
		}
	}
	if notSent != 2 {
		t.Errorf("%d chunks not sent, not 2", notSent)
	}
}
