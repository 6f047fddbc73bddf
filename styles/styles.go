// Package styles holds wksrec's small semantic palette and the lipgloss
// styles built from it. Colours are adaptive (light and dark backgrounds);
// nothing here is the only carrier of meaning: statuses are always written
// out and the selected row has a marker, so NO_COLOR loses no information.
package styles

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Palette is the semantic colour set.
var palette = struct {
	text, faint, accent, ok, warn, err lipgloss.AdaptiveColor
}{
	text:   lipgloss.AdaptiveColor{Light: "#1f2328", Dark: "#e6edf3"},
	faint:  lipgloss.AdaptiveColor{Light: "#6e7781", Dark: "#8b949e"},
	accent: lipgloss.AdaptiveColor{Light: "#0550ae", Dark: "#58a6ff"},
	ok:     lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"},
	warn:   lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
	err:    lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
}

// Styles is every style the UI uses, built once.
type Styles struct {
	Title       lipgloss.Style
	Faint       lipgloss.Style
	Accent      lipgloss.Style
	Label       lipgloss.Style
	ColumnTitle lipgloss.Style
	Selected    lipgloss.Style
	Placeholder lipgloss.Style
	Error       lipgloss.Style
	Warn        lipgloss.Style // what to look at twice: bold, so it stands out without colour
	Note        lipgloss.Style
	Pane        lipgloss.Style
	PaneFocused lipgloss.Style

	statusOK, statusWarn, statusErr, statusOther lipgloss.Style
}

// New builds the styles for the terminal r writes to (its colour profile
// and background; nil is lipgloss's default, this process's terminal: a
// session served over SSH has a terminal of its own). noColor (NO_COLOR)
// leaves out every colour but keeps the attributes: the selected row stays
// in reverse video and bold, so the cursor shows beyond its ▶ marker.
func New(r *lipgloss.Renderer, noColor bool) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	c := func(a lipgloss.AdaptiveColor) lipgloss.TerminalColor {
		if noColor {
			return lipgloss.NoColor{}
		}
		return a
	}
	return Styles{
		Title:       r.NewStyle().Bold(true).Foreground(c(palette.accent)),
		Faint:       r.NewStyle().Foreground(c(palette.faint)),
		Accent:      r.NewStyle().Foreground(c(palette.accent)),
		Label:       r.NewStyle().Foreground(c(palette.faint)),
		ColumnTitle: r.NewStyle().Bold(true).Underline(true),
		// Reverse video marks the selection without any colour.
		Selected:    r.NewStyle().Reverse(true).Bold(true),
		Placeholder: r.NewStyle().Foreground(c(palette.faint)).Italic(true),
		Error:       r.NewStyle().Foreground(c(palette.err)).Bold(true),
		Warn:        r.NewStyle().Foreground(c(palette.warn)).Bold(true),
		Note:        r.NewStyle().Foreground(c(palette.faint)),
		Pane:        r.NewStyle().BorderForeground(c(palette.faint)),
		PaneFocused: r.NewStyle().BorderForeground(c(palette.accent)),

		statusOK:    r.NewStyle().Foreground(c(palette.ok)),
		statusWarn:  r.NewStyle().Foreground(c(palette.warn)),
		statusErr:   r.NewStyle().Foreground(c(palette.err)).Bold(true),
		statusOther: r.NewStyle().Foreground(c(palette.text)),
	}
}

// Status returns the style for an execution status. The API leaves the set
// open, so anything unknown gets the neutral style and is shown verbatim.
func (s Styles) Status(status string) lipgloss.Style {
	switch strings.ToUpper(status) {
	case "SUCCESS":
		return s.statusOK
	case "FAIL", "FAILED":
		return s.statusErr
	case "SKIP", "SKIPPED":
		return s.statusWarn
	}
	return s.statusOther
}
