package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// A key goes, in order, to: the command line or a prompt when one is
// open; a modal screen's letters; the keys common to every screen; the
// detail pane when focused; the screen's own keys; moving and opening.

// handleKey handles one key; quit says the program ends.
func (m *Model) handleKey(msg tea.KeyMsg) (cmd tea.Cmd, quit bool) {
	if cmd, quit, handled := m.promptKey(msg); handled {
		return cmd, quit
	}
	if cmd, quit, handled := m.commonKey(msg); handled {
		return cmd, quit
	}
	k := m.keys
	if m.focus == focusPane && m.paneKey(msg) {
		return nil, false
	}
	// Any other key acts on the screen, as without the pane (y, f, /, w…);
	// Enter on a focused pane does nothing more.
	if m.focus == focusPane && key.Matches(msg, k.Open) {
		return nil, false
	}
	if kv, ok := m.top().(keyed); ok {
		if cmd, handled := kv.key(m, msg); handled {
			return cmd, false
		}
	}
	return m.moveKey(msg), false
}

// promptKey gives the key to what takes every key first: the command
// line, an open prompt, : itself, a modal screen.
func (m *Model) promptKey(msg tea.KeyMsg) (cmd tea.Cmd, quit, handled bool) {
	k := m.keys
	if m.cmd.open {
		if msg.Type == tea.KeyEnter && quitCommand(m.cmd.input.Value()) {
			m.cmd.open = false
			m.cmd.input.Blur()
			return nil, !m.sendingActions(), true
		}
		return m.cmdlineKey(msg), false, true
	}
	if p, ok := m.top().(prompter); ok && p.prompting() {
		return p.promptUpdate(m, msg), msg.Type == tea.KeyCtrlC && !m.sendingActions(), true
	}
	if key.Matches(msg, k.Command) {
		if m.sendingActions() {
			m.note = "power actions are being sent: the command line waits for their answers"
			return nil, false, true
		}
		return m.openCmdline(), false, true
	}
	if md, ok := m.top().(modal); ok && md.modal() && (msg.Type != tea.KeyCtrlC || m.sendingActions()) {
		if cmd, handled := md.key(m, msg); handled {
			return cmd, false, true // its letters before the common keys (r is reboot there)
		}
	}
	return nil, false, false
}

// commonKey handles the keys every screen has: quit, help, refresh,
// watch, zoom, relative times, the pane's size.
func (m *Model) commonKey(msg tea.KeyMsg) (cmd tea.Cmd, quit, handled bool) {
	k := m.keys
	if m.whole != "" && (msg.String() == "!" || key.Matches(msg, k.Back)) {
		m.whole = ""
		return m.layout(), false, true
	}
	if m.help.ShowAll && key.Matches(msg, k.Back) {
		m.help.ShowAll = false // esc closes the help first, as it does a prompt: the screen stays
		return m.layout(), false, true
	}
	switch {
	case msg.String() == "!":
		// The status line whole: an error's hint, a comparison's counts.
		text, _ := m.statusText()
		if ansi.StringWidth(text) <= m.width {
			m.note = "nothing is cut: the line above is whole"
			return nil, false, true
		}
		m.whole = text
		return m.layout(), false, true
	case key.Matches(msg, k.Quit) && m.sendingActions():
		m.note = "power actions are going out: wait for their answers before quitting (esc on their screen stops them)"
		return nil, false, true
	case key.Matches(msg, k.Quit):
		return nil, true, true
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m.layout(), false, true
	case key.Matches(msg, k.Refresh):
		return m.top().refresh(), false, true
	case key.Matches(msg, k.Watch):
		return m.toggleWatch(), false, true
	case key.Matches(msg, k.Zoom):
		return m.setZoom(!m.zoomed), false, true
	case key.Matches(msg, k.RelativeTime):
		m.views.tf.ToggleRelative()
		m.note = "times in the tables are absolute again"
		if m.views.tf.Relative {
			m.note = "times in the tables are relative to now (T: absolute)"
		}
		return nil, false, true
	case key.Matches(msg, k.Grow), key.Matches(msg, k.Shrink):
		step := 1
		if key.Matches(msg, k.Shrink) {
			step = -1
		}
		m.paneGrow = clamp(m.paneGrow+step, -8, 8)
		return m.layout(), false, true
	case m.zoomed && key.Matches(msg, k.Back):
		return m.setZoom(false), false, true
	}
	return nil, false, false
}

// moveKey moves, copies, opens and goes back on the screen on top.
func (m *Model) moveKey(msg tea.KeyMsg) tea.Cmd {
	k, v := m.keys, m.top()
	page := max(v.status().pageHeight-1, 1)
	switch {
	case key.Matches(msg, k.Copy):
		if c, ok := v.(copier); ok {
			if text, what, ok := c.copySelected(); ok {
				return m.copyText(text, what)
			}
		}
	case key.Matches(msg, k.Up):
		return v.moveBy(-1)
	case key.Matches(msg, k.Down):
		return v.moveBy(1)
	case key.Matches(msg, k.PageUp):
		return v.moveBy(-page)
	case key.Matches(msg, k.PageDown):
		return v.moveBy(page)
	case key.Matches(msg, k.Top):
		return v.moveTo(0)
	case key.Matches(msg, k.Bottom):
		return v.moveTo(v.status().total - 1)
	case key.Matches(msg, k.Open) && !v.leaf():
		return m.push(v.open())
	case key.Matches(msg, k.Open), key.Matches(msg, k.Focus):
		return m.focusPane()
	case key.Matches(msg, k.Back):
		return m.pop()
	}
	return nil
}
