package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
)

// dataSource serves a fake dataset from memory and logs each call.
type dataSource struct {
	d     *fake.Dataset
	mu    sync.Mutex
	calls []string
}

func window[T any](items []T, offset, limit int) api.Page[T] {
	end := min(offset+limit, len(items))
	if offset >= end {
		return api.Page[T]{Total: len(items)}
	}
	return api.Page[T]{Items: items[offset:end], Total: len(items)}
}

func (s *dataSource) log(call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
}

func (s *dataSource) called() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *dataSource) ListTasks(_ context.Context, scheduledType string, offset, limit int) (api.Page[api.Task], error) {
	s.log("tasks " + scheduledType)
	var tasks []api.Task
	for _, t := range s.d.Tasks {
		if (t.ScheduledType == "LIFE_CYCLE") == (scheduledType == "LIFE_CYCLE") {
			tasks = append(tasks, t)
		}
	}
	return window(tasks, offset, limit), nil
}

func (s *dataSource) ListRecords(_ context.Context, taskID string, offset, limit int) (api.Page[api.Record], error) {
	s.log("records " + taskID)
	return window(s.d.Records[taskID], offset, limit), nil
}

func (s *dataSource) ListRecordDetails(_ context.Context, taskID, recordID string, offset, limit int) (api.Page[api.Detail], error) {
	s.log("details " + recordID)
	return window(s.d.Details[recordID], offset, limit), nil
}

func TestDrillDownAndBack(t *testing.T) {
	src := &dataSource{d: fake.NewDataset(7)}
	m := start(t, New(Config{Source: src, ProjectID: "proj", PageSize: 100}), 100, 30)
	if got := src.called(); len(got) != 1 || got[0] != "tasks " {
		t.Fatalf("start: calls %v, want the task list only", got)
	}
	task := src.d.Tasks[1]
	m = send(t, m, press("j"))
	m = send(t, m, press("enter"))
	if len(m.stack) != 2 || !strings.Contains(ansi.Strip(m.View()), "project proj › "+task.TaskName) {
		t.Fatalf("enter on a task: stack %d, view\n%s", len(m.stack), ansi.Strip(m.View()))
	}
	rec := src.d.Records[task.ID][2]
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	m = send(t, m, press("enter"))
	view := ansi.Strip(m.View())
	if len(m.stack) != 3 || !strings.Contains(view, rec.StartTime) || !strings.Contains(view, commas(len(src.d.Details[rec.ID]))+" details") {
		t.Fatalf("enter on a record: stack %d, view\n%s", len(m.stack), view)
	}
	if r, ok := dl(m).Selected(); !ok || r.Detail().RecordID != rec.ID {
		t.Errorf("details of the wrong record: %+v", r.Detail())
	}
	// Enter in the details focuses the pane; Esc leaves the pane, Esc again goes up.
	m = send(t, m, press("enter"))
	if m.focus != focusPane || len(m.stack) != 3 {
		t.Fatalf("enter in details: focus %v, stack %d", m.focus, len(m.stack))
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("esc"))
	if len(m.stack) != 2 {
		t.Fatalf("esc, esc: stack %d, want back at the records", len(m.stack))
	}
	if l := m.top().(*recordsView).list; l.Cursor() != 2 {
		t.Errorf("records cursor %d after coming back, want 2 (kept)", l.Cursor())
	}
	m = send(t, m, press("esc"))
	if l := m.top().(*tasksView).list; len(m.stack) != 1 || l.Cursor() != 1 {
		t.Errorf("back at tasks: stack %d cursor %d, want 1 and 1", len(m.stack), l.Cursor())
	}
	m = send(t, m, press("esc")) // nothing above the task list
	if len(m.stack) != 1 {
		t.Error("esc at the top left the task list")
	}
	// Going back did not reload what was already loaded.
	calls := src.called()
	if n := strings.Count(strings.Join(calls, "\n"), "tasks"); n != 1 {
		t.Errorf("task list loaded %d times: %v", n, calls)
	}
}

// A page answer for a view the user already left is dropped.
func TestBackNavigationDropsStaleAnswers(t *testing.T) {
	src := &dataSource{d: fake.NewDataset(7)}
	m := start(t, New(Config{Source: src, ProjectID: "proj", PageSize: 100}), 100, 30)
	m, held := sendHeld(t, m, press("enter")) // open the first task's records; hold the answer
	if len(held) != 1 {
		t.Fatalf("%d messages", len(held))
	}
	m = send(t, m, press("esc"))
	m = send(t, m, held[0]) // the records page arrives after the user went back
	if len(m.stack) != 1 {
		t.Fatal("a late answer changed the view")
	}
	m = send(t, m, press("enter")) // a new records view starts afresh
	if l := m.top().(*recordsView).list; l.Total() != len(src.d.Records[src.d.Tasks[0].ID]) {
		t.Errorf("records total %d", l.Total())
	}
}

// Started with ids, the browser opens at the details; Esc reveals the
// records and then the tasks, each loading only when shown, with the
// cursor on the record and task that were open.
func TestStartWithIDsGoesStraightIn(t *testing.T) {
	d := fake.NewDataset(7)
	task := d.Tasks[3]
	rec := d.Records[task.ID][1]
	src := &dataSource{d: d}
	m := start(t, New(Config{Source: src, ProjectID: "proj", TaskID: task.ID, RecordID: rec.ID, PageSize: 100}), 80, 24)
	if got := src.called(); len(got) != 1 || got[0] != "details "+rec.ID {
		t.Fatalf("calls %v, want the details only", got)
	}
	m = send(t, m, press("esc"))
	if l := m.top().(*recordsView).list; l.Cursor() != 1 {
		t.Errorf("records cursor %d, want 1 (the record that was open)", l.Cursor())
	}
	m = send(t, m, press("esc"))
	if l := m.top().(*tasksView).list; l.Cursor() != 3 {
		t.Errorf("tasks cursor %d, want 3 (the task that was open)", l.Cursor())
	}
}

func TestTimesInRecordZoneOrLocal(t *testing.T) {
	d := fake.NewDataset(7)
	task := d.Tasks[0]
	rec := d.Records[task.ID][0]
	// A detail whose times come in RFC 3339 UTC, with the record's zone.
	det := api.Detail{ID: "x", RecordID: rec.ID, DesktopName: "d", ExecStatus: "SUCCESS", TimeZone: "Asia/Shanghai",
		StartTime: "2026-11-27T18:00:05Z", EndTime: "2026-11-27T18:02:05Z"}
	for _, tc := range []struct {
		local bool
		want  string
	}{{false, "2026-11-28 02:00:05"}, {true, time.Date(2026, 11, 27, 18, 0, 5, 0, time.UTC).In(time.Local).Format(triage.ShownLayout)}} {
		m := start(t, New(Config{Source: &stubSource{details: []api.Detail{det}}, ProjectID: "p", TaskID: "t", RecordID: "r",
			PageSize: 100, LocalTime: tc.local}), 120, 30)
		if view := ansi.Strip(m.View()); !strings.Contains(view, tc.want) || !strings.Contains(view, "2m00s") {
			t.Errorf("local=%v: want %s in\n%s", tc.local, tc.want, view)
		}
	}
	// A time that does not parse is shown as it came.
	det.StartTime = "yesterday\x1b[2J"
	m := start(t, New(Config{Source: &stubSource{details: []api.Detail{det}}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100}), 120, 30)
	if view := m.View(); !strings.Contains(view, "yesterday␛[2J") {
		t.Errorf("unparsed time not shown as it came:\n%s", ansi.Strip(view))
	}
}

var _ tea.Model = Model{}

// Started from a task deep in a long list, Esc lands the cursor on it even
// though it is not on the first page.
func TestKeptCursorFoundBeyondTheFirstPage(t *testing.T) {
	d := fake.NewDataset(7)
	var tasks []api.Task
	for i := 0; i < 120; i++ {
		task := d.Tasks[i%len(d.Tasks)]
		task.ID = fmt.Sprintf("task-%03d", i)
		tasks = append(tasks, task)
	}
	d.Tasks = tasks
	d.Records["task-080"] = d.Records[d.Tasks[0].ID]
	src := &dataSource{d: d}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "task-080", PageSize: 100}), 100, 30)
	m = send(t, m, press("esc"))
	l := m.top().(*tasksView).list
	if got, _ := l.Selected(); got.ID != "task-080" {
		t.Errorf("cursor on %q, want task-080 (on the second page of tasks)", got.ID)
	}
}

// t switches the task list to trigger tasks, which the API lists only when
// asked for, and back; their runs open as any task's do.
func TestTriggerTasks(t *testing.T) {
	d := fake.NewDataset(7)
	src := &dataSource{d: d}
	m := start(t, New(Config{Source: src, ProjectID: "proj", PageSize: 100}), 100, 30)
	if !strings.Contains(ansi.Strip(m.View()), "9 tasks") {
		t.Fatalf("scheduled tasks:\n%s", ansi.Strip(m.View()))
	}
	m = send(t, m, press("t"))
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "2 trigger tasks") || !strings.Contains(view, "Snapshot on user logout") {
		t.Fatalf("trigger tasks:\n%s", view)
	}
	m = send(t, m, press("enter"))
	trigger := d.Tasks[8]
	if !strings.Contains(ansi.Strip(m.View()), trigger.TaskName) || len(m.stack) != 2 {
		t.Errorf("enter on a trigger task:\n%s", ansi.Strip(m.View()))
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("t"))
	if !strings.Contains(ansi.Strip(m.View()), "9 tasks") {
		t.Errorf("t again:\n%s", ansi.Strip(m.View()))
	}
	calls := strings.Join(src.called(), ",")
	if !strings.Contains(calls, "tasks LIFE_CYCLE") {
		t.Errorf("calls %s", calls)
	}
}
