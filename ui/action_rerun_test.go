package ui

import (
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/testclock"
)

// t in the action menu runs the task again on the desktops shown: the
// confirmation names the task it makes; typed out, the task is made (a
// one-off task on exactly those desktops); once its run begins, it opens.
func TestRerunFromTheMenu(t *testing.T) {
	clk := testclock.Ticking(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), time.Second) // moves a second each time it is read: time passes as the browser works
	c, srv := loopbackClient(t, fake.Options{Seed: 7, Now: clk.Now})
	d := srv.Data()
	var task string
	for _, tk := range d.Tasks {
		if strings.HasPrefix(tk.TaskName, "Patch") {
			task = tk.ID
		}
	}
	run := d.Records[task][0]
	failed := map[string]bool{}
	for _, x := range d.Details[run.ID] {
		if x.ExecStatus == "FAIL" {
			failed[x.DesktopID] = true
		}
	}
	before := len(d.Tasks)
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: run.ID, Record: &run, PageSize: 100, Now: clk.Now,
		AuditPath: filepath.Join(t.TempDir(), "actions.log"), JobPoll: time.Nanosecond, DesktopRest: time.Nanosecond, Clipboard: io.Discard}), 120, 40)
	m.watch.after = instantTick // the re-run's run is watched once it opens: no real ticks
	m = send(t, m, press("f"))
	m = send(t, m, press("a"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "t run the task again on them") {
		t.Fatalf("no re-run in the menu:\n%s", view)
	}
	m = send(t, m, press("t"))
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "Creates 1 one-off task") || !strings.Contains(view, "Patch Tuesday: install updates (re-run of "+run.StartTime[:16]+")") {
		t.Fatalf("the confirmation:\n%s", view)
	}
	m = typeText(t, m, strconv.Itoa(len(failed)))
	m = send(t, m, press("enter"))
	if got := len(srv.Data().Tasks); got != before+1 {
		t.Fatalf("%d tasks made", got-before)
	}
	top, ok := m.top().(*detailsView)
	if ok && !strings.Contains(ansi.Strip(m.View()), "(re-run of "+run.StartTime[:16]+")") {
		t.Fatalf("the header does not name the re-run's task:\n%s", ansi.Strip(m.View()))
	}
	if !ok || top.taskID == task {
		t.Fatalf("the re-run's run did not open: %T\n%s", m.top(), ansi.Strip(m.View()))
	}
	made := srv.Data().Tasks[before]
	rows := srv.Data().Details[top.recordID]
	if top.taskID != made.ID || len(rows) != len(failed) {
		t.Fatalf("opened task %s run %s with %d rows; made %s on %d desktops", top.taskID, top.recordID, len(rows), made.ID, len(failed))
	}
	for _, r := range rows {
		if !failed[r.DesktopID] {
			t.Fatalf("the re-run ran on %s, which did not fail", r.DesktopID)
		}
	}
}
