package ui

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// One end-to-end flow through a real Bubble Tea program, the real client and
// the fake API over loopback HTTP: open, jump to the end, open the pane, quit.
func TestFlowAgainstFakeAPI(t *testing.T) {
	client, srv := fakeClient(t, fake.Options{Seed: 7, Latency: 20 * time.Millisecond})
	data := srv.Data()
	task := data.Tasks[0].ID
	rec := data.Records[task][0].ID
	details := data.Details[rec]

	m := New(Config{Source: client, ProjectID: "proj-flow", TaskID: task, RecordID: rec, PageSize: 100})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "2,537 details", details[0].DesktopName)

	tm.Send(tea.KeyMsg{Type: tea.KeyEnd})
	waitFor(t, tm, "row 2,537 of 2,537", details[2536].DesktopName)

	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "▸ Details")

	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if d, ok := dl(final).Selected(); !ok || d.Detail().ID != details[2536].ID {
		t.Errorf("selected %q, want the last detail", d.Detail().ID)
	}

	var offsets []string
	for _, r := range srv.Requests() {
		offsets = append(offsets, r.Offset)
	}
	if !reflect.DeepEqual(offsets, []string{"0", "2500"}) {
		t.Errorf("requests at offsets %v, want [0 2500]: no pages in between", offsets)
	}
}

// Triage end to end: failed only, a text filter, the failure groups, and
// Enter on a group, through a real program and HTTP with some latency.
func TestFlowTriage(t *testing.T) {
	client, srv := fakeClient(t, fake.Options{Seed: 7, Latency: 5 * time.Millisecond})
	data := srv.Data()
	task := data.Tasks[0].ID
	rec := data.Records[task][0].ID
	tm := teatest.NewTestModel(t, New(Config{Source: client, ProjectID: "proj-flow", TaskID: task, RecordID: rec, PageSize: 100}),
		teatest.WithInitialTermSize(120, 40))
	waitFor(t, tm, "2,537 details")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("f")})
	failed := 0
	for _, d := range data.Details[rec] {
		if d.ExecStatus == "FAIL" {
			failed++
		}
	}
	waitFor(t, tm, commas(failed)+" of 2,537: failed only")
	tm.Type("/reason:agent")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "failed only · /reason:agent")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("w")})
	waitFor(t, tm, "failure groups", "COUNT")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "group WKS.")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	v := final.top().(*detailsView)
	rows := shownRows(v)
	if len(rows) == 0 || v.tr.Group == nil {
		t.Fatalf("%d rows, group %v", len(rows), v.tr.Group)
	}
	want := 0
	for _, d := range data.Details[rec] {
		if d.ExecStatus == v.tr.Group.Status && d.ResultCode == v.tr.Group.Code && d.FailReason == v.tr.Group.Reason {
			want++
		}
	}
	if len(rows) != want {
		t.Errorf("%d rows shown, want the group's %d", len(rows), want)
	}
	for _, d := range rows {
		if d.ResultCode != v.tr.Group.Code || d.FailReason != v.tr.Group.Reason {
			t.Fatalf("row %+v is not in the group", d)
		}
	}
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		if seen[r.Offset] {
			t.Errorf("offset %s requested twice", r.Offset)
		}
		seen[r.Offset] = true
	}
}

// fakeClient starts the fake API on loopback and returns a client of
// project "proj-flow" for it.
func fakeClient(t *testing.T, opts fake.Options) (*api.Client, *fake.Server) {
	t.Helper()
	srv := fake.New(opts)
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	auth, _ := api.NewTokenAuth("flow-token")
	client, err := api.New(api.Config{Endpoint: url, ProjectID: "proj-flow", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return client, srv
}

// waitFor waits until the output written since the last wait holds every
// text (the renderer writes only what changed, so they are asked for together).
// The drill-down end to end: tasks, a task's records, a record's details,
// and back up, through a real program and HTTP.
func TestFlowDrillDown(t *testing.T) {
	client, srv := fakeClient(t, fake.Options{Seed: 7})
	data := srv.Data()
	task := data.Tasks[2]
	rec := data.Records[task.ID][0]

	tm := teatest.NewTestModel(t, New(Config{Source: client, ProjectID: "proj-flow", PageSize: 100}), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "9 tasks", task.TaskName)
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, task.TaskName, commas(len(data.Records[task.ID]))+" records")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, rec.StartTime, commas(len(data.Details[rec.ID]))+" details", data.Details[rec.ID][0].DesktopName)
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitFor(t, tm, commas(len(data.Records[task.ID]))+" records")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitFor(t, tm, "9 tasks")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if l := final.top().(*tasksView).list; len(final.stack) != 1 || l.Cursor() != 2 {
		t.Errorf("ended with %d views, cursor %d; want the task list with the cursor kept on row 3", len(final.stack), l.Cursor())
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Path)
	}
	want := []string{
		"/v2/proj-flow/scheduled-tasks",
		"/v2/proj-flow/scheduled-tasks/" + task.ID + "/records",
		"/v2/proj-flow/scheduled-tasks/" + task.ID + "/records/" + rec.ID,
	}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("requests %v, want %v: one each, nothing reloaded on the way back", paths, want)
	}
}

func waitFor(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
