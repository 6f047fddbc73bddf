// Package keymap defines wksrec's key bindings and their help text.
package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the browser. It implements help.KeyMap.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Focus, Back                             key.Binding
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
		Focus:    key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "details")),
		Back:     key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry/refresh")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the footer line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Bottom, k.Focus, k.Refresh, k.Help, k.Quit}
}

// FullHelp is the expanded help, one column a group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Focus, k.Back},
		{k.Refresh, k.Help, k.Quit},
	}
}
