package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

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

// whereView is the header's right end: where the session acts, and
// whether it may.
func (m Model) whereView() string {
	label := m.st.Faint.Render(m.cfg.Where.label())
	if m.cfg.ReadOnly {
		if m.cfg.Where.label() != "" {
			label += m.st.Faint.Render(" · ")
		}
		label += m.st.Warn.Render("read-only")
	}
	return label
}

// titleLine is the breadcrumb on the left and where the session acts on
// the right; the breadcrumb gives way first.
func (m Model) titleLine() string {
	where := m.whereView()
	w := lipgloss.Width(where)
	if w == 0 || w+12 > m.width {
		return fit(m.crumbs(m.width), m.width, false)
	}
	crumbs := fit(m.crumbs(m.width-w-1), m.width-w-1, false)
	return crumbs + strings.Repeat(" ", max(m.width-w-lipgloss.Width(crumbs), 1)) + where
}
