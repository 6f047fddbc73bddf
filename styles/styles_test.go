package styles

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestStatusColours(t *testing.T) {
	s := New(nil, false)
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

// Without colour every style keeps its attributes and loses its colour:
// the selection stays reverse and bold.
func TestNoColourKeepsAttributes(t *testing.T) {
	s := New(nil, true)
	for name, st := range map[string]lipgloss.Style{"title": s.Title, "error": s.Error, "fail": s.Status("FAIL"), "ok": s.Status("SUCCESS"), "faint": s.Faint} {
		if _, none := st.GetForeground().(lipgloss.NoColor); !none {
			t.Errorf("%s has colour %v", name, st.GetForeground())
		}
	}
	if !s.Selected.GetReverse() || !s.Selected.GetBold() || !s.Error.GetBold() {
		t.Error("attributes lost without colour")
	}
}
