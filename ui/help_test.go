package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/keymap"
)

// shown is the bindings a help shows, "key desc", enabled ones only.
func shown(h keyHelp) map[string]bool {
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

// What Enter and Esc do, and which keys there are, depend on the screen;
// the footer names only keys the full help documents too.
func TestHelpDependsOnTheScreen(t *testing.T) {
	t.Parallel() // a model and sources of its own
	k := keymap.Default()
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100}), 120, 40)
	tasks := m.top().helpKeys(helpContext{k: k})
	if h := shown(tasks); !h["enter open"] || !h["tab details"] || h["esc back"] || !h["t trigger tasks"] {
		t.Errorf("tasks help: %v", h)
	}
	m = send(t, m, press("t"))
	if h := shown(m.top().helpKeys(helpContext{k: k})); !h["t scheduled tasks"] {
		t.Errorf("on the trigger tasks, t says: %v", h)
	}
	m = start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100}), 120, 40)
	details := m.top().helpKeys(helpContext{k: k, canGoBack: true})
	if h := shown(details); h["enter open"] || !h["enter/tab details"] || !h["esc back"] || !h["f failed"] || !h["a actions"] {
		t.Errorf("details help: %v", h)
	}
	runs := m.stack[1].helpKeys(helpContext{k: k, canGoBack: true})
	if h := shown(runs); !h["m mark baseline"] || h["a actions"] {
		t.Errorf("runs help: %v", h)
	}
	for _, h := range []keyHelp{tasks, details, runs} {
		full := shown(h)
		for _, b := range h.ShortHelp() {
			if b.Enabled() && !full[b.Help().Key+" "+b.Help().Desc] {
				t.Errorf("the footer shows %q, missing from the full help", b.Help().Desc)
			}
		}
	}
}

// A rebound key wider than its default ([keys] act = ["ctrl+a"]) once
// made the details' full help at 80 columns lose its whole triage column:
// every key is still there, in taller columns.
func TestFullHelpKeepsEveryKeyWhenRebound(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	for _, rebind := range [][2]string{{"act", "ctrl+a"}, {"compare", "ctrl+k"}, {"history", "alt+h"}} {
		k := keymap.Default()
		if err := k.Rebind(rebind[0], []string{rebind[1]}); err != nil {
			t.Fatal(err)
		}
		m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID,
			PageSize: 100, Keys: &k}), 80, 24)
		m = send(t, m, press("?"))
		view := ansi.Strip(m.View())
		for _, b := range k.Triage() {
			if h := b.Help(); !regexp.MustCompile(regexp.QuoteMeta(h.Key) + ` +` + regexp.QuoteMeta(h.Desc)).MatchString(view) {
				t.Errorf("%s rebound to %s: the full help lacks %q:\n%s", rebind[0], rebind[1], h.Key+" "+h.Desc, view)
			}
		}
		for _, line := range strings.Split(view, "\n") {
			if ansi.StringWidth(line) > 80 {
				t.Fatalf("a line wider than 80: %q", line)
			}
		}
	}
}
