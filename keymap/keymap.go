// Package keymap defines wksrec's key bindings and their help text.
package keymap

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"github.com/wksrec/wksrec/internal/sanitize"
)

// KeyMap is every binding of the browser.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Focus, Back, Zoom                 key.Binding
	Grow, Shrink                            key.Binding // the detail pane
	Refresh, Watch, Help, Quit              key.Binding
	RelativeTime                            key.Binding
	Triggers                                key.Binding // the task list: scheduled or trigger tasks

	// Triage, in the details of a record.
	FailedOnly, Status, Filter, Sort, Reverse, Groups key.Binding
	SortLeft, SortRight                               key.Binding
	Copy, CopyAll, Export                             key.Binding
	// Across runs: compare with a baseline run, cycle the change shown,
	// list the desktops gone, the history column; mark a run (runs list).
	Compare, Changes, Gone, History, Mark key.Binding
	// Now adds the NOW column: each row's desktop state now.
	Now key.Binding
	// Trend opens the task's trend: every run's failed share, the
	// desktops failing most often (T is relative times).
	Trend key.Binding
	// Act opens the power actions on the desktops shown.
	Act key.Binding
	// Command opens the command line (:region, :task…).
	Command key.Binding
	// TextSelect is help only: how to select text while the program has
	// the mouse.
	TextSelect key.Binding
}

// Default returns the standard bindings (vi keys and arrows, as in k9s and lazygit).
func Default() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+b", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Open:         key.NewBinding(key.WithKeys("enter", "l", "right"), key.WithHelp("enter", "open")), // l/→ too, as in ranger and lazygit (the footer keeps to 80 columns)
		Focus:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "details")),
		Back:         key.NewBinding(key.WithKeys("esc", "shift+tab", "h", "left"), key.WithHelp("esc", "back")), // h/← too
		Zoom:         key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom details")),
		Grow:         key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "pane size")),
		Shrink:       key.NewBinding(key.WithKeys("-", "_")),
		Refresh:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry/refresh")),
		Watch:        key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "watch")),
		RelativeTime: key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "relative times")),
		Triggers:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trigger tasks")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		FailedOnly: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "failed")),
		Status:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status")),
		Filter:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort")),
		Reverse:    key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "reverse")),
		SortLeft:   key.NewBinding(key.WithKeys("<", ","), key.WithHelp("</>", "move sort")),
		SortRight:  key.NewBinding(key.WithKeys(">", ".")),
		Groups:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "groups")),
		Copy:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id")),
		CopyAll:    key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy all ids")),
		Export:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export CSV")),
		Compare:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare runs")),
		Changes:    key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "changes")),
		Gone:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "gone")),
		History:    key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "history")),
		Now:        key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "state now")),
		Mark:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark baseline")),
		Trend:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "trend")),
		Act:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "actions")),
		Command:    key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		TextSelect: key.NewBinding(key.WithKeys("shift+drag"), key.WithHelp("shift+drag", "select text")),
	}
}

// Triage is every triage binding.
func (k KeyMap) Triage() []key.Binding {
	return []key.Binding{k.FailedOnly, k.Status, k.Filter, k.Sort, k.Reverse, k.SortLeft, k.Groups, k.Copy, k.CopyAll, k.Export,
		k.Compare, k.Changes, k.Gone, k.History, k.Now, k.Trend, k.Act}
}

// bindings names every binding as the config file's [keys] table does.
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "page_up": &k.PageUp, "page_down": &k.PageDown, "top": &k.Top, "bottom": &k.Bottom,
		"open": &k.Open, "focus": &k.Focus, "back": &k.Back, "zoom": &k.Zoom, "grow": &k.Grow, "shrink": &k.Shrink,
		"refresh": &k.Refresh, "watch": &k.Watch, "help": &k.Help, "quit": &k.Quit, "relative_time": &k.RelativeTime,
		"triggers": &k.Triggers, "failed_only": &k.FailedOnly, "status": &k.Status, "filter": &k.Filter, "sort": &k.Sort,
		"reverse": &k.Reverse, "sort_left": &k.SortLeft, "sort_right": &k.SortRight, "groups": &k.Groups, "copy": &k.Copy,
		"copy_all": &k.CopyAll, "export": &k.Export, "compare": &k.Compare, "changes": &k.Changes, "gone": &k.Gone,
		"history": &k.History, "now": &k.Now, "mark": &k.Mark, "act": &k.Act, "command": &k.Command, "trend": &k.Trend,
	}
}

// HelpOf is an action's keys and what it does, as the help says them.
func (k KeyMap) HelpOf(action string) (keys, desc string) {
	b, ok := k.bindings()[action]
	if !ok {
		return "", ""
	}
	return b.Help().Key, b.Help().Desc
}

// Actions are the names [keys] takes, sorted.
func (k KeyMap) Actions() []string {
	var names []string
	for name := range k.bindings() {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Rebind gives action the keys (as Bubble Tea names them: "j", "ctrl+d",
// "pgdown"), and the help says so.
func (k *KeyMap) Rebind(action string, keys []string) error {
	b, ok := k.bindings()[action]
	switch {
	case !ok:
		return fmt.Errorf("no action %q; the actions are %s", action, strings.Join(k.Actions(), ", "))
	case len(keys) == 0:
		return fmt.Errorf("%s needs at least one key", action)
	}
	for _, key := range keys {
		if !KeyName(key) {
			return fmt.Errorf("%s: %q is not a key Bubble Tea can deliver (keys are named as \"j\", \"G\", \"ctrl+d\", \"pgdown\", \"f5\", \"alt+x\")", action, sanitize.Line(key))
		}
		for other, ob := range k.bindings() {
			if other != action && slices.Contains(ob.Keys(), key) {
				return fmt.Errorf("%s: %q is %s's already (rebind that too)", action, key, other)
			}
		}
	}
	if action == "quit" && !slices.Contains(keys, "ctrl+c") {
		keys = append(slices.Clone(keys), "ctrl+c") // always a way out
	}
	b.SetKeys(keys...)
	b.SetHelp(sanitize.Line(strings.Join(keys, "/")), b.Help().Desc)
	// Pairs the help shows as one ("+/-"): grow and shrink, the sort's
	// left and right.
	switch action {
	case "grow", "shrink":
		k.Grow.SetHelp(k.Grow.Keys()[0]+"/"+k.Shrink.Keys()[0], "pane size")
	case "sort_left", "sort_right":
		k.SortLeft.SetHelp(k.SortLeft.Keys()[0]+"/"+k.SortRight.Keys()[0], "move sort")
	}
	return nil
}

// keyNames are the names Bubble Tea gives the keys that are not text:
// "enter", "ctrl+d", "pgdown", "f5"… (asked of Bubble Tea itself, so that
// they are its names, not a copy of them).
var keyNames = func() map[string]bool {
	names := map[string]bool{}
	for t := tea.KeyType(-128); t <= 127; t++ {
		if t == tea.KeyRunes {
			continue
		}
		if name := (tea.Key{Type: t}).String(); name != "" {
			names[name] = true
		}
	}
	return names
}()

// KeyName reports whether name is a key Bubble Tea can deliver, so that
// a binding to it can ever match: a named key, or one printable
// character, either with "alt+" before it. Anything else, a control or
// escape sequence above all, is no key (and must not reach the help,
// where it would drive the terminal).
func KeyName(name string) bool {
	name = strings.TrimPrefix(name, "alt+")
	if keyNames[name] && name != " " {
		return true
	}
	r, size := utf8.DecodeRuneInString(name)
	return size == len(name) && r != utf8.RuneError && unicode.IsGraphic(r) && !unicode.IsSpace(r) &&
		!unicode.Is(unicode.Cf, r) && runewidth.RuneWidth(r) > 0
}
