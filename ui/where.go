package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/sanitize"
)

// Where says what a session reads and acts on: where a power action
// would go. The header always shows it, so that nobody reboots the
// desktops of the wrong region or profile.
type Where struct {
	Region   string // the region the endpoint is named after
	Endpoint string // the endpoint's host, when given rather than made from the region
	Profile  string // the KooCLI profile whose keys are used
	Demo     bool   // the built-in fake API
}

// label is the session's place in a few words: "cn-north-4 · profile
// prod", "api.example.com", "demo".
func (w Where) label() string {
	var parts []string
	switch {
	case w.Demo:
		parts = append(parts, "demo")
	case w.Endpoint != "":
		parts = append(parts, w.Endpoint)
	case w.Region != "":
		parts = append(parts, w.Region)
	}
	if w.Profile != "" {
		parts = append(parts, "profile "+w.Profile)
	}
	return sanitize.Line(strings.Join(parts, " · "))
}

// whereView is the header's right end in at most width cells: where the
// session acts, and whether it may. Where room is short the place is
// shortened; the read-only mark is never dropped.
func (m Model) whereView(width int) string {
	place := m.cfg.Where.label()
	mark := ""
	if m.cfg.ReadOnly {
		mark = "read-only"
		if place != "" {
			mark = " · read-only"
		}
	}
	if w := width - lipgloss.Width(mark); lipgloss.Width(place) > w {
		place = ansi.Truncate(place, max(w, 0), "…")
	}
	if lipgloss.Width(mark) > width {
		mark = ansi.Truncate(strings.TrimPrefix(mark, " · "), max(width, 0), "")
	}
	return m.st.Faint.Render(place) + m.st.Warn.Render(mark)
}

// titleLine is the breadcrumb on the left and where the session acts on
// the right. The breadcrumb gives way first, down to "wksrec"; then
// where the session acts is shortened.
func (m Model) titleLine() string {
	const least = len("wksrec ") // the breadcrumb's least
	where := m.whereView(max(m.width-least, 0))
	w := lipgloss.Width(where)
	if w == 0 {
		return fit(m.crumbs(m.width), m.width, false)
	}
	crumbs := fit(m.crumbs(m.width-w-1), max(m.width-w-1, 0), false)
	return crumbs + strings.Repeat(" ", max(m.width-w-lipgloss.Width(crumbs), 1)) + where
}
