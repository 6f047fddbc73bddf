package keymap

import "testing"

// Each key does one thing: a key bound twice would make one binding dead.
func TestNoKeyBoundTwice(t *testing.T) {
	k := Default()
	owner := map[string]string{}
	for _, group := range k.FullHelp() {
		for _, b := range group {
			for _, key := range b.Keys() {
				if prev, ok := owner[key]; ok {
					t.Errorf("key %q bound to both %q and %q", key, prev, b.Help().Desc)
				}
				owner[key] = b.Help().Desc
			}
		}
	}
	// The footer only names keys the full help documents too.
	for _, b := range k.ShortHelp() {
		if _, ok := owner[b.Keys()[0]]; !ok {
			t.Errorf("short help shows %q, missing from the full help", b.Help().Desc)
		}
	}
	if len(owner) < 20 {
		t.Errorf("only %d keys bound", len(owner))
	}
}
