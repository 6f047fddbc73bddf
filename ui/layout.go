package ui

// The screen's layout: how the window splits between the header, the
// table, the detail pane and the help footer, and which of table and pane
// has the keys (focus, zoom).

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// focusPane gives the keys to the pane; where the screen is too small to
// show a pane beside or below the table, it zooms the pane instead.
func (m *Model) focusPane() tea.Cmd {
	if m.pane.height == 0 {
		return m.setZoom(true)
	}
	m.focus = focusPane
	m.pane.Focus()
	return nil
}

// setZoom gives the pane the whole body (scrollable; z or Esc returns),
// or gives the table back.
func (m *Model) setZoom(on bool) tea.Cmd {
	if on && !m.zoomed {
		m.unzoomTo = m.focus
	}
	m.zoomed = on
	if on || m.unzoomTo == focusPane {
		m.focus = focusPane
		m.pane.Focus()
	} else {
		m.focus = focusTable
		m.pane.Blur()
	}
	return m.layout()
}

// paneKey handles the keys that move in the pane; it reports whether msg
// was one of them.
func (m *Model) paneKey(msg tea.KeyMsg) bool {
	k, vp := m.keys, &m.pane.vp
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Focus):
		if m.zoomed {
			m.setZoom(false)
			return true
		}
		m.focus = focusTable
		m.pane.Blur()
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}

// layout splits the window: two header lines, the body (table and pane),
// a status line and the help footer.
func (m *Model) layout() tea.Cmd {
	if !m.ready {
		return nil
	}
	m.help.Width = m.width
	footerH := lineCount(m.help.View(m.helpKeys()))
	if m.whole != "" {
		footerH = lineCount(m.wholeView())
	}
	if m.help.ShowAll && m.headerHeight()+1+footerH+2 > m.height {
		// The full help would push the list off the screen and lose its
		// own last lines: the footer line it is.
		m.help.ShowAll = false
		m.note = "the full help needs a taller terminal"
		footerH = lineCount(m.help.View(m.helpKeys()))
	}
	bodyH := max(m.height-m.headerHeight()-1-footerH, 1)
	side := m.width >= sideBySideWidth
	var paneW, paneH int
	if side {
		paneW, paneH = clamp(m.width*2/5+m.paneGrow*4, 24, m.width-40), bodyH
		m.tableW, m.tableH = m.width-paneW, bodyH
	} else {
		paneW, paneH = m.width, paneHeightBelow(bodyH)
		if paneH > 0 {
			paneH = clamp(paneH+m.paneGrow*2, 3, bodyH-3)
		}
		m.tableW, m.tableH = m.width, bodyH-paneH
	}
	// A short list gives the lines it does not need to the pane below it.
	m.layoutShown = m.top().status().shown
	if s := m.top().status(); !side && paneH > 0 && s.total >= 0 {
		if need := max(s.shown+titleLines(m.tableH), 3); need < m.tableH {
			paneH += m.tableH - need
			m.tableH = need
		}
	}
	m.pane.SetSize(paneW, paneH, side)
	if m.zoomed {
		m.pane.SetSize(m.width, bodyH, false)
	}
	m.pane.zoomed = m.zoomed
	if m.pane.height == 0 && m.focus == focusPane {
		m.focus = focusTable
		m.pane.Blur()
	}
	colsW := m.tableW
	if side {
		colsW-- // one blank column between the last cell and the pane's border
	}
	return m.top().setSize(colsW, m.tableH)
}

// helpKeys is the help of the screen on top, its columns fitted to the
// terminal's width.
func (m *Model) helpKeys() keyHelp {
	h := m.top().helpKeys(helpContext{k: m.keys, canGoBack: len(m.stack) > 1, mouse: m.cfg.Mouse})
	if m.help.ShowAll { // the footer line needs no columns
		h.full = fitColumns(h.full, m.width, ansi.StringWidth(m.help.FullSeparator))
	}
	return h
}

// syncPane shows the selected row in the pane.
func (m *Model) syncPane() {
	id, text := m.top().pane(m.st, m.pane.vp.Width, m.zoomed)
	m.pane.SetContent(id, text)
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }
