package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain ascii unchanged", "wks-dev-0042", "wks-dev-0042"},
		{"cjk unchanged", "研发-桌面-017", "研发-桌面-017"},
		{"osc title", "evil\x1b]0;PWNED\x07desk", "evil␛]0;PWNED␇desk"},
		{"osc 52 clipboard", "a\x1b]52;c;cm0gLXJm\x1b\\b", "a␛]52;c;cm0gLXJm␛\\b"},
		{"csi clear screen", "x\x1b[2J\x1b[Hy", "x␛[2J␛[Hy"},
		{"8-bit csi", "x\u009b2Jy", "x\u24262Jy"},
		{"8-bit osc", "x\u009d0;t\u009cy", "x\u24260;t\u2426y"},
		{"bidi override", "invoice\u202egpj.exe", "invoice\u2426gpj.exe"},
		{"isolates", "a\u2066b\u2069c", "a\u2426b\u2426c"},
		{"newline and tab", "a\nb\tc\r\nd", "a b c  d"},
		{"line separator", "a\u2028b", "a\u2426b"},
		{"del", "a\x7fb", "a␡b"},
		{"nul", "a\x00b", "a␀b"},
		{"invalid utf8", "a\xffb", "a\u2426b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.in); got != tc.want {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestBlockKeepsNewlines(t *testing.T) {
	got := Block("line one\r\nline two\rline three\n\x1b[31mred")
	want := "line one\nline two\nline three\n␛[31mred"
	if got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
}

// The property that matters: whatever comes in, nothing that a terminal
// would interpret goes out, and the visible width is what ansi measures.
func TestNoControlSurvives(t *testing.T) {
	hostile := []string{
		"\x1b]0;PWNED\x07", "\x1b]52;c;Zm9v\x07", "\x1b[2J", "\x1bP+q\x1b\\", "\x1b_apc\x1b\\",
		"\u009b31m", "\u009d8;;http://x\u009c", "\u202e\u2066", "\x00\x01\x1f\x7f", "\xc3\x28",
		strings.Repeat("\x1b[", 100),
	}
	for _, in := range hostile {
		for _, out := range []string{Line(in), Block(in)} {
			if !utf8.ValidString(out) {
				t.Errorf("%q: output %q is not valid UTF-8", in, out)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
					t.Errorf("%q: output %q keeps control %U", in, out, r)
				}
			}
			if ansi.Strip(out) != out {
				t.Errorf("%q: output %q still holds an escape sequence", in, out)
			}
		}
	}
}

// FuzzSanitize: whatever comes in, the output is valid UTF-8 with no
// control character, escape, C1, bidi control or invisible character, no
// cluster whose widths disagree, and Line has no newline.
func FuzzSanitize(f *testing.F) {
	for _, s := range append([]string{"evil\x1b]0;PWNED\x07desk", "\u202egpj.exe", "a\r\nb", "\xff\xfe", "研发-桌面", "\u009b2J"}, widthTraps...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, out := range []string{Line(in), Block(in)} {
			if !utf8.ValidString(out) {
				t.Fatalf("%q -> %q: invalid UTF-8", in, out)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) || isInvisible(r) {
					t.Fatalf("%q -> %q keeps %U", in, out, r)
				}
			}
		}
		if strings.Contains(Line(in), "\n") {
			t.Fatalf("Line(%q) has a newline", in)
		}
		assertWidthsAgree(t, in, Line(in))
	})
}

// widthTraps are strings whose width the layout (grapheme clusters) and a
// terminal (wcwidth per code point) measure differently, or that hide
// characters.
var widthTraps = []string{
	"soft\u00adhyphen", "zero\u200bwidth", "zw\u200djoiner", "bom\ufeffhere", "word\u2060joiner",
	"👍🏽 skin tone", "👨\u200d👩\u200d👧 family", "❤\ufe0f heart", "🇨🇳 flag", "e\u0301 combining",
	"\u115f\u1160 hangul fillers", "\u3164filler", "tag\U000e0041\U000e007f", "ab\u034fc", "mongolian\u180e",
	"ᄀ\u1161\u11a8 jamo", "क्षि devanagari", "z̴̡̛̝a̵̧̛l̸g̶o",
}

// assertWidthsAgree fails when out has a cluster that terminals and the
// layout would measure differently.
func assertWidthsAgree(t *testing.T, in, out string) {
	t.Helper()
	for rest := out; rest != ""; {
		cluster, gw := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		rest = rest[len(cluster):]
		if wc := TerminalWidth(cluster); gw != wc {
			t.Fatalf("%q -> %q: cluster %q is %d cells to the layout, %d to a terminal", in, out, cluster, gw, wc)
		}
	}
	if gw, wc := ansi.StringWidth(out), TerminalWidth(out); gw != wc {
		t.Fatalf("%q -> %q: %d cells to the layout, %d to a terminal", in, out, gw, wc)
	}
}

func TestInvisibleAndWidthTraps(t *testing.T) {
	for _, in := range widthTraps {
		out := Line(in)
		assertWidthsAgree(t, in, out)
		for _, r := range out {
			if isInvisible(r) {
				t.Errorf("%q -> %q keeps invisible %U", in, out, r)
			}
		}
	}
	for in, want := range map[string]string{
		"soft\u00adhyphen": "soft\u2426hyphen",
		"zero\u200bwidth":  "zero\u2426width",
		"bom\ufeffhere":    "bom\u2426here",
		"👍🏽":               "👍\u2426",             // 2 cells to the layout, 4 to tmux
		"क्षि":             "क\u2426\u2426\u2426", // 1 cell to the layout, 3 to tmux
		"研发-桌面":            "研发-桌面",
		"e\u0301":          "e\u0301", // a combining accent is one cell both ways: kept
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}
