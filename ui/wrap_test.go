package ui

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
		got := wrapText(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("wrapText(%q, %d) =\n%s\nwant\n%s", tc.in, tc.width, got, tc.want)
		}
		for _, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > tc.width {
				t.Errorf("line %q is wider than %d", l, tc.width)
			}
		}
	}
}
