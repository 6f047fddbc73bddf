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
