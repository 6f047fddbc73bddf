package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
)

func wheel(x, y int, up bool) tea.MouseMsg {
	b := tea.MouseButtonWheelDown
	if up {
		b = tea.MouseButtonWheelUp
	}
	return tea.MouseMsg{X: x, Y: y, Button: b, Action: tea.MouseActionPress}
}

func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress}
}

// The wheel scrolls what is under the pointer; a click selects a row or
// focuses the pane. With the pane below the table (80 columns) and beside
// it (120).
func TestMouse(t *testing.T) {
	for _, width := range []int{80, 120} {
		cfg := Config{Source: &stubSource{details: demoDetails()}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, Mouse: true}
		m := start(t, New(cfg), width, 40)
		firstRow := m.headerHeight() + titleLines(m.tableH) // the screen line of the first row
		m = send(t, m, wheel(2, firstRow, false))
		if c := dl(m).Cursor(); c != wheelLines {
			t.Fatalf("width %d: wheel down on the table: cursor %d, want %d", width, c, wheelLines)
		}
		m = send(t, m, wheel(2, firstRow, true))
		m = send(t, m, click(5, firstRow+4))
		if c := dl(m).Cursor(); c != 4 {
			t.Errorf("width %d: click on the fifth row: cursor %d", width, c)
		}
		// The pane: below the table at 80 columns, beside it at 120.
		px, py := 2, m.headerHeight()+m.tableH+2
		if m.pane.side {
			px, py = m.tableW+3, firstRow
		}
		m = send(t, m, wheel(px, py, false))
		if dl(m).Cursor() != 4 {
			t.Errorf("width %d: the wheel over the pane moved the table's cursor", width)
		}
		m = send(t, m, click(px, py))
		if m.focus != focusPane {
			t.Errorf("width %d: a click on the pane did not focus it", width)
		}
		m = send(t, m, click(5, firstRow+1))
		if m.focus != focusTable || dl(m).Cursor() != 1 {
			t.Errorf("width %d: a click on a row: focus %v, cursor %d", width, m.focus, dl(m).Cursor())
		}
		if m.pane.side { // the border is the pane's first column
			m = send(t, m, click(m.tableW-1, firstRow+2))
			if m.focus != focusTable || dl(m).Cursor() != 2 {
				t.Errorf("a click on the table's last column: focus %v, cursor %d", m.focus, dl(m).Cursor())
			}
			m = send(t, m, click(m.tableW, firstRow+2))
			if m.focus != focusPane {
				t.Error("a click on the pane's border did not focus it")
			}
			m = send(t, m, press("esc"))
		}
		// Scrolled down, a click still selects the row drawn there.
		m = send(t, m, press("G"))
		top := dl(m).Top()
		m = send(t, m, click(5, firstRow+3))
		if c := dl(m).Cursor(); top == 0 || c != top+3 {
			t.Errorf("width %d: scrolled to %d, a click on the fourth row selected %d", width, top, c)
		}
	}
}

// With --mouse=false the program ignores mouse events a terminal sends
// anyway: the mouse belongs to the terminal.
func TestMouseOffIgnoresTheMouse(t *testing.T) {
	cfg := Config{Source: &stubSource{details: demoDetails()}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100}
	m := start(t, New(cfg), 80, 40)
	m = send(t, m, wheel(2, m.headerHeight()+2, false))
	m = send(t, m, click(2, m.headerHeight()+4))
	if c := dl(m).Cursor(); c != 0 {
		t.Errorf("cursor %d after mouse events with the mouse off", c)
	}
}

// The full help says what the mouse does and how to select text.
func TestHelpMentionsTheMouse(t *testing.T) {
	cfg := Config{Source: &stubSource{details: demoDetails()}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, Mouse: true}
	m := start(t, New(cfg), 120, 40)
	m = send(t, m, press("?"))
	if !containsPlain(m.View(), "shift+drag") || !containsPlain(m.View(), "select text") {
		t.Errorf("help:\n%s", m.View())
	}
}

func containsPlain(view, s string) bool { return strings.Contains(ansi.Strip(view), s) }

// A click on a column's title sorts by it (again: the other way): the
// task list's own columns, and the details' triage sort.
func TestClickOnATitleSorts(t *testing.T) {
	data := fake.NewDataset(5)
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100, Mouse: true}), 120, 40)
	tv := m.top().(*tasksView)
	click := func(x int) {
		m = send(t, m, tea.MouseMsg{X: x, Y: m.headerHeight(), Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	}
	typeX := markerWidth + tv.widths[0] + 2 // inside TYPE, the second column
	click(typeX)
	if tv.colSort != 2 || tv.colDesc || !strings.Contains(ansi.Strip(m.View()), "TYPE ▲") {
		t.Errorf("a click on TYPE: sorted by column %d, desc %v", tv.colSort, tv.colDesc)
	}
	click(typeX)
	if tv.colSort != 2 || !tv.colDesc {
		t.Errorf("a second click: column %d, desc %v", tv.colSort, tv.colDesc)
	}
	m = send(t, m, press("enter"))
	m = send(t, m, press("enter"))
	v := dv(m)
	statusX := -1
	for x := 0; x < 120; x++ {
		if c := columnAt(v.widths, x); c >= 0 && v.cols[c].title == "STATUS" {
			statusX = x
			break
		}
	}
	click(statusX)
	if v.tr.SortBy != triage.SortStatus {
		t.Errorf("a click on the details' STATUS: sort %v", v.tr.SortBy)
	}
}
