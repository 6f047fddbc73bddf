package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/keymap"
)

// Screens own their keys, prompts and pending work (as soft-serve's
// components do): the root model routes messages to them through the
// optional interfaces below, keeps the stack and lays out, and never asks
// which concrete screen is on top.

// host is what a screen may ask of the root model.
type host interface {
	keyMap() keymap.KeyMap
	copyText(text, what string) tea.Cmd
	setNote(note string)
	push(v view) tea.Cmd
	pop() tea.Cmd
	replaceRoot(v view) tea.Cmd
	exportDir() string
	// exportRefused is what e says instead of writing a file ("" when it
	// writes one), given -o's flags for the same rows: see exportOrSay.
	exportRefused(args []string) string
	// showing reports v on top, with no prompt or command line open:
	// where keys typed go to v.
	showing(v view) bool
}

// keyed is a screen with keys of its own, asked before the common ones
// (movement, Enter, Esc).
type keyed interface {
	key(h host, msg tea.KeyMsg) (cmd tea.Cmd, handled bool)
}

// modal is a screen whose keys, while modal, come before the common ones
// (a menu whose letters are r, s, x…).
type modal interface {
	keyed
	modal() bool
}

// prompter is a screen that can open a text prompt. While it is open the
// prompt gets every key, and every message the root does not know (a
// paste, a cursor blink).
type prompter interface {
	prompting() bool
	promptUpdate(h host, msg tea.Msg) tea.Cmd
	// promptView is the prompt line and the footer that says what Enter
	// and Esc do there (or why the text does not parse).
	promptView(width int) (line, footer string)
}

// pageWatcher is a screen with work to do when a page arrives anywhere on
// the stack: work that waited for every row, groups to recount.
type pageWatcher interface {
	afterPage(h host) tea.Cmd
}

// sender is a screen sending requests that change the cloud: q, : and a
// switch of session wait for it.
type sender interface {
	sending() bool
}

// jumper is a screen whose rows the command line names (:task on the
// task list, :run on a task's runs).
type jumper interface {
	jumpVerb() string
	// names are what the verb completes to, from the rows loaded.
	names() []string
	// jump finds the row arg names and returns what opens it (the
	// screen's cursor moves onto the row and its child screen is made),
	// to be called once the screens above this one are closed; or nil and
	// a note saying why not.
	jump(arg string) (open func() view, note string)
}

// copier is a screen whose selected row has an id worth copying (the ids
// -o needs: a task's, a run's; a failure group's desktops').
type copier interface {
	copySelected() (text, what string, ok bool)
}

// progressor is a screen that is loading every page, with a bar to show.
type progressor interface {
	loadProgress() string
}

// The root model is the host.

func (m *Model) keyMap() keymap.KeyMap              { return m.keys }
func (m *Model) copyText(text, what string) tea.Cmd { return m.clip.copy(text, what) }
func (m *Model) setNote(note string)                { m.note = note }

func (m *Model) showing(v view) bool {
	_, prompt := m.openPrompt()
	return m.top() == v && !prompt && !m.cmd.open
}

func (m *Model) exportDir() string {
	if m.cfg.ExportDir == "" {
		return "."
	}
	return m.cfg.ExportDir
}

func (m *Model) exportRefused(args []string) string {
	switch {
	case m.cfg.ExportOverSSH == "":
		return ""
	case len(args) == 0:
		return "over SSH e writes nothing on the server"
	}
	return sshCommand(m.cfg.ExportOverSSH, args) + " prints these rows where you are (over SSH e writes nothing on the server)"
}

// replaceRoot puts v at the bottom of the stack in place of the task list
// (scheduled or trigger tasks).
func (m *Model) replaceRoot(v view) tea.Cmd {
	m.stack[0].close()
	m.stack[0] = v
	return tea.Batch(m.layout(), v.start())
}
