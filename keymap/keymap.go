// Package keymap defines wksrec's key bindings and their help text.
package keymap

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
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
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Focus:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "details")),
		Back:         key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),
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
		Mark:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark baseline")),
		Act:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "actions")),
		Command:    key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		TextSelect: key.NewBinding(key.WithKeys("shift+drag"), key.WithHelp("shift+drag", "select text")),
	}
}

// Triage is every triage binding.
func (k KeyMap) Triage() []key.Binding {
	return []key.Binding{k.FailedOnly, k.Status, k.Filter, k.Sort, k.Reverse, k.SortLeft, k.Groups, k.Copy, k.CopyAll, k.Export,
		k.Compare, k.Changes, k.Gone, k.History, k.Act}
}

// Help is the help for one screen, since what Enter and Esc do depends on
// where the user is. It implements help.KeyMap.
type Help struct {
	k                          KeyMap
	canOpen, canGoBack, triage bool
	// TaskList adds the key that switches scheduled and trigger tasks;
	// OnTriggers says the list shows trigger tasks (t goes back).
	TaskList, OnTriggers bool
	// Mouse adds how to select text while the program has the mouse.
	Mouse bool
	// Filter and Failed add / and f on a list that is not the details.
	Filter, Failed bool
	// Runs adds m, which marks a run as the baseline of comparisons.
	Runs bool
	// Menu is a screen whose own letters are its keys (the action menu):
	// only leaving, help and quitting are listed.
	Menu bool
	// Sending is a screen sending power actions: Esc asks to stop them,
	// and nothing else is listed. NotApplied adds Y, which copies the
	// desktops a batch did not act on.
	Sending, NotApplied bool
}

// HelpFor returns the help of a list whose rows open a deeper level
// (canOpen) or not (Enter then focuses the detail pane), with or without a
// level to go back to, and with or without the triage keys.
func (k KeyMap) HelpFor(canOpen, canGoBack, triage bool) Help {
	return Help{k: k, canOpen: canOpen, canGoBack: canGoBack, triage: triage}
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
	if h.Menu {
		return []key.Binding{h.back(), h.k.Help, h.k.Quit}
	}
	if h.Sending {
		return []key.Binding{h.stopSending(), h.k.Help}
	}
	short := []key.Binding{h.open()}
	if h.NotApplied {
		short = append(short, h.notApplied())
	}
	if h.canOpen {
		short = append(short, h.k.Focus)
	}
	if h.TaskList {
		short = append(short, h.triggers())
	}
	if h.triage {
		short = append(short, h.k.FailedOnly, h.k.Filter, h.k.Groups)
	} else {
		short = append(short, h.lists()...)
	}
	return append(short, h.back(), h.k.Help, h.k.Quit, h.k.Refresh, h.k.Bottom)
}

// FullHelp is the expanded help, one column a group.
func (h Help) FullHelp() [][]key.Binding {
	if h.Sending {
		return [][]key.Binding{{h.stopSending(), h.k.Help}}
	}
	nav := []key.Binding{h.open()}
	if h.NotApplied {
		nav = append(nav, h.notApplied())
	}
	if h.canOpen {
		nav = append(nav, h.k.Focus)
	}
	if h.TaskList {
		nav = append(nav, h.triggers())
	}
	// Few, tall columns: the help model cuts columns that do not fit 80 cells.
	second := append(append(nav, h.k.Zoom, h.k.Grow, h.back()), h.k.Refresh, h.k.Watch, h.k.RelativeTime, h.k.Command, h.k.Help, h.k.Quit)
	if !h.triage {
		second = append(second, h.lists()...)
		second = append(second, h.k.Copy) // the triage column has it in the details
	}
	if h.Mouse {
		second = append(second, h.k.TextSelect) // the wheel and clicks need no telling
	}
	groups := [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Top, h.k.Bottom},
		second,
	}
	if h.triage {
		t := h.k.Triage()
		groups = append(groups, t[:6], t[6:])
	}
	if h.Runs {
		groups[1] = append(groups[1], h.k.Mark)
	}
	return groups
}

// stopSending is Esc while power actions go out.
func (h Help) stopSending() key.Binding {
	b := h.k.Back
	b.SetHelp(b.Help().Key, "stop sending")
	return b
}

// notApplied is Y on a batch's results.
func (h Help) notApplied() key.Binding {
	b := h.k.CopyAll
	b.SetHelp(b.Help().Key, "copy ids not acted on")
	return b
}

// triggers is t's binding, saying where it goes from here.
func (h Help) triggers() key.Binding {
	b := h.k.Triggers
	if h.OnTriggers {
		b.SetHelp("t", "scheduled tasks")
	}
	return b
}

// lists is / and f where a list other than the details has them.
func (h Help) lists() []key.Binding {
	var keys []key.Binding
	if h.Failed {
		keys = append(keys, h.k.FailedOnly)
	}
	if h.Filter {
		keys = append(keys, h.k.Filter)
	}
	return keys
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
		"history": &k.History, "mark": &k.Mark, "act": &k.Act, "command": &k.Command,
	}
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
		if key == "" || strings.ContainsAny(key, " \t") {
			return fmt.Errorf("%s: %q is not a key name", action, key)
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
	b.SetHelp(strings.Join(keys, "/"), b.Help().Desc)
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
