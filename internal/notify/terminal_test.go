package notify

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func tmuxSays(outer string, passthrough bool) func() (string, bool) {
	return func() (string, bool) { return outer, passthrough }
}

// kittyIDs replaces kitty's per-alert identifiers so expectations can be
// written out; TestKittyIdentifier checks them.
var kittyIDs = regexp.MustCompile(`i=wksrec-[0-9a-f]{8}`)

func TestTerminalSequence(t *testing.T) {
	const (
		bell  = "\a"
		osc9  = "\a\x1b]9;T: B\x07"
		osc99 = "\a\x1b]99;i=ID:d=0;T\x07\x1b]99;i=ID:d=1:p=body;B\x07"
		o777  = "\a\x1b]777;notify;T;B\x07"
	)
	tests := []struct {
		name string
		term Terminal
		want string
	}{
		{"kitty by TERM", Terminal{Getenv: envOf("TERM", "xterm-kitty")}, osc99},
		{"kitty by window id", Terminal{Getenv: envOf("TERM", "xterm-256color", "KITTY_WINDOW_ID", "3")}, osc99},
		{"iTerm2", Terminal{Getenv: envOf("TERM_PROGRAM", "iTerm.app", "TERM", "xterm-256color")}, osc9},
		{"iTerm2 over ssh", Terminal{Getenv: envOf("LC_TERMINAL", "iTerm2", "TERM", "xterm-256color")}, osc9},
		{"ghostty by program", Terminal{Getenv: envOf("TERM_PROGRAM", "ghostty")}, osc9},
		{"ghostty by TERM", Terminal{Getenv: envOf("TERM", "xterm-ghostty")}, osc9},
		{"WezTerm", Terminal{Getenv: envOf("TERM_PROGRAM", "WezTerm", "TERM", "xterm-256color")}, o777},
		{"foot", Terminal{Getenv: envOf("TERM", "foot")}, o777},
		{"foot-extra", Terminal{Getenv: envOf("TERM", "foot-extra")}, o777},
		{"urxvt", Terminal{Getenv: envOf("TERM", "rxvt-unicode-256color")}, o777},
		{"Windows Terminal", Terminal{Getenv: envOf("WT_SESSION", "1a2b", "TERM", "xterm-256color")}, bell},
		{"xterm", Terminal{Getenv: envOf("TERM", "xterm-256color")}, bell},
		{"linux console", Terminal{Getenv: envOf("TERM", "linux")}, bell},
		{"VTE", Terminal{Getenv: envOf("TERM", "xterm-256color", "VTE_VERSION", "7600")}, bell},
		{"empty environment", Terminal{Getenv: envOf()}, bell},
		{"nil Getenv", Terminal{}, bell},
		{"vscode started from iTerm2", Terminal{Getenv: envOf("TERM_PROGRAM", "vscode", "LC_TERMINAL", "iTerm2")}, bell},

		{"tmux passthrough off", Terminal{Getenv: envOf("TMUX", "/tmp/tmux-0/default,1,0", "TERM", "tmux-256color", "TERM_PROGRAM", "tmux"),
			Tmux: tmuxSays("xterm-kitty", false)}, bell},
		{"tmux on, outer kitty", Terminal{Getenv: envOf("TMUX", "/t,1,0", "TERM", "tmux-256color", "TERM_PROGRAM", "tmux"),
			Tmux: tmuxSays("xterm-kitty", true)},
			"\a\x1bPtmux;\x1b\x1b]99;i=ID:d=0;T\x07\x1b\x1b]99;i=ID:d=1:p=body;B\x07\x1b\\"},
		{"tmux on, outer foot", Terminal{Getenv: envOf("TMUX", "/t,1,0", "TERM", "screen-256color"), Tmux: tmuxSays("foot", true)},
			"\a\x1bPtmux;\x1b\x1b]777;notify;T;B\x07\x1b\\"},
		{"tmux on, iTerm2 by LC_TERMINAL", Terminal{Getenv: envOf("TMUX", "/t,1,0", "TERM_PROGRAM", "tmux", "LC_TERMINAL", "iTerm2"),
			Tmux: tmuxSays("xterm-256color", true)}, "\a\x1bPtmux;\x1b\x1b]9;T: B\x07\x1b\\"},
		{"tmux on, outer xterm", Terminal{Getenv: envOf("TMUX", "/t,1,0"), Tmux: tmuxSays("xterm-256color", true)}, bell},
		{"tmux unreachable", Terminal{Getenv: envOf("TMUX", "/t,1,0", "KITTY_WINDOW_ID", "1"), Tmux: tmuxSays("", false)}, bell},
		{"tmux without a Tmux func", Terminal{Getenv: envOf("TMUX", "/t,1,0", "LC_TERMINAL", "iTerm2")}, bell},
		{"tmux TERM but TMUX lost", Terminal{Getenv: envOf("TERM", "tmux-256color", "LC_TERMINAL", "iTerm2")}, bell},

		{"screen in WezTerm", Terminal{Getenv: envOf("STY", "123.pts-0.host", "TERM", "screen.xterm-256color", "TERM_PROGRAM", "WezTerm")},
			"\a\x1bP\x1b]777;notify;T;B\x07\x1b\\"},
		{"screen TERM in kitty", Terminal{Getenv: envOf("TERM", "screen-256color", "KITTY_WINDOW_ID", "2")},
			"\a\x1bP\x1b]99;i=ID:d=0;T\x07\x1b]99;i=ID:d=1:p=body;B\x07\x1b\\"},
		{"screen in xterm", Terminal{Getenv: envOf("STY", "1.x", "TERM", "screen")}, bell},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := kittyIDs.ReplaceAllString(TerminalSequence(tc.term, "T", "B"), "i=ID")
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestTerminalSequenceTitleOrBodyAlone(t *testing.T) {
	iterm := Terminal{Getenv: envOf("TERM_PROGRAM", "iTerm.app")}
	kitty := Terminal{Getenv: envOf("TERM", "xterm-kitty")}
	tests := []struct {
		name        string
		term        Terminal
		title, body string
		want        string
	}{
		{"nothing to say", kitty, " \t", " ", "\a"},
		{"osc9 title only", iterm, "T", "", "\a\x1b]9;T\x07"},
		{"osc9 body only", iterm, "", "B", "\a\x1b]9;B\x07"},
		{"kitty title only", kitty, "T", "", "\a\x1b]99;i=ID;T\x07"},
		{"kitty body becomes title", kitty, "", "B", "\a\x1b]99;i=ID;B\x07"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := kittyIDs.ReplaceAllString(TerminalSequence(tc.term, tc.title, tc.body), "i=ID")
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKittyIdentifier(t *testing.T) {
	kitty := Terminal{Getenv: envOf("TERM", "xterm-kitty")}
	ids := func(title, body string) []string {
		return kittyIDs.FindAllString(TerminalSequence(kitty, title, body), -1)
	}
	a := ids("desk-1 failed", "reboot")
	if len(a) != 2 || a[0] != a[1] {
		t.Fatalf("title and body chunks must share one identifier: %q", a)
	}
	if again := ids("desk-1 failed", "reboot"); again[0] != a[0] {
		t.Errorf("the same alert got a new identifier: %q then %q", a[0], again[0])
	}
	if other := ids("desk-2 failed", "reboot"); other[0] == a[0] {
		t.Errorf("different alerts share identifier %q, so one would replace the other", a[0])
	}
}

// unwrap removes a tmux or screen passthrough so the inner sequence can be
// inspected the same way as an unwrapped one.
func unwrap(t *testing.T, s string) string {
	t.Helper()
	switch {
	case strings.HasPrefix(s, "\a\x1bPtmux;"):
		inner := strings.TrimSuffix(strings.TrimPrefix(s, "\a\x1bPtmux;"), "\x1b\\")
		return "\a" + strings.ReplaceAll(inner, "\x1b\x1b", "\x1b")
	case strings.HasPrefix(s, "\a\x1bP"):
		inner := strings.TrimSuffix(strings.TrimPrefix(s, "\a\x1bP"), "\x1b\\")
		return "\a" + strings.ReplaceAll(inner, "\x1b\\\x1bP", "")
	}
	return s
}

// Whatever the title and body hold, the output has the ESCs and BELs of the
// chosen sequences and no more, so the text cannot end the notification
// early, start another sequence, or reorder what is shown.
func TestTerminalSequenceHostileText(t *testing.T) {
	terminals := []struct {
		name      string
		term      Terminal
		sequences int // OSC sequences in the unwrapped output
		semicolon string
	}{
		{"kitty", Terminal{Getenv: envOf("TERM", "xterm-kitty")}, 2, "x;y"},
		{"iTerm2", Terminal{Getenv: envOf("TERM_PROGRAM", "iTerm.app")}, 1, "x,y"},
		{"WezTerm", Terminal{Getenv: envOf("TERM_PROGRAM", "WezTerm")}, 1, "x,y"},
		{"tmux kitty", Terminal{Getenv: envOf("TMUX", "/t,1,0"), Tmux: tmuxSays("xterm-kitty", true)}, 2, "x;y"},
		{"screen WezTerm", Terminal{Getenv: envOf("STY", "1.x", "TERM_PROGRAM", "WezTerm")}, 1, "x,y"},
		{"xterm", Terminal{Getenv: envOf("TERM", "xterm")}, 0, ""},
	}
	hostile := []string{"a\x1b]0;x\x07b", "\u202e", "x;y", "\u009b31m", "\x1b\\", "\x07\x07", "c\u009cd", "\u2066e\u2069"}
	title := strings.Join(hostile, " ")
	body := strings.Join(hostile, "\n")
	for _, tc := range terminals {
		t.Run(tc.name, func(t *testing.T) {
			out := unwrap(t, TerminalSequence(tc.term, title, body))
			if n := strings.Count(out, "\x1b"); n != tc.sequences {
				t.Errorf("%d ESC, want %d (one per sequence): %q", n, tc.sequences, out)
			}
			if n := strings.Count(out, "\x07"); n != 1+tc.sequences {
				t.Errorf("%d BEL, want %d (the bell and one terminator each): %q", n, 1+tc.sequences, out)
			}
			for _, bad := range []string{"\u202e", "\u2066", "\u2069", "\u009b", "\u009c"} {
				if strings.Contains(out, bad) {
					t.Errorf("output keeps %q: %q", bad, out)
				}
			}
			if tc.semicolon != "" && !strings.Contains(out, tc.semicolon) {
				t.Errorf("want %q in %q", tc.semicolon, out)
			}
		})
	}
}

// OSC 777 has exactly two separators after "notify": a ';' in the text
// would shift the body into a third field.
func TestOSC777Fields(t *testing.T) {
	out := TerminalSequence(Terminal{Getenv: envOf("TERM", "foot")}, "a;b", "c;d;e")
	want := "\a\x1b]777;notify;a,b;c,d,e\x07"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// screen cuts long DCS strings, so the notification goes in chunks of at
// most 768 bytes that join back into the whole sequence.
func TestScreenChunks(t *testing.T) {
	term := Terminal{Getenv: envOf("STY", "1.x", "TERM_PROGRAM", "WezTerm")}
	title, body := strings.Repeat("界", 300), strings.Repeat("面", 300)
	out := TerminalSequence(term, title, body)
	if !strings.HasPrefix(out, "\a\x1bP") || !strings.HasSuffix(out, "\x1b\\") {
		t.Fatalf("not a DCS string: %q…", out[:10])
	}
	chunks := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\a\x1bP"), "\x1b\\"), "\x1b\\\x1bP")
	if len(chunks) < 2 {
		t.Fatalf("got %d chunk(s), want several", len(chunks))
	}
	for i, c := range chunks {
		if len(c) > 768 {
			t.Errorf("chunk %d is %d bytes", i, len(c))
		}
	}
	cut := func(s string) string { return strings.Repeat(s, maxRunes-1) + "…" }
	if joined, want := strings.Join(chunks, ""), "\x1b]777;notify;"+cut("界")+";"+cut("面")+"\x07"; joined != want {
		t.Errorf("chunks join to %q…, want %q…", joined[:40], want[:40])
	}
}

func TestQueryTmux(t *testing.T) {
	tests := []struct {
		option string
		want   bool
	}{{"on", true}, {"all", true}, {"off", false}, {"", false}}
	for _, tc := range tests {
		var asked [][]string
		run := func(_ context.Context, args ...string) string {
			asked = append(asked, args)
			if args[0] == "display-message" {
				return "xterm-kitty"
			}
			return tc.option
		}
		term, pass := queryTmux(context.Background(), run)
		if term != "xterm-kitty" || pass != tc.want {
			t.Errorf("allow-passthrough %q: got (%q, %v), want (xterm-kitty, %v)", tc.option, term, pass, tc.want)
		}
		want := "[[display-message -p #{client_termname}] [show-options -gqv allow-passthrough]]"
		if got := fmt.Sprint(asked); got != want {
			t.Errorf("asked tmux %s, want %s", got, want)
		}
	}
}
