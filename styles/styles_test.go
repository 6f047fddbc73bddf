package styles

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestStatusColours(t *testing.T) {
	s := New()
	tests := []struct {
		status string
		want   lipgloss.TerminalColor
	}{
		{"SUCCESS", palette.ok},
		{"FAIL", palette.err},
		{"FAILED", palette.err},
		{"failed", palette.err},
		{"SKIP", palette.warn},
		{"RUNNING", palette.text},
		{"SOMETHING_NEW", palette.text},
	}
	for _, tc := range tests {
		if got := s.Status(tc.status).GetForeground(); got != tc.want {
			t.Errorf("Status(%q) foreground = %v, want %v", tc.status, got, tc.want)
		}
	}
}
