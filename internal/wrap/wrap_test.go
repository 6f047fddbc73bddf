package wrap

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapText(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"桌面代理未响应：命令在 300 秒内未返回结果。请检查桌面网络连接后重试。", 20,
			"桌面代理未响应：命令\n在 300 秒内未返回结\n果。请检查桌面网络连\n接后重试。"},
		{"The desktop did not respond within 300 seconds.", 20, "The desktop did not\nrespond within 300\nseconds."},
		{"ids 1db90aa0-9ac8-17ac-6992-e37f8d5d94ed", 12, "ids\n1db90aa0-\n9ac8-17ac-\n6992-\ne37f8d5d94ed"},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij\nklmnopqrst\nuvwxyz"}, // longer than a line: cut
		{"line one\nline two", 20, "line one\nline two"},
		{"中文中文。", 8, "中文中\n文。"}, // 。 goes down with 文: no line starts with it
	} {
		got := Text(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("Text(%q, %d) =\n%s\nwant\n%s", tc.in, tc.width, got, tc.want)
		}
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > tc.width {
				t.Errorf("line %q is wider than %d", l, tc.width)
			}
		}
	}
}

// Odd input: indentation is kept, nothing is lost, no line is wider than
// asked (but for one character wider than the whole line), no line starts
// with closing punctuation, and a 200 KB value with no break is wrapped
// (it once took seconds, re-measuring the rest of the word for each line).
func TestWrapTextOddInput(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"  indented\n    more", 20, "  indented\n    more"},
		{"中文", 1, "中\n文"},
		{"ab 中", 1, "a\nb\n中"},
		{"😀x", 1, "😀\nx"},
		{"abc。def", 3, "ab\nc。\ndef"},
		{"abcdefgh。", 8, "abcdefg\nh。"},
		{"文中。", 4, "文\n中。"},
	} {
		if got := Text(tc.in, tc.width); got != tc.want {
			t.Errorf("Text(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
	long := strings.Repeat("x", 200_000)
	got := Text(long, 50)
	lines := strings.Split(got, "\n")
	if len(lines) != 4000 || strings.Join(lines, "") != long {
		t.Errorf("200 KB without a break: %d lines, text kept %v", len(lines), strings.Join(lines, "") == long)
	}
}

// Words breaks at spaces only: an id stays whole on its line; a word
// wider than the line is broken as Text breaks it (CJK between
// characters); no line is wider than asked.
func TestWords(t *testing.T) {
	cmd := "ssh -p 2222 10.0.0.5 -- --task-id a3422b24-277f-872a-3d30-51936fe3ec0c --record-id ae11633a-ef28-b53d-93aa-bbb7eba04fc4 -o csv"
	got := Words(cmd, 60)
	want := "ssh -p 2222 10.0.0.5 -- --task-id\na3422b24-277f-872a-3d30-51936fe3ec0c --record-id\nae11633a-ef28-b53d-93aa-bbb7eba04fc4 -o csv"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, s := range []string{cmd, "桌面代理未响应：命令在300秒内未返回结果。请检查桌面网络连接后重试。 then more words", strings.Repeat("x", 50) + " y"} {
		for _, line := range strings.Split(Words(s, 20), "\n") {
			if w := ansi.StringWidth(line); w > 20 {
				t.Errorf("%q: a line of %d cells: %q", s, w, line)
			}
		}
	}
	if got := Words("a\nb c", 3); got != "a\nb c" {
		t.Errorf("newlines: %q", got)
	}
}
