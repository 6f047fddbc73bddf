package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/fake"
)

// heldActions is a dataSource that acts: each action request waits until
// the test lets it be answered.
type heldActions struct {
	*dataSource
	inFlight chan []string
	release  chan struct{}
}

func newHeldActions(d *fake.Dataset) *heldActions {
	return &heldActions{dataSource: &dataSource{d: d}, inFlight: make(chan []string, 1), release: make(chan struct{})}
}

func (s *heldActions) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	s.inFlight <- ids
	<-s.release
	return api.ActionResult{JobID: "job-" + ids[0]}, nil
}

func (s *heldActions) GetJob(context.Context, string) (api.Job, error) {
	return api.Job{Status: "SUCCESS"}, nil
}

func actionsOnStack(m Model) int {
	n := 0
	for _, v := range m.stack {
		if _, ok := v.(*actionView); ok {
			n++
		}
	}
	return n
}

// With a change: filter, a waits for the baseline as for every page: the
// set is the rows the filter shows once the baseline is read (with
// !change:new, all rows match before it is). a pressed again while it
// waits opens no second menu, and Esc from the menu goes back to the run.
func TestActionWaitsForTheBaselineItsFilterNeeds(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	m := start(t, New(Config{Source: newHeldActions(data), ProjectID: "p", TaskID: task, RecordID: runs[1].ID, PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "actions.log")}), 120, 40)
	m, held := sendHeld(t, m, press("c")) // the baseline is being read: it is held
	var baseline []tea.Msg
	for _, msg := range held {
		if _, ok := msg.(baselineMsg); ok {
			baseline = append(baseline, msg)
			continue
		}
		m = send(t, m, msg) // every page of the run comes in
	}
	if !dl(m).AllCurrent() || len(baseline) != 1 {
		t.Fatalf("every page in %v; %d baselines held", dl(m).AllCurrent(), len(baseline))
	}
	m = send(t, m, press("/"))
	m = typeText(t, m, "!change:new")
	m = send(t, m, press("enter"))
	for range 3 {
		m = send(t, m, press("a"))
	}
	if n := actionsOnStack(m); n != 0 || !dv(m).actPending {
		t.Fatalf("before the baseline: %d menus, pending %v", n, dv(m).actPending)
	}
	if view := ansi.Strip(m.View()); !strings.Contains(view, "on its way") {
		t.Errorf("a again says nothing:\n%s", view)
	}
	m = send(t, m, baseline[0])
	if n := actionsOnStack(m); n != 1 {
		t.Fatalf("%d menus once the baseline is in, want 1", n)
	}
	changes, _, _ := expectedChanges(data, runs[1].ID, runs[2].ID) // newest first: the run before is runs[2]
	want := 0
	for _, c := range changes {
		if c != "new failure" {
			want++
		}
	}
	a := m.top().(*actionView)
	if len(a.targets) != want || want == len(data.Details[runs[1].ID]) {
		t.Errorf("the menu holds %d desktops; the filter shows %d of %d", len(a.targets), want, len(data.Details[runs[1].ID]))
	}
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*detailsView); !ok || actionsOnStack(m) != 0 {
		t.Errorf("esc from the menu: %T on top, %d menus", m.top(), actionsOnStack(m))
	}
}

// The menu says what would be hit: the count by status, the users logged
// in where known, a warning when desktops that succeeded are among them.
func TestActionMenuSaysWhatWouldBeHit(t *testing.T) {
	t.Parallel() // a model and sources of its own
	c, srv := loopbackClient(t, fake.Options{Seed: 4})
	d := srv.Data()
	task := d.Tasks[0].ID
	run := d.Records[task][0].ID
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: run, PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "log"), DesktopRest: time.Nanosecond}), 120, 40)
	for range 3 { // rest on three rows: their states become known
		m = send(t, m, press("j"))
	}
	m = send(t, m, press("a"))
	counts := map[string]int{}
	for _, x := range d.Details[run] {
		counts[x.ExecStatus]++
	}
	view := ansi.Strip(m.View())
	for status, n := range counts {
		if !strings.Contains(view, commas(n)+" "+status) {
			t.Errorf("the menu does not count %d %s:\n%s", n, status, view)
		}
	}
	if !strings.Contains(view, "⚠ "+commas(counts["SUCCESS"])+" of them succeeded in this run") {
		t.Errorf("no warning about the desktops that succeeded:\n%s", view)
	}
	if !strings.Contains(view, "whose state is known)") {
		t.Errorf("no count of users logged in:\n%s", view)
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("f"))
	m = send(t, m, press("a"))
	if view := ansi.Strip(m.View()); strings.Contains(view, "succeeded in this run") {
		t.Errorf("a warning with the failed only:\n%s", view)
	}
}

// The count is taken as the screen shows it (1,200) as well as typed
// (1200); esc while the requests go out asks whether to stop; y stops
// before the next request, the one in flight answered; the screen then
// lists the requests answered, and those not sent, which Y copies.
func TestActionStoppedHalfway(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	run := data.Records[task][0].ID
	src := newHeldActions(data)
	var copied []byte // what a copy put in tmux's buffer: no size limit there, unlike OSC 52
	tmux := func(_ context.Context, stdin []byte, _ ...string) error { copied = stdin; return nil }
	log := filepath.Join(t.TempDir(), "actions.log")
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: run, PageSize: 100,
		AuditPath: log, JobPoll: time.Nanosecond, InTmux: true, RunTmux: tmux}), 120, 40)
	m = send(t, m, press("a"))
	a := m.top().(*actionView)
	n := len(a.targets)
	if n < 1000 {
		t.Fatalf("%d desktops: the test needs a count with a comma", n)
	}
	m = send(t, m, press("r"))
	m = typeText(t, m, commas(n))
	next, cmd := m.Update(press("enter"))
	m = next.(Model)
	if a.stage != stageSending {
		t.Fatalf("%s not taken: stage %d", commas(n), a.stage)
	}
	opened := collect(cmd) // the log opened, the batch started
	<-src.inFlight         // the first request is out
	for _, msg := range opened {
		next, _ := m.Update(msg) // its wait for the batch is not run: the test drives it
		m = next.(Model)
	}
	updated, cmd := m.Update(press("ctrl+c")) // ctrl+c asks, it does not quit
	m = updated.(Model)
	for _, msg := range collect(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			t.Fatal("ctrl+c quit while sending")
		}
	}
	if view := ansi.Strip(m.View()); !strings.Contains(view, "Stop sending?") {
		t.Fatalf("ctrl+c does not ask:\n%s", view)
	}
	m = send(t, m, press("n"))
	if a.batch.Stopping() || a.askStop {
		t.Fatal("n stopped the batch")
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("y"))
	if !a.batch.Stopping() {
		t.Fatal("y did not stop the batch")
	}
	src.release <- struct{}{} // the request in flight is answered
	<-a.batch.Done()
	m = send(t, m, batchMsg{id: a.id})
	if a.stage != stageDone {
		t.Fatalf("stage %d after the batch", a.stage)
	}
	var states []string
	a.list.Each(func(_ int, r *actionRow) { states = append(states, actionState(*r)) })
	if len(states) != (n+99)/100 || states[0] != "SUCCESS · 100 desktops" || states[1] != "not sent: stopped by you" {
		t.Errorf("rows %q", states)
	}
	line, isErr := a.statusLine(200)
	if !isErr || !strings.Contains(line, "100 of "+commas(n)+" desktops accepted · "+commas(n-100)+" not sent") || !strings.Contains(line, "stopped by you") {
		t.Errorf("status line %q", line)
	}
	if view := ansi.Strip(send(t, m, press("Y")).View()); !strings.Contains(view, "desktop ids not acted on") {
		t.Errorf("Y says nothing:\n%s", view)
	}
	ids := actions.NotAppliedIDs(a.batch.Chunks())
	if len(ids) != n-100 || string(copied) != strings.Join(ids, "\n") || ids[0] != a.plan.Targets[100].ID {
		t.Errorf("Y copied %d bytes; want the %d desktops not sent", len(copied), n-100)
	}
}

// The header says where the session acts and that it is read-only.
func TestHeaderSaysWhereTheSessionActs(t *testing.T) {
	for _, tc := range []struct {
		where    Where
		readOnly bool
		want     string
	}{
		{Where{Region: "cn-north-4"}, false, "cn-north-4"},
		{Where{Region: "cn-north-4", Profile: "prod"}, true, "cn-north-4 · profile prod · read-only"},
		{Where{Endpoint: "workspace.example.com:8443"}, false, "workspace.example.com:8443"},
		{Where{Demo: true}, true, "demo · read-only"},
		{Where{Profile: "evil\x1b]0;x\x07"}, false, "profile evil␛]0;x␇"},
	} {
		m := start(t, New(Config{Source: &stubSource{details: demoDetails()[:10]}, ProjectID: "p", TaskID: "t", RecordID: "r",
			PageSize: 100, Where: tc.where, ReadOnly: tc.readOnly}), 80, 24)
		view := m.View()
		first := strings.Split(ansi.Strip(view), "\n")[0]
		if !strings.HasSuffix(strings.TrimRight(first, " "), tc.want) || strings.Contains(view, "\x1b]0") || !strings.HasPrefix(first, "wksrec") {
			t.Errorf("%+v: header %q", tc.where, first)
		}
	}
}

// y before the audit log is open (the batch not started yet) stops the
// batch as it starts: at most the request already out goes.
func TestActionStoppedBeforeItStarts(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	src := newHeldActions(data)
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "actions.log"), JobPoll: time.Nanosecond}), 120, 40)
	m = send(t, m, press("a"))
	a := m.top().(*actionView)
	m = send(t, m, press("r"))
	m = typeText(t, m, commas(len(a.targets)))
	next, open := m.Update(press("enter")) // the log's opening is held
	m = next.(Model)
	m = send(t, m, press("esc"))
	m = send(t, m, press("y"))
	if !a.stopEarly {
		t.Fatal("y before the start was not kept")
	}
	opened := collect(open)
	<-src.inFlight // the batch started at once: its first request is out
	for _, msg := range opened {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	close(src.release)
	<-a.batch.Done()
	if send(t, m, batchMsg{id: a.id}); a.stage != stageDone {
		t.Errorf("stage %d after the batch", a.stage)
	}
	if tally := actions.Count(a.batch.Chunks()); tally.Accepted != 100 || tally.NotSent != len(a.targets)-100 || a.batch.Halt() != "stopped by you" {
		t.Errorf("tally %+v, halt %q", tally, a.batch.Halt())
	}
}

// holdBaseline compares the run with the one before and delivers every
// page, holding the baseline back; it returns the baseline message.
func holdBaseline(t *testing.T, m Model) (Model, tea.Msg) {
	t.Helper()
	m, held := sendHeld(t, m, press("c"))
	var baseline tea.Msg
	for _, msg := range held {
		if _, ok := msg.(baselineMsg); ok {
			baseline = msg
			continue
		}
		m = send(t, m, msg)
	}
	if baseline == nil {
		t.Fatal("no baseline read")
	}
	return m, baseline
}

// A waiting a whose rows settle while another screen or a prompt is on
// top opens no menu there (it would take the keys typed for them) and
// says so.
func TestWaitingMenuOpensOnlyOverItsRows(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	for _, then := range []string{"w", "/", ":"} { // the groups screen, the filter prompt, the command line
		m := start(t, New(Config{Source: newHeldActions(data), ProjectID: "p", TaskID: task, RecordID: runs[1].ID, PageSize: 100,
			AuditPath: filepath.Join(t.TempDir(), "actions.log")}), 120, 40)
		m, baseline := holdBaseline(t, m)
		m = send(t, m, press("/"))
		m = typeText(t, m, "!change:new")
		m = send(t, m, press("enter"))
		m = send(t, m, press("a"))
		m = send(t, m, press(then))
		m = send(t, m, baseline)
		if n := actionsOnStack(m); n != 0 {
			t.Errorf("after %q: the menu opened over %T", then, m.stack[len(m.stack)-2])
		}
		if !strings.Contains(m.note, "did not open") {
			t.Errorf("after %q: note %q", then, m.note)
		}
		// The x and digits typed for the prompt stay the prompt's.
		m = typeText(t, m, "x12")
		if actionsOnStack(m) != 0 {
			t.Errorf("after %q: keys typed opened a menu", then)
		}
	}
}

// a pressed again while the pages load opens one menu, and Esc after a
// finished batch goes back to the run, not to another menu.
func TestOneMenuWhilePagesLoad(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	src := newHeldActions(data)
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "actions.log"), JobPoll: time.Nanosecond}), 120, 40)
	var held []tea.Msg
	for range 3 {
		var more []tea.Msg
		m, more = sendHeld(t, m, press("a")) // the pages it asks for are held
		held = append(held, more...)
	}
	if actionsOnStack(m) != 0 || len(held) == 0 {
		t.Fatalf("%d menus before the pages, %d held", actionsOnStack(m), len(held))
	}
	for _, msg := range held {
		m = send(t, m, msg)
	}
	if n := actionsOnStack(m); n != 1 {
		t.Fatalf("%d menus, want 1", n)
	}
	a := m.top().(*actionView)
	m = send(t, m, press("h"))
	m = typeText(t, m, commas(len(a.targets)))
	next, cmd := m.Update(press("enter"))
	m = next.(Model)
	go func() {
		for range (len(a.targets) + 99) / 100 {
			<-src.inFlight
			src.release <- struct{}{}
		}
	}()
	for _, msg := range collect(cmd) {
		m = send(t, m, msg)
	}
	if a.stage != stageDone {
		t.Fatalf("stage %d", a.stage)
	}
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*detailsView); !ok || actionsOnStack(m) != 0 {
		t.Errorf("esc after the batch: %T on top, %d menus", m.top(), actionsOnStack(m))
	}
}

// The header never drops where the session acts: the place is shortened,
// the read-only mark kept.
func TestWhereIsShortenedNotDropped(t *testing.T) {
	for _, tc := range []struct {
		where Where
		width int
		want  string
	}{
		{Where{Region: "ap-southeast-1", Profile: "production-admin"}, 48, "read-only"},
		{Where{Endpoint: "workspace.ap-southeast-1.example-private-cloud.internal.corp.com:8443", Profile: "prod"}, 80, "… · read-only"},
		{Where{Region: "cn-north-4"}, 20, "read-only"},
	} {
		m := start(t, New(Config{Source: &stubSource{details: demoDetails()[:10]}, ProjectID: "p", TaskID: "t", RecordID: "r",
			PageSize: 100, Where: tc.where, ReadOnly: true}), tc.width, 24)
		first := strings.Split(ansi.Strip(m.View()), "\n")[0]
		if !strings.HasSuffix(strings.TrimRight(first, " "), tc.want) || sanitizeWidth(first) > tc.width {
			t.Errorf("width %d, %+v: header %q", tc.width, tc.where, first)
		}
	}
}

func sanitizeWidth(s string) int { return ansi.StringWidth(s) }

// When the audit log cannot be opened nothing is sent, and Y copies every
// desktop of the plan.
func TestYAfterTheLogFailedCopiesThePlan(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "actions.log")); err != nil {
		t.Fatal(err)
	}
	var copied []byte
	src := newHeldActions(data)
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100,
		AuditPath: filepath.Join(dir, "actions.log"), InTmux: true,
		RunTmux: func(_ context.Context, stdin []byte, _ ...string) error { copied = stdin; return nil }}), 120, 40)
	m = send(t, m, press("a"))
	a := m.top().(*actionView)
	m = send(t, m, press("r"))
	m = typeText(t, m, commas(len(a.targets)))
	m = send(t, m, press("enter"))
	if line, isErr := a.statusLine(200); !isErr || !strings.Contains(line, "symbolic link") || !strings.Contains(line, "nothing was sent") {
		t.Errorf("status line %q", line)
	}
	send(t, m, press("Y"))
	if string(copied) != strings.Join(a.plan.IDs(), "\n") {
		t.Errorf("Y copied %d bytes, want the plan's %d desktops", len(copied), len(a.targets))
	}
	select {
	case <-src.inFlight:
		t.Error("a request went out without an audit log")
	default:
	}
}

// ctrl+c at "stop sending?" stops, as one presses it twice to mean it.
func TestCtrlCTwiceStops(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	src := newHeldActions(data)
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "actions.log"), JobPoll: time.Nanosecond}), 120, 40)
	m = send(t, m, press("a"))
	a := m.top().(*actionView)
	m = send(t, m, press("r"))
	m = typeText(t, m, commas(len(a.targets)))
	next, cmd := m.Update(press("enter"))
	m = next.(Model)
	opened := collect(cmd)
	<-src.inFlight
	for _, msg := range opened {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	for range 2 {
		updated, cmd := m.Update(press("ctrl+c"))
		m = updated.(Model)
		for _, msg := range collect(cmd) {
			if _, ok := msg.(tea.QuitMsg); ok {
				t.Fatal("ctrl+c quit while sending")
			}
		}
	}
	if !a.batch.Stopping() {
		t.Error("ctrl+c twice did not stop the batch")
	}
	close(src.release)
	<-a.batch.Done()
}
