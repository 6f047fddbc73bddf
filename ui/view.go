package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/ui/sanitize"
)

// View draws the screen. It only reads state: nothing here fetches or blocks.
func (m Model) View() string {
	if !m.ready {
		return ""
	}
	parts := []string{m.headerView(), m.bodyView(), m.statusView(), m.help.View(m.keys)}
	return lipgloss.NewStyle().MaxWidth(m.width).MaxHeight(m.height).Render(strings.Join(parts, "\n"))
}

func (m Model) headerView() string {
	crumbs := m.crumbs(func(id string) string { return id })
	if lipgloss.Width(crumbs) > m.width {
		crumbs = m.crumbs(shortID) // as git abbreviates hashes; the pane has the full ids
	}

	l := m.list
	var counts string
	switch {
	case l.total < 0 && l.anyFailed():
		counts = "record not loaded"
	case l.total < 0:
		counts = m.spin.View() + " loading the first page…"
	default:
		counts = fmt.Sprintf("%s details · %s loaded", commas(l.total), commas(l.loadedRows()))
		if l.total > 0 {
			counts += fmt.Sprintf(" · row %s of %s", commas(l.cursor+1), commas(l.total))
		}
		if l.loading() {
			counts += " · " + m.spin.View() + " loading"
		}
	}
	return fit(crumbs, m.width, false) + "\n" + fit(counts, m.width, false)
}

func (m Model) crumbs(id func(string) string) string {
	return m.st.Title.Render("wksrec") + m.st.Faint.Render(" · project ") + id(sanitize.Line(m.cfg.ProjectID)) +
		m.st.Faint.Render(" › task ") + id(sanitize.Line(m.cfg.TaskID)) +
		m.st.Faint.Render(" › record ") + id(sanitize.Line(m.cfg.RecordID))
}

// shortID abbreviates a long id to its first 8 characters.
func shortID(id string) string {
	if r := []rune(id); len(r) > 12 {
		return string(r[:8]) + "…"
	}
	return id
}

func (m Model) bodyView() string {
	table := m.tableView()
	if m.pane.height == 0 {
		return table
	}
	pane := m.pane.View(m.st)
	if m.pane.side {
		return lipgloss.JoinHorizontal(lipgloss.Top, table, pane)
	}
	return lipgloss.JoinVertical(lipgloss.Left, table, pane)
}

func (m Model) tableView() string {
	l := m.list
	var msg string
	switch {
	case l.total < 0 && l.anyFailed():
		msg = m.st.Error.Render("Could not load this record.\n\n" + errorBlock(l.errAt(0), m.tableW-4))
	case l.total < 0:
		msg = m.st.Placeholder.Render(m.spin.View() + " loading…")
	case l.total == 0:
		msg = m.st.Placeholder.Render("This record has no execution details.")
	default:
		return renderTable(l, detailColumns, m.widths, m.st, m.spin.View(), m.tableW, m.tableH)
	}
	return lipgloss.NewStyle().Width(m.tableW).Height(m.tableH).MaxHeight(m.tableH).Padding(1, 2).Render(msg)
}

// statusView is the error line, or a blank line: the layout keeps it so the
// table does not jump when an error comes and goes.
func (m Model) statusView() string {
	if m.list.lastErr == nil {
		return ""
	}
	return m.st.Error.Render(fit(errorLine(m.list.lastErr), m.width, false))
}

// describeError splits err into what failed (with the API's status, code
// and request id) and a hint of what to do, both sanitised.
func describeError(err error) (what, hint string) {
	var apiErr *api.APIError
	switch {
	case errors.As(err, &apiErr):
		what, hint = apiErr.Error(), apiErr.Hint()
	case errors.Is(err, context.DeadlineExceeded):
		what, hint = "the request timed out", "the API or the network is slow: retry, or check HTTPS_PROXY"
	default:
		what = err.Error()
	}
	return sanitize.Line(what), sanitize.Line(hint)
}

// errorLine is the error in one line a person can act on.
func errorLine(err error) string {
	what, hint := describeError(err)
	if hint != "" {
		what += " – " + hint
	}
	return "✗ " + what + " · r to retry"
}

// errorBlock is the whole error, wrapped to width, for where there is room.
func errorBlock(err error, width int) string {
	what, hint := describeError(err)
	text := "✗ " + what
	if hint != "" {
		text += "\n\n" + hint
	}
	return ansi.Wrap(text+"\n\nPress r to retry.", max(width, 1), "")
}

// commas formats n with thousands separators: 12,345.
func commas(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
