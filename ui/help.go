package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/keymap"
)

// Each screen makes its own help (as soft-serve's components implement
// help.KeyMap): what Enter and Esc do, and which keys it has, depend on
// the screen. A new screen writes its help here, next to its keys; the
// keymap package holds only the bindings.

// keyHelp is a screen's help: the footer line, most important first (a
// narrow terminal cuts it from the end), and the full help's columns.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h keyHelp) ShortHelp() []key.Binding  { return h.short }
func (h keyHelp) FullHelp() [][]key.Binding { return h.full }

var _ help.KeyMap = keyHelp{}

// helpContext is what a screen's help depends on beyond the screen: the
// bindings, a level to go back to, and the mouse.
type helpContext struct {
	k                keymap.KeyMap
	canGoBack, mouse bool
}

func (c helpContext) back() key.Binding {
	b := c.k.Back
	b.SetEnabled(c.canGoBack)
	return b
}

// relabel is b saying desc.
func relabel(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// listKeys are what a list screen has beyond the common keys.
type listKeys struct {
	canOpen bool          // Enter opens a deeper level (else it shows the row's details)
	first   []key.Binding // right after Enter: Y on a batch's results
	nav     []key.Binding // after Enter and Tab: t on the task list
	lists   []key.Binding // f and / where the list has them
	triage  bool          // the details' triage keys
	extra   []key.Binding // at the end of the second column: m on the runs list
}

// list is the help of a list screen.
func (c helpContext) list(s listKeys) keyHelp {
	k := c.k
	open := key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "details"))
	if s.canOpen {
		open = k.Open
	}
	nav := append([]key.Binding{open}, s.first...)
	if s.canOpen {
		nav = append(nav, k.Focus)
	}
	nav = append(nav, s.nav...)
	short := append([]key.Binding(nil), nav...)
	if s.triage {
		short = append(short, k.FailedOnly, k.Filter, k.Groups)
	} else {
		short = append(short, s.lists...)
	}
	short = append(short, c.back(), k.Help, k.Quit, k.Refresh, k.Bottom)

	// Few, tall columns: the help model cuts columns that do not fit.
	second := append(append(append([]key.Binding(nil), nav...), k.Zoom, k.Grow, c.back()), k.Refresh, k.Watch, k.RelativeTime, k.Command, k.Help, k.Quit)
	if !s.triage {
		second = append(second, s.lists...)
		second = append(second, k.Copy) // the triage column has it in the details
	}
	if c.mouse {
		second = append(second, k.TextSelect) // the wheel and clicks need no telling
	}
	second = append(second, s.extra...)
	full := [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, second}
	if s.triage {
		t := k.Triage()
		full = append(full, t[:6], t[6:])
	}
	return keyHelp{short: short, full: full}
}

// fitColumns lays the full help's bindings out in columns that fit width
// cells: the screen's own columns when they fit, else the same bindings,
// in order, in taller columns. The help model drops a column that does
// not fit whole: a rebound key wider than its default ([keys] act =
// ["ctrl+a"]) once took the whole triage column away at 80 cells.
func fitColumns(groups [][]key.Binding, width int, sep int) [][]key.Binding {
	var all []key.Binding
	tallest := 0
	for _, g := range groups {
		n := 0
		for _, b := range g {
			if b.Enabled() {
				all = append(all, b)
				n++
			}
		}
		tallest = max(tallest, n)
	}
	if width <= 0 || columnsWidth(groups, sep) <= width {
		return groups
	}
	for height := tallest + 1; height <= len(all); height++ {
		var cols [][]key.Binding
		for i := 0; i < len(all); i += height {
			cols = append(cols, all[i:min(i+height, len(all))])
		}
		if columnsWidth(cols, sep) <= width {
			return cols
		}
	}
	return [][]key.Binding{all}
}

// columnsWidth is how wide the help model draws columns: each its widest
// key, a space and its widest description, with sep between columns.
func columnsWidth(cols [][]key.Binding, sep int) int {
	total, n := 0, 0
	for _, col := range cols {
		keys, descs := 0, 0
		for _, b := range col {
			if b.Enabled() {
				keys, descs = max(keys, ansi.StringWidth(b.Help().Key)), max(descs, ansi.StringWidth(b.Help().Desc))
			}
		}
		if keys+descs > 0 {
			total += keys + 1 + descs
			n++
		}
	}
	return total + sep*max(n-1, 0)
}
