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

// Only keys Bubble Tea can deliver are taken: an escape sequence would
// drive the terminal from the help, and "ctrl-c" never matches.
func TestRebindTakesOnlyKeyNames(t *testing.T) {
	for _, name := range []string{"\x1b]0;PWN\x07", "ctrl-c", "", " ", "j k", "\u202e", "ab", "\x07", "alt+", "shift+drag"} {
		k := Default()
		if err := k.Rebind("down", []string{name}); err == nil {
			t.Errorf("%q taken", name)
		} else if strings.ContainsAny(err.Error(), "\x1b\x07\u202e") {
			t.Errorf("the refusal of %q carries it raw: %q", name, err)
		}
	}
	for _, name := range []string{"ctrl+a", "f5", "alt+x", "Z", "研", "ctrl+pgdown", "insert", "ctrl+shift+up", "!", "alt+enter"} {
		k := Default()
		if err := k.Rebind("copy", []string{name}); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
}
