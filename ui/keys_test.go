package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
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
	if tr := dv(m).tr; !tr.failedOnly || tr.sortBy != sortStatus {
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
	if _, ok := m.top().(*listView[api.Record]); !ok {
		t.Fatalf("esc esc went to %T", m.top())
	}
	m = send(t, m, runes("jjj"))
	if c := m.top().(*listView[api.Record]).list.Cursor(); c != 3 {
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
