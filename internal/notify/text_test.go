package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOneLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "wks-dev-0042", "wks-dev-0042"},
		{"cjk kept", "研发-桌面-017", "研发-桌面-017"},
		{"osc title made visible", "a\x1b]0;x\x07b", "a␛]0;x␇b"},
		{"c1 csi made visible", "x\u009b2Jy", "x␦2Jy"},
		{"del and nul made visible", "a\x7f\x00b", "a␡␀b"},
		{"bidi override made visible", "invoice\u202egpj.exe", "invoice␦gpj.exe"},
		{"zero width made visible", "a\u200bb\ufeffc", "a␦b␦c"},
		{"newlines become one space", "a\r\n\n\tb", "a b"},
		{"line separator made visible", "a\u2028b", "a␦b"},
		{"trimmed", "  a  ", "a"},
		{"invalid utf8 made visible", "a\xffb", "a␦b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := oneLine(tc.in); got != tc.want {
				t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOneLineBoundsLength(t *testing.T) {
	got := oneLine(strings.Repeat("界", 500))
	if n := utf8.RuneCountInString(got); n != maxRunes {
		t.Errorf("got %d runes, want %d", n, maxRunes)
	}
	if !strings.HasSuffix(got, "界…") || !utf8.ValidString(got) {
		t.Errorf("cut badly: ...%q", got[len(got)-10:])
	}
	if s := strings.Repeat("a", maxRunes); oneLine(s) != s {
		t.Error("text of exactly maxRunes was cut")
	}
}
