package ui

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
)

// runes is one key message holding several characters, as Bubble Tea v1
// delivers keys that arrived in one read (SSH, a held key).
func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// Keys that arrive together act as each key in turn, on every screen.
func TestKeysArrivingTogether(t *testing.T) {
	src := &stubSource{details: demoDetails(),
		tasks:   []api.Task{{ID: "t1", TaskName: "one"}, {ID: "t2", TaskName: "two"}, {ID: "t3", TaskName: "three"}},
		records: []api.Record{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}, {ID: "r4"}}}
	// The task list: "jjk" moves down two and back one.
	m := start(t, New(Config{Source: src, ProjectID: "p", PageSize: 100}), 100, 30)
	m = send(t, m, runes("jjk"))
	if c := m.top().(*tasksView).list.Cursor(); c != 1 {
		t.Errorf("tasks: cursor %d after jjk, want 1", c)
	}
	// The details: "jjj" moves three rows; "fo" turns failed-only and a sort on.
	m = start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, runes("jjj"))
	if c := dl(m).Cursor(); c != 3 {
		t.Errorf("details: cursor %d after jjj, want 3", c)
	}
	m = send(t, m, runes("fo"))
	if tr := dv(m).tr; !tr.FailedOnly || tr.SortBy != triage.SortStatus {
		t.Errorf("details: fo gave %+v", tr)
	}
	// The groups: "wjj" opens them and moves two rows.
	m = send(t, m, runes("wjj"))
	if g, ok := m.top().(*groupsView); !ok || g.list.Cursor() != 2 {
		t.Errorf("groups: %T after wjj", m.top())
	}
	// The runs list, via Esc: "kj" moves up and down again.
	m = send(t, m, press("esc"))
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*recordsView); !ok {
		t.Fatalf("esc esc went to %T", m.top())
	}
	m = send(t, m, runes("jjj"))
	if c := m.top().(*recordsView).list.Cursor(); c != 3 {
		t.Errorf("runs: cursor %d after jjj, want 3", c)
	}
	// "q" among them quits.
	if _, cmd := m.Update(runes("jq")); cmd == nil {
		t.Error("jq did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("jq did not quit")
	}
}

// While the / prompt is open, keys that arrive together are text; a paste
// is always text.
func TestKeysArrivingTogetherInThePrompt(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 100, 30)
	m = send(t, m, press("/"))
	m = send(t, m, runes("code:"))
	m = send(t, m, runes("jq"))
	if got := dv(m).prompt.Value(); got != "code:jq" {
		t.Errorf("prompt holds %q, want code:jq", got)
	}
}

// y copies the selected row's id on every screen: a task's, a run's, a
// desktop's, and a failure group's desktops'.
func TestCopyOnEveryScreen(t *testing.T) {
	var term bytes.Buffer
	src := &stubSource{details: demoDetails()[:300],
		tasks:   []api.Task{{ID: "task-a", TaskName: "one"}, {ID: "task-b", TaskName: "two"}},
		records: []api.Record{{ID: "run-a"}, {ID: "run-b"}}}
	m := start(t, New(Config{Source: src, ProjectID: "p", PageSize: 100, Clipboard: &term}), 120, 30)
	copied := func() string {
		t.Helper()
		s := term.String()
		term.Reset()
		i := strings.Index(s, "52;c;")
		if i < 0 {
			return ""
		}
		b, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(s[i+5:], "\a"))
		return string(b)
	}
	m = send(t, m, press("j"))
	m = send(t, m, press("y"))
	if got := copied(); got != "task-b" {
		t.Errorf("y on the task list copied %q", got)
	}
	m = send(t, m, press("enter"))
	m = send(t, m, press("y"))
	if got := copied(); got != "run-a" {
		t.Errorf("y on the runs copied %q", got)
	}
	m = send(t, m, press("enter"))
	m = send(t, m, press("y"))
	if got := copied(); got != src.details[0].DesktopID {
		t.Errorf("y on the details copied %q", got)
	}
	m = send(t, m, press("w"))
	g, _ := m.top().(*groupsView).list.Selected()
	_ = send(t, m, press("y"))
	var want []string
	for _, d := range src.details {
		if d.ExecStatus == g.Key.Status && d.ResultCode == g.Key.Code && d.FailReason == g.Key.Reason {
			want = append(want, d.DesktopID)
		}
	}
	if got := copied(); got != strings.Join(want, "\n") || len(want) != g.Count {
		t.Errorf("y on a failure group copied %d ids, want its %d", strings.Count(got, "\n")+1, g.Count)
	}
}

// z zooms the pane to the whole body, scrollable; z or Esc returns. Where
// the screen is too small for a pane, Enter and Tab zoom it.
func TestZoomThePane(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
	m = send(t, m, press("z"))
	view := ansi.Strip(m.View())
	if !m.zoomed || strings.Contains(view, "DESKTOP ") || !strings.Contains(view, "z or esc back to the list") {
		t.Fatalf("z did not zoom:\n%s", view)
	}
	m = send(t, m, press("j")) // scrolls the pane, not the table
	if dl(m).Cursor() != 0 {
		t.Error("j in the zoomed pane moved the table's cursor")
	}
	m = send(t, m, press("esc"))
	if m.zoomed || m.focus != focusTable || !strings.Contains(ansi.Strip(m.View()), "DESKTOP") {
		t.Errorf("esc did not return to the table")
	}
	m = send(t, m, press("z"))
	m = send(t, m, press("z"))
	if m.zoomed {
		t.Error("z did not return")
	}
	// Too small for a pane below the table: Enter zooms.
	m = send(t, m, tea.WindowSizeMsg{Width: 60, Height: 14})
	if m.pane.height != 0 {
		t.Fatalf("a pane at 60x14: %d lines", m.pane.height)
	}
	m = send(t, m, press("enter"))
	if !m.zoomed || !strings.Contains(ansi.Strip(m.View()), "Desktop ID") {
		t.Errorf("enter on a screen too small for a pane did not zoom:\n%s", ansi.Strip(m.View()))
	}
}

// + and - grow and shrink the pane, beside the table and below it, and the
// size stays when the screen changes.
func TestGrowAndShrinkThePane(t *testing.T) {
	for _, w := range []int{80, 160} {
		m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), w, 40)
		size := func() int {
			if m.pane.side {
				return m.pane.width
			}
			return m.pane.height
		}
		before := size()
		m = send(t, m, press("+"))
		m = send(t, m, press("+"))
		grown := size()
		m = send(t, m, tea.WindowSizeMsg{Width: w, Height: 40}) // a resize keeps the choice
		if grown <= before || size() != grown {
			t.Errorf("width %d: pane %d, after ++ %d, after a resize %d", w, before, grown, size())
		}
		m = send(t, m, press("-"))
		m = send(t, m, press("-"))
		m = send(t, m, press("-"))
		if size() >= before {
			t.Errorf("width %d: pane %d after ---, was %d", w, size(), before)
		}
	}
}

// / and f filter every list: the tasks (name, type, last status,
// description; f: last run failed), the runs (status, start; f: runs with
// failures) and the failure groups (code, reason).
func TestEveryListFilters(t *testing.T) {
	src := &stubSource{details: demoDetails()[:300],
		tasks: []api.Task{{ID: "t1", TaskName: "Nightly reboot", LastStatus: "FAIL"}, {ID: "t2", TaskName: "Weekly snapshot", LastStatus: "SUCCESS"},
			{ID: "t3", TaskName: "Patch", LastStatus: "SUCCESS", Description: "reboots after the patch"}},
		records: []api.Record{{ID: "r1", Status: "SUCCESS"}, {ID: "r2", Status: "SUCCESS", FailedNum: 3}, {ID: "r3", Status: "RUNNING"}}}
	m := start(t, New(Config{Source: src, ProjectID: "p", PageSize: 100}), 120, 30)
	shown := func() []string {
		var ids []string
		switch v := m.top().(type) {
		case *tasksView:
			for i := 0; i < v.list.Count(); i++ {
				it, _ := v.list.Row(v.list.PosOf(i))
				ids = append(ids, it.ID)
			}
		case *recordsView:
			for i := 0; i < v.list.Count(); i++ {
				it, _ := v.list.Row(v.list.PosOf(i))
				ids = append(ids, it.ID)
			}
		}
		return ids
	}
	m = send(t, m, press("/"))
	m = typeText(t, m, "reboot")
	m = send(t, m, press("enter"))
	if got := strings.Join(shown(), ","); got != "t1,t3" || !strings.Contains(ansi.Strip(m.View()), "/reboot") {
		t.Errorf("tasks /reboot: %s", got)
	}
	m = send(t, m, press("f"))
	if got := strings.Join(shown(), ","); got != "t1" {
		t.Errorf("tasks /reboot and f: %s", got)
	}
	m = send(t, m, press("/"))
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = send(t, m, press("enter")) // an empty filter: the text is off
	m = send(t, m, press("f"))     // and f again: every task
	if got := strings.Join(shown(), ","); got != "t1,t2,t3" {
		t.Errorf("tasks, filters off: %s", got)
	}
	m = send(t, m, press("enter")) // the runs of t1
	m = send(t, m, press("f"))
	if got := strings.Join(shown(), ","); got != "r2" {
		t.Errorf("runs f: %s", got)
	}
	m = send(t, m, press("f"))
	m = send(t, m, press("/"))
	m = typeText(t, m, "status:running")
	m = send(t, m, press("enter"))
	if got := strings.Join(shown(), ","); got != "r3" {
		t.Errorf("runs /status:running: %s", got)
	}
	m = send(t, m, press("/"))
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = send(t, m, press("enter"))
	m = send(t, m, press("enter")) // r1's details
	m = send(t, m, press("w"))
	m = send(t, m, press("/"))
	m = typeText(t, m, "quota")
	m = send(t, m, press("enter"))
	g := m.top().(*groupsView)
	if g.list.Count() == 0 {
		t.Fatal("no group matches quota")
	}
	for i := 0; i < g.list.Count(); i++ {
		it, _ := g.list.Row(g.list.PosOf(i))
		if !strings.Contains(strings.ToLower(it.Key.Reason), "quota") {
			t.Errorf("group %q shown under /quota", it.Key.Reason)
		}
	}
}

// T shows the tables' times relative to now, and back; the pane keeps the
// exact time.
func TestRelativeTimes(t *testing.T) {
	first := demoDetails()[0].StartTime
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 120, 30)
	m.views.tf.Now = func() time.Time { return time.Date(2026, 11, 28, 5, 0, 0, 0, time.FixedZone("CST", 8*3600)) }
	m = send(t, m, press("T"))
	row := strings.Split(ansi.Strip(m.View()), "\n")[4]
	m = send(t, m, press("z")) // the pane, zoomed, has every field
	if view := ansi.Strip(m.View()); !strings.Contains(row, "2h 58m ago") || !strings.Contains(view, "Started      "+first+" CST") {
		t.Errorf("T: row %q; the pane must keep the exact time:\n%s", row, view)
	}
	m = send(t, m, press("z"))
	m = send(t, m, press("T"))
	if row := strings.Split(ansi.Strip(m.View()), "\n")[4]; !strings.Contains(row, first) {
		t.Errorf("T again: row %q", row)
	}
}

// Fixes from a review of issue 11's work.
func TestReviewFixesReading(t *testing.T) {
	// A kept run that finished while away is refreshed, with its new totals.
	src := &stubSource{details: []api.Detail{{ID: "d1", ExecStatus: "RUNNING"}}, records: []api.Record{{ID: "run", Status: "RUNNING"}}}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", PageSize: 100}), 120, 30)
	m = send(t, m, press("enter"))
	m = send(t, m, press("esc"))
	src.mu.Lock()
	src.details = []api.Detail{{ID: "d1", ExecStatus: "SUCCESS"}}
	src.records = []api.Record{{ID: "run", Status: "SUCCESS", SuccessNum: 1}}
	src.mu.Unlock()
	m = send(t, m, press("r"))
	m = send(t, m, press("enter"))
	if d, _ := dl(m).Selected(); d.Detail().ExecStatus != "SUCCESS" || dv(m).record.SuccessNum != 1 {
		t.Errorf("a run that finished while away shows %s with %+v", d.Detail().ExecStatus, dv(m).record)
	}
	// With T on, the pane keeps the exact start the table shows as "3h ago";
	// and filtering runs by their start still matches the absolute time.
	dm := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 120, 30)
	if strings.Contains(ansi.Strip(dm.View()), "Started      2026") {
		t.Fatal("the pane repeats the start the table shows")
	}
	dm = send(t, dm, press("T"))
	if !strings.Contains(ansi.Strip(dm.View()), "Started      "+demoDetails()[0].StartTime+" CST") {
		t.Errorf("with T on, the pane dropped the exact start:\n%s", ansi.Strip(dm.View()))
	}
	runs := &stubSource{details: demoDetails(), records: []api.Record{{ID: "a", StartTime: "2026-11-27 02:00:00"}, {ID: "b", StartTime: "2026-11-28 02:00:00"}}}
	rm := start(t, New(Config{Source: runs, ProjectID: "p", TaskID: "t", PageSize: 100}), 120, 30)
	rm = send(t, rm, press("T"))
	rm = send(t, rm, press("/"))
	rm = typeText(t, rm, "2026-11-28")
	rm = send(t, rm, press("enter"))
	if n := rm.top().(*recordsView).list.Count(); n != 1 {
		t.Errorf("runs /2026-11-28 with T on: %d rows, want 1", n)
	}
	// A focused pane lets the screen's keys through: f still filters.
	m = send(t, m, press("tab"))
	m = send(t, m, press("f"))
	if !dv(m).tr.FailedOnly {
		t.Error("f with the pane focused did nothing")
	}
	// The full help on a short terminal gives way to the footer line.
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 12})
	m = send(t, m, press("?"))
	if m.help.ShowAll || len(strings.Split(m.View(), "\n")) > 12 {
		t.Error("the full help overflows a 12-line terminal")
	}
}

// Tab, z, z, Esc: the zoom ends where it began (the pane focused), and
// Esc then leaves the pane, not the run.
func TestUnzoomKeepsThePaneFocused(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 120, 40)
	for _, k := range []string{"tab", "z", "z", "esc"} {
		m = send(t, m, press(k))
	}
	if _, ok := m.top().(*detailsView); !ok || m.focus != focusTable || m.zoomed {
		t.Errorf("tab z z esc: on %T, focus %v, zoomed %v", m.top(), m.focus, m.zoomed)
	}
	m = send(t, m, press("z"))
	m = send(t, m, press("esc")) // from the table: the zoom ends on the table
	if _, ok := m.top().(*detailsView); !ok || m.focus != focusTable || m.zoomed {
		t.Errorf("z esc: on %T, focus %v, zoomed %v", m.top(), m.focus, m.zoomed)
	}
}

// l and → open, h and ← go back (ranger, lazygit); in the action menu h
// is still hibernate.
func TestHAndLMoveThroughTheLevels(t *testing.T) {
	data := fake.NewDataset(5)
	for _, keys := range [][2]string{{"l", "h"}, {"right", "left"}} {
		m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100}), 120, 40)
		m = send(t, m, press(keys[0]))
		if _, ok := m.top().(*recordsView); !ok {
			t.Fatalf("%s on the tasks opened %T", keys[0], m.top())
		}
		m = send(t, m, press(keys[0]))
		if _, ok := m.top().(*detailsView); !ok {
			t.Fatalf("%s on the runs opened %T", keys[0], m.top())
		}
		m = send(t, m, press(keys[1]))
		if _, ok := m.top().(*recordsView); !ok {
			t.Errorf("%s in the details went to %T", keys[1], m.top())
		}
	}
}

// ! shows a status line cut at the terminal's width whole, wrapped, in
// the footer's place; ! or esc goes back, and on a line that fits it
// says so.
func TestBangShowsTheLineWhole(t *testing.T) {
	long := &api.APIError{Status: 403, Code: "WKS.00000403", Message: "The user has no permission for this operation on the desktop pool.", RequestID: "5f1c0e7a9b"}
	m := start(t, newTestModel(&stubSource{details: demoDetails(), errs: map[int]error{2500: long}}, 100), 80, 24)
	m = send(t, m, press("G"))
	if !strings.Contains(ansi.Strip(m.View()), "(!)") {
		t.Fatalf("the cut line does not say ! shows it:\n%s", ansi.Strip(m.View()))
	}
	m = send(t, m, press("!"))
	view := ansi.Strip(m.View())
	if !strings.Contains(strings.Join(strings.Fields(view), " "), "on the desktop pool.") || !strings.Contains(view, "! or esc: back") {
		t.Errorf("! did not show the error whole:\n%s", view)
	}
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*detailsView); !ok || m.whole != "" {
		t.Errorf("esc after !: on %T, whole %q", m.top(), m.whole)
	}
	m = start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
	m = send(t, m, press("!"))
	if m.whole != "" || !strings.Contains(m.note, "nothing is cut") {
		t.Errorf("! on a whole line: whole %q, note %q", m.whole, m.note)
	}
	// A note a key left (over SSH, what e says to run instead) is shown
	// whole too: ! does not clear it first.
	m.note = "run ssh -p 2222 10.0.0.5 -- --task-id 1b2c3d4e --record-id 5f6a7b8c --status FAIL -o csv > rows.csv where you are"
	m = send(t, m, press("!"))
	if !strings.Contains(m.whole, "> rows.csv where you are") {
		t.Errorf("! on a cut note: whole %q, note %q", m.whole, m.note)
	}
}

// o sorts the task list by its columns in turn (name first), O reverses,
// the sorted column's title carries ▲ or ▼, and past the last column the
// list is in the API's order again; a filter stays on.
func TestTaskListSorts(t *testing.T) {
	data := fake.NewDataset(5)
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100}), 120, 40)
	names := func() []string {
		var out []string
		l := m.top().(*tasksView).list
		for i := range l.Count() {
			if it, ok := l.Row(l.PosOf(i)); ok {
				out = append(out, strings.ToLower(it.TaskName))
			}
		}
		return out
	}
	api := names()
	m = send(t, m, press("o"))
	if got := names(); !slices.IsSorted(got) || len(got) != len(api) || !strings.Contains(ansi.Strip(m.View()), "TASK ▲") {
		t.Errorf("o: %v", got)
	}
	m = send(t, m, press("O"))
	if got := names(); !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }) || !strings.Contains(ansi.Strip(m.View()), "TASK ▼") {
		t.Errorf("O: %v", got)
	}
	for range 10 { // the columns shown in turn, then none
		if m = send(t, m, press("o")); m.top().(*tasksView).colSort == 0 {
			break
		}
	}
	if got := names(); !slices.Equal(got, api) {
		t.Errorf("past the last column: %v, want the API's order %v", got, api)
	}
	m = send(t, m, press("f")) // the tasks whose last run failed
	m = send(t, m, press("o"))
	if got := names(); !slices.IsSorted(got) || len(got) >= len(api) {
		t.Errorf("f then o: %v", got)
	}
}

// Esc with the full help open closes the help; the screen stays.
func TestEscClosesTheHelpFirst(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()[:10]}, 100), 100, 30)
	m = send(t, m, press("?"))
	if !m.help.ShowAll {
		t.Fatal("? did not open the help")
	}
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*detailsView); !ok || m.help.ShowAll {
		t.Fatalf("esc: help open %v, on %T", m.help.ShowAll, m.top())
	}
}

// One row is counted in the singular: "1 request or refusal".
func TestNounForOne(t *testing.T) {
	for _, tc := range []struct {
		n          int
		noun, want string
	}{{1, "requests and refusals", "request or refusal"}, {2, "requests and refusals", "requests and refusals"},
		{1, "details", "detail"}, {0, "details", "details"}, {1, "something new", "something new"}} {
		if got := nounFor(tc.n, tc.noun); got != tc.want {
			t.Errorf("nounFor(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
