package ui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// wheelLines is how far one wheel notch scrolls.
const wheelLines = 3

// mouse handles the wheel and clicks: the wheel scrolls the list or the
// detail pane, whichever is under the pointer; a click on a row selects
// it, a click on the pane focuses it. (With mouse reporting on, the
// terminal selects text with Shift+drag, as the help says.)
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if !m.ready || !m.cfg.Mouse || m.openPromptKey() {
		return nil // with --mouse=false, what a terminal sends anyway is ignored
	}
	onPane := m.overPane(msg.X, msg.Y) || (m.zoomed && msg.Y >= m.headerHeight())
	switch {
	case msg.Action != tea.MouseActionPress:
		return nil
	case msg.Button == tea.MouseButtonWheelUp && onPane:
		m.pane.vp.ScrollUp(wheelLines)
	case msg.Button == tea.MouseButtonWheelDown && onPane:
		m.pane.vp.ScrollDown(wheelLines)
	case msg.Button == tea.MouseButtonWheelUp && m.overTable(msg.X, msg.Y):
		return m.top().moveBy(-wheelLines)
	case msg.Button == tea.MouseButtonWheelDown && m.overTable(msg.X, msg.Y):
		return m.top().moveBy(wheelLines)
	case msg.Button == tea.MouseButtonLeft && onPane:
		m.focusPane()
	case msg.Button == tea.MouseButtonLeft && m.overTable(msg.X, msg.Y):
		if m.focus == focusPane {
			m.focus = focusTable
			m.pane.Blur()
		}
		y := msg.Y - m.headerHeight()
		if ts, ok := m.top().(titleSorter); ok && y == 0 && titleLines(m.tableH) == 1 {
			return ts.sortByTitleAt(msg.X) // a click on a column's title sorts by it
		}
		if i := m.top().rowAt(y); i >= 0 {
			return m.top().moveTo(i)
		}
	}
	return nil
}

// titleSorter is a screen whose columns a click on their title sorts by
// (again: the other way).
type titleSorter interface{ sortByTitleAt(x int) tea.Cmd }

// openPromptKey reports an open prompt, which the mouse leaves alone.
func (m *Model) openPromptKey() bool {
	_, open := m.openPrompt()
	return open || m.cmd.open
}

// overTable and overPane say what is under cell (x, y).
func (m *Model) overTable(x, y int) bool {
	top := m.headerHeight()
	return x >= 0 && x < m.tableW && y >= top && y < top+m.tableH
}

func (m *Model) overPane(x, y int) bool {
	if m.pane.height == 0 {
		return false
	}
	top := m.headerHeight()
	if m.pane.side {
		return x >= m.tableW && y >= top && y < top+m.pane.height
	}
	return y >= top+m.tableH && y < top+m.tableH+m.pane.height
}
