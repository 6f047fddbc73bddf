package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

func command(t *testing.T, m Model, line string) Model {
	t.Helper()
	m = send(t, m, press(":"))
	m = typeText(t, m, line)
	return send(t, m, press("enter"))
}

// :task and :run jump by name or id; tab completes from what is loaded;
// ↑ brings a command back; what cannot run says why and changes nothing.
func TestCommandLineJumps(t *testing.T) {
	data := fake.NewDataset(8)
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100}), 120, 30)
	task := data.Tasks[2]
	m = send(t, m, press(":"))
	m = typeText(t, m, "ta")
	m = send(t, m, press("tab"))
	m = typeText(t, m, task.TaskName[:6])
	m = send(t, m, press("tab"))
	if got := m.cmd.input.Value(); got != "task "+task.TaskName {
		t.Fatalf("tab completed to %q", got)
	}
	m = send(t, m, press("enter"))
	r, ok := m.top().(*recordsView)
	if !ok || r.taskID != task.ID || len(m.stack) != 2 {
		t.Fatalf(":task: %T on top, stack %d", m.top(), len(m.stack))
	}
	run := data.Records[task.ID][1]
	m = command(t, m, "run "+run.ID)
	if v, ok := m.top().(*detailsView); !ok || v.recordID != run.ID {
		t.Fatalf(":run: %T on top", m.top())
	}
	m = command(t, m, "task no-such-task")
	if !strings.Contains(ansi.Strip(m.View()), `no task "no-such-task" among the`) || len(m.stack) != 3 {
		t.Errorf("an unknown task changed the stack or said nothing:\n%s", ansi.Strip(m.View()))
	}
	m = command(t, m, "explode now")
	if !strings.Contains(ansi.Strip(m.View()), "unknown command :explode") {
		t.Error("an unknown command said nothing")
	}
	m = send(t, m, press(":"))
	m = send(t, m, press("up"))
	m = send(t, m, press("up"))
	if got := m.cmd.input.Value(); got != "task no-such-task" {
		t.Errorf("↑↑ brought back %q", got)
	}
	m = send(t, m, press("esc"))
	if m.cmd.open || len(m.stack) != 3 {
		t.Error("esc did not close the line, or it ran")
	}
}

// :region reconnects and starts at the new source's task list; a failure
// keeps the session as it was.
func TestCommandLineReconnects(t *testing.T) {
	first, second := fake.NewDataset(8), fake.NewDataset(9)
	var asked []string
	fail := true
	released := 0
	reconnect := func(_ context.Context, what, value string) (Session, error) {
		asked = append(asked, what+" "+value)
		if fail {
			return Session{}, errors.New("no such region")
		}
		return Session{Source: &dataSource{d: second}, ProjectID: "proj-" + value, Where: Where{Region: value}, Release: func() { released++ }}, nil
	}
	m := start(t, New(Config{Source: &dataSource{d: first}, ProjectID: "p", PageSize: 100, Reconnect: reconnect, Where: Where{Region: "cn-north-4"}}), 120, 30)
	if !strings.HasSuffix(strings.Split(ansi.Strip(m.View()), "\n")[0], "cn-north-4") {
		t.Errorf("the header does not say where the session acts:\n%s", ansi.Strip(m.View()))
	}
	m = send(t, m, press("enter")) // into a task
	m = command(t, m, "region xx-nowhere-1")
	if len(m.stack) != 2 || !strings.Contains(ansi.Strip(m.View()), "could not switch region to xx-nowhere-1") {
		t.Fatalf("a failed switch: stack %d\n%s", len(m.stack), ansi.Strip(m.View()))
	}
	fail = false
	m = command(t, m, "region cn-east-3")
	tasks, ok := m.top().(*tasksView)
	if !ok || len(m.stack) != 1 || m.cfg.ProjectID != "proj-cn-east-3" {
		t.Fatalf("after the switch: %T, stack %d, project %s", m.top(), len(m.stack), m.cfg.ProjectID)
	}
	if first, _ := tasks.list.Row(0); first.ID != second.Tasks[0].ID {
		t.Errorf("the task list is not the new source's: %s", first.ID)
	}
	if len(asked) != 2 || len(m.cmd.history) != 2 {
		t.Errorf("asked %v, history %v", asked, m.cmd.history)
	}
	m = command(t, m, "region cn-south-1") // the session of the first switch is released
	if released != 1 || m.cfg.ProjectID != "proj-cn-south-1" {
		t.Errorf("released %d sessions, project %s", released, m.cfg.ProjectID)
	}
	if header := strings.Split(ansi.Strip(m.View()), "\n")[0]; !strings.HasSuffix(header, "cn-south-1") || strings.Contains(header, "cn-north-4") {
		t.Errorf("the header does not follow the switch: %q", header)
	}
}

// Completing between names that share multi-byte runes cuts between runes.
func TestCommandLineCompletesByRunes(t *testing.T) {
	data := fake.NewDataset(8)
	data.Tasks[0].TaskName, data.Tasks[1].TaskName = "研发-重启-一", "研发-重启-二"
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100}), 120, 30)
	m = send(t, m, press(":"))
	m = typeText(t, m, "task 研")
	m = send(t, m, press("tab"))
	if got := m.cmd.input.Value(); got != "task 研发-重启-" {
		t.Errorf("completed to %q", got)
	}
}

// :run naming the run on screen opens it live: closing the screens above once cut the kept run off from its
// requests, and every page after failed "context canceled". A name
// mistyped closes nothing.
func TestJumpToTheRunOnScreenKeepsItLoading(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	run := data.Records[task][1]
	m := start(t, New(Config{Source: ctxSource{&dataSource{d: data}}, ProjectID: "p", TaskID: task, PageSize: 100}), 120, 30)
	m = send(t, m, press("j"))
	m = send(t, m, press("enter"))
	if l := dl(m); l.AllLoaded() || l.LoadedRows() == 0 {
		t.Fatalf("the run should be partly loaded: %d rows", l.LoadedRows())
	}
	depth := len(m.stack)
	m = command(t, m, "run no-such-run")
	if len(m.stack) != depth {
		t.Fatalf("a mistyped run closed screens: %d, was %d", len(m.stack), depth)
	}
	m = command(t, m, "run "+run.ID)
	v, ok := m.top().(*detailsView)
	if !ok || v.recordID != run.ID {
		t.Fatalf("after :run: %T", m.top())
	}
	m = send(t, m, press("G"))
	n := len(data.Details[run.ID])
	if _, ok := v.list.Row(n - 1); !ok || v.status().err != nil {
		t.Errorf("after G: the last row loaded %v, error %v", ok, v.status().err)
	}
}

// ctxSource answers as the real client does once its context is done.
type ctxSource struct{ *dataSource }

func (s ctxSource) ListRecordDetails(ctx context.Context, taskID, recordID string, offset, limit int) (api.Page[api.Detail], error) {
	if err := ctx.Err(); err != nil {
		return api.Page[api.Detail]{}, err
	}
	return s.dataSource.ListRecordDetails(ctx, taskID, recordID, offset, limit)
}

// :q and :quit quit, as q does (vim, k9s).
func TestColonQQuits(t *testing.T) {
	for _, line := range []string{"q", "quit", " q "} {
		m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
		m = send(t, m, press(":"))
		m = typeText(t, m, line)
		_, cmd := m.Update(press("enter"))
		quit := false
		for _, msg := range collect(cmd) {
			if _, ok := msg.(tea.QuitMsg); ok {
				quit = true
			}
		}
		if !quit {
			t.Errorf(":%s did not quit", line)
		}
	}
}

// Tab completes the part the candidates share; once that is in, Tab after
// Tab goes through them, and another key ends the cycle.
func TestTabCyclesThroughCompletions(t *testing.T) {
	// A session that cannot switch (over SSH) is offered no switch.
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
	m = send(t, m, press(":"))
	m = typeText(t, m, "r")
	if m = send(t, m, press("tab")); m.cmd.input.Value() != "run " {
		t.Errorf("tab without switches: %q", m.cmd.input.Value())
	}
	withSwitches := newTestModel(&stubSource{details: demoDetails()}, 100)
	withSwitches.cfg.Reconnect = func(context.Context, string, string) (Session, error) { return Session{}, errors.New("not here") }
	m = start(t, withSwitches, 80, 24)
	m = send(t, m, press(":"))
	m = typeText(t, m, "r")
	var seen []string
	for range 3 {
		m = send(t, m, press("tab"))
		seen = append(seen, m.cmd.input.Value())
	}
	if strings.Join(seen, ",") != "region,run,region" {
		t.Errorf("tab, tab, tab: %v", seen)
	}
	m = typeText(t, m, "x")
	m = send(t, m, press("tab"))
	if got := m.cmd.input.Value(); got != "regionx" || !strings.Contains(m.cmd.hint, "nothing to complete") {
		t.Errorf("after an edit: %q, hint %q", got, m.cmd.hint)
	}
}

// :run takes a run's start as the table shows it (a date, or more of the
// time) within the task shown, as well as its id.
func TestRunByDate(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	recs := data.Records[task]
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, PageSize: 100}), 120, 30)
	want := recs[1]
	date := want.StartTime[:len("2006-01-02")]
	m = send(t, m, press(":"))
	m = typeText(t, m, "run "+date)
	m = send(t, m, press("enter"))
	if v, ok := m.top().(*detailsView); !ok || v.recordID != want.ID {
		t.Fatalf(":run %s opened %T", date, m.top())
	}
	m = send(t, m, press(":"))
	m = typeText(t, m, "run 1999-01-01")
	m = send(t, m, press("enter"))
	if !strings.Contains(m.note, `no run "1999-01-01"`) {
		t.Errorf(":run of a day without runs: %q", m.note)
	}
}

// :run takes the names --record-id takes: latest opens the task's newest
// run by start time, whatever its state; latest-finished the newest
// not still going (in any case, as on the command line).
func TestRunByName(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	recs := data.Records[task]
	if len(recs) < 3 {
		t.Fatalf("the dataset's task has %d runs", len(recs))
	}
	byStart := slices.Clone(recs)
	slices.SortFunc(byStart, func(a, b api.Record) int { return strings.Compare(b.StartTime, a.StartTime) })
	newest, previous := byStart[0].ID, byStart[1].ID
	for i := range recs {
		if recs[i].ID == newest {
			recs[i].Status = "RUNNING"
		} else if recs[i].ID == previous {
			recs[i].Status = "FAILED"
		}
	}
	for _, tc := range []struct{ typed, want string }{{"latest", newest}, {"LATEST", newest}, {"latest-finished", previous}} {
		m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, PageSize: 100}), 120, 30)
		m = send(t, m, press(":"))
		m = typeText(t, m, "run "+tc.typed)
		m = send(t, m, press("enter"))
		if v, ok := m.top().(*detailsView); !ok || v.recordID != tc.want {
			t.Errorf(":run %s opened %T (%q)", tc.typed, m.top(), m.note)
		}
	}
	for i := range recs {
		recs[i].Status = "RUNNING"
	}
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, PageSize: 100}), 120, 30)
	m = send(t, m, press(":"))
	m = typeText(t, m, "run latest-finished")
	m = send(t, m, press("enter"))
	if _, ok := m.top().(*detailsView); ok || !strings.Contains(m.note, "no finished run among the") {
		t.Errorf(":run latest-finished with every run going: %T, %q", m.top(), m.note)
	}
}
