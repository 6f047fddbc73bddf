// Package keymap defines wksrec's key bindings and their help text.
package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the browser.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Focus, Back                       key.Binding
	Refresh, Help, Quit                     key.Binding
}

// Default returns the standard bindings (vi keys and arrows, as in k9s and lazygit).
func Default() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Focus:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "details")),
		Back:     key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry/refresh")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// Help is the help for one screen, since what Enter and Esc do depends on
// where the user is. It implements help.KeyMap.
type Help struct {
	k                  KeyMap
	canOpen, canGoBack bool
}

// HelpFor returns the help of a list whose rows open a deeper level
// (canOpen) or not (Enter then focuses the detail pane), with or without a
// level to go back to.
func (k KeyMap) HelpFor(canOpen, canGoBack bool) Help {
	return Help{k: k, canOpen: canOpen, canGoBack: canGoBack}
}

func (h Help) open() key.Binding {
	if h.canOpen {
		return h.k.Open
	}
	return key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "details"))
}

func (h Help) back() key.Binding {
	b := h.k.Back
	b.SetEnabled(h.canGoBack)
	return b
}

// ShortHelp is the footer line, most important first: on a narrow
// terminal the help model cuts it from the end.
func (h Help) ShortHelp() []key.Binding {
	short := []key.Binding{h.open()}
	if h.canOpen {
		short = append(short, h.k.Focus)
	}
	return append(short, h.back(), h.k.Refresh, h.k.Help, h.k.Quit, h.k.Bottom)
}

// FullHelp is the expanded help, one column a group.
func (h Help) FullHelp() [][]key.Binding {
	nav := []key.Binding{h.open()}
	if h.canOpen {
		nav = append(nav, h.k.Focus)
	}
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown},
		append(append([]key.Binding{h.k.Top, h.k.Bottom}, nav...), h.back()),
		{h.k.Refresh, h.k.Help, h.k.Quit},
	}
}
