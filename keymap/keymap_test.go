package keymap

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// Each key does one thing: a key bound twice would make one binding dead.
func TestNoKeyBoundTwice(t *testing.T) {
	k := Default()
	owner := map[string]string{}
	for _, b := range append([]key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open, k.Focus, k.Back, k.Refresh, k.Watch, k.Help, k.Quit, k.Triggers}, k.Triage()...) {
		for _, name := range b.Keys() {
			if prev, ok := owner[name]; ok {
				t.Errorf("key %q bound to both %q and %q", name, prev, b.Help().Desc)
			}
			owner[name] = b.Help().Desc
		}
	}
}

func TestHelpDependsOnTheScreen(t *testing.T) {
	k := Default()
	desc := func(h Help) map[string]bool {
		out := map[string]bool{}
		for _, group := range h.FullHelp() {
			for _, b := range group {
				if b.Enabled() {
					out[b.Help().Key+" "+b.Help().Desc] = true
				}
			}
		}
		return out
	}
	tasks := desc(k.HelpFor(true, false, false))
	if !tasks["enter open"] || !tasks["tab details"] || tasks["esc back"] {
		t.Errorf("tasks help: %v", tasks)
	}
	details := desc(k.HelpFor(false, true, true))
	if details["enter open"] || !details["enter/tab details"] || !details["esc back"] || !details["f failed"] || tasks["f failed"] {
		t.Errorf("details help: %v", details)
	}
	// The footer only names keys the full help documents too.
	for _, h := range []Help{k.HelpFor(true, true, false), k.HelpFor(false, false, true)} {
		full := desc(h)
		for _, b := range h.ShortHelp() {
			if b.Enabled() && !full[b.Help().Key+" "+b.Help().Desc] {
				t.Errorf("short help shows %q, missing from the full help", b.Help().Desc)
			}
		}
	}
}

// On the trigger tasks, t says it goes back to the scheduled ones.
func TestTriggersHelpSaysWhereItGoes(t *testing.T) {
	k := Default()
	h := k.HelpFor(true, false, false)
	h.TaskList = true
	if got := h.triggers().Help().Desc; got != "trigger tasks" {
		t.Errorf("on scheduled tasks t says %q", got)
	}
	h.OnTriggers = true
	if got := h.triggers().Help().Desc; got != "scheduled tasks" {
		t.Errorf("on trigger tasks t says %q", got)
	}
	if k.Triggers.Help().Desc != "trigger tasks" {
		t.Error("the key map's own binding changed")
	}
}

// A key another action has is refused; quit always keeps ctrl+c.
func TestRebindRefusesConflicts(t *testing.T) {
	k := Default()
	if err := k.Rebind("down", []string{"q"}); err == nil || !strings.Contains(err.Error(), `"q" is quit's already`) {
		t.Errorf("a conflict: %v", err)
	}
	if err := k.Rebind("quit", []string{"Q"}); err != nil || !slices.Contains(k.Quit.Keys(), "ctrl+c") {
		t.Errorf("quit without ctrl+c: %v %v", err, k.Quit.Keys())
	}
}
