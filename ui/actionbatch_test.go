package ui

import (
	"context"
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
	line, isErr := a.statusLine()
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
	m = send(t, m, batchMsg{id: a.id})
	if tally := actions.Count(a.batch.Chunks()); tally.Accepted != 100 || tally.NotSent != len(a.targets)-100 || a.batch.Halt() != "stopped by you" {
		t.Errorf("tally %+v, halt %q", tally, a.batch.Halt())
	}
}
