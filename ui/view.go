package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/wrap"
)

// View draws the screen. It only reads state: nothing here fetches or blocks.
func (m Model) View() string {
	if !m.ready {
		return ""
	}
	parts := []string{m.headerView(), m.bodyView(), m.statusView(), m.footerView()}
	return clip(strings.Join(parts, "\n"), m.width, m.height)
}

// clip keeps the first height lines, each cut to width cells. Every part
// is drawn to fit already; this is the guard for tiny terminals, and it is
// cheap where a lipgloss MaxWidth/MaxHeight pass over the screen is not.
func clip(s string, width, height int) string {
	lines := strings.SplitN(s, "\n", height+1)
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	return strings.Join(lines, "\n")
}

// padLines pads each line of s with spaces to width cells. The table's
// lines fit already: this is lipgloss's Width without its wrapping pass,
// which cost more than drawing the rows.
func padLines(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w < width {
			lines[i] = l + strings.Repeat(" ", width-w)
		}
	}
	return strings.Join(lines, "\n")
}

// countsLine is the header's second line: the list's size, what is
// loaded, the position, the filter, loading, watch mode; short, for a
// narrow terminal, says "all loaded" once all is and shortens watch
// mode's words, not its times.
func (m Model) countsLine(s listStatus, short bool) string {
	counts := fmt.Sprintf("%s %s · %s loaded", commas(s.total), nounFor(s.total, s.noun), commas(s.loaded))
	if short && s.loaded == s.total {
		counts = fmt.Sprintf("%s %s", commas(s.total), nounFor(s.total, s.noun))
	}
	if s.stored {
		counts += " from the store"
	}
	if s.total > 0 {
		counts += fmt.Sprintf(" · row %s of %s", commas(min(s.cursor+1, s.shown)), commas(s.shown))
	}
	if s.filter != "" {
		counts += " · " + sanitize.Line(s.filter)
	}
	if s.loading {
		counts += " · " + m.spin.View() + " loading"
	}
	if m.watch.on && short {
		counts += " · " + m.watch.whenShort()
	} else if m.watch.on {
		counts += " · " + m.watch.when()
	}
	return counts
}

func (m Model) headerView() string {
	s := m.top().status()
	var counts string
	switch {
	case s.firstPageFail:
		counts = s.noun + " not loaded"
	case s.total < 0:
		counts = m.spin.View() + " loading the first page of " + s.noun + "…"
	default:
		counts = m.countsLine(s, false)
		if ansi.StringWidth(counts) > m.width {
			counts = m.countsLine(s, true) // the times of watch mode kept, words shortened
		}
	}
	header := m.titleLine() + "\n" + fit(counts, m.width, false)
	if sv, ok := m.top().(summarizer); ok {
		header += "\n" + fit(sv.summary(m.loadProgress()), m.width, false)
	}
	return header
}

// summarizer is a view with a third header line (per-status counts,
// filters, progress).
type summarizer interface {
	summary(progress string) string
}

func (m Model) headerHeight() int {
	if _, ok := m.top().(summarizer); ok {
		return 3
	}
	return 2
}

// loadProgress is the bar of the screen on top, while it loads every page.
func (m Model) loadProgress() string {
	if p, ok := m.top().(progressor); ok {
		return p.loadProgress()
	}
	return ""
}

// openPrompt is the screen on top's prompt, when one is open.
func (m Model) openPrompt() (prompter, bool) {
	p, ok := m.top().(prompter)
	return p, ok && p.prompting()
}

// crumbs is the breadcrumb: project › task › record, each level named by
// the view on the stack. short abbreviates the project id (as git does
// hashes; the pane has full ids) and every level but the last, so the
// line fits an 80-column terminal.
//
// Where it does not fit, the least specific parts give way first: the
// project id is shortened, then dropped, then the levels above the last
// are shortened, then dropped, so the run on screen stays named.
func (m Model) crumbs(width int) string {
	levels := make([]string, 0, len(m.stack))
	for _, v := range m.stack[1:] {
		levels = append(levels, v.crumb())
	}
	member, project := m.projectShown()
	member, project = sanitize.Line(member), sanitize.Line(project)
	for step := 0; ; step++ {
		b := m.st.Title.Render("wksrec")
		if member != "" {
			b += m.st.Faint.Render(" · ") + member
		}
		switch {
		case project == "":
		case step == 0:
			b += m.st.Faint.Render(" · project ") + project
		case step == 1:
			b += m.st.Faint.Render(" · project ") + shortID(project)
		}
		for i, c := range levels {
			last := i == len(levels)-1
			switch {
			case last:
			case step == 3:
				c = ansi.Truncate(c, 18, "…")
			case step >= 4:
				c = "…"
			}
			b += m.st.Faint.Render(" › ") + c
		}
		if lipgloss.Width(b) <= width || step >= 4 {
			return b
		}
	}
}

// shortID abbreviates a long id to its first 8 characters.
func shortID(id string) string {
	if r := []rune(id); len(r) > 12 {
		return string(r[:8]) + "…"
	}
	return id
}

func (m Model) bodyView() string {
	if m.zoomed {
		return m.pane.View(m.st)
	}
	table := padLines(m.top().table(m.st, m.spin.View()), m.tableW)
	if m.pane.height == 0 {
		return table
	}
	pane := m.pane.View(m.st)
	if m.pane.side {
		return lipgloss.JoinHorizontal(lipgloss.Top, table, pane)
	}
	return lipgloss.JoinVertical(lipgloss.Left, table, pane)
}

// footerView is the key help, or while a prompt is open what Enter and Esc
// do there (or why its text does not parse).
func (m Model) footerView() string {
	if m.whole != "" {
		return m.wholeView()
	}
	if m.cmd.open {
		_, footer := m.cmdlinePrompt()
		return m.st.Faint.Render(fit(sanitize.Line(footer), m.width, false))
	}
	p, open := m.openPrompt()
	if !open && m.help.ShowAll {
		return m.help.View(m.helpKeys())
	}
	if !open {
		return m.shortHelp()
	}
	_, footer := p.promptView(m.width)
	if strings.HasPrefix(footer, "✗") {
		return m.st.Error.Render(fit(sanitize.Line(footer), m.width, false))
	}
	return m.st.Faint.Render(fit(footer, m.width, false))
}

// statusView is the prompt, a note, the error line, or a blank line: the
// layout keeps it so the table does not jump when an error comes and goes.
func (m Model) statusView() string {
	if m.cmd.open {
		line, _ := m.cmdlinePrompt()
		return line
	}
	if p, open := m.openPrompt(); open {
		line, _ := p.promptView(m.width)
		return line
	}
	text, style := m.statusText()
	if text == "" {
		return ""
	}
	if ansi.StringWidth(text) > m.width && m.width > 12 {
		// Cut: ! shows it whole (an error's hint is at its end).
		return style.Render(fit(text, m.width-4, false) + " (!)")
	}
	return style.Render(fit(text, m.width, false))
}

// statusText is the status line's text, sanitised, and its style: a note,
// a page waiting or failed, the screen's own line (a comparison).
func (m Model) statusText() (string, lipgloss.Style) {
	if m.note != "" {
		return sanitize.Line(m.note), m.st.Note
	}
	s := m.top().status()
	if s.err != nil && s.waiting {
		return waitingLine(s, m.clock()), m.st.Note
	}
	if s.err != nil {
		return errorLine(s.err), m.st.Error
	}
	if sl, ok := m.top().(statusLiner); ok {
		if line, isErr := sl.statusLine(m.width); isErr {
			return sanitize.Line(line), m.st.Error
		} else if line != "" {
			return line, lipgloss.NewStyle()
		}
	}
	return "", lipgloss.NewStyle()
}

// wholeView is the status line whole, wrapped, where the footer was (!).
func (m Model) wholeView() string {
	lines := strings.Split(wrap.Words(m.whole, max(m.width, 10)), "\n") // at spaces: a command or an id shown whole stays copyable
	lines = append(lines, m.st.Faint.Render(fit("! or esc: back", m.width, false)))
	return strings.Join(lines, "\n")
}

// statusLiner is a screen with a line of its own to show when there is no
// note or error (a comparison of runs).
type statusLiner interface {
	// statusLine is the line for a terminal width columns wide: a
	// shorter form where the whole would be cut.
	statusLine(width int) (line string, isErr bool)
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

// waitingLine says a routine retry is under way: what happened, and when
// the page is asked again. Throttling or a gateway's 503 is waiting, not
// failure: no ✗, no "r to retry".
func waitingLine(s listStatus, now time.Time) string {
	what, _ := describeError(s.err)
	in := max(s.due.Sub(now), 0).Round(time.Second)
	line := "↻ " + what + " – asked again "
	if in <= 0 {
		line += "now"
	} else {
		line += "in " + in.String()
	}
	if s.nextTry >= 2 {
		line += fmt.Sprintf(" (try %d)", s.nextTry)
	}
	return line
}

// clock is the time the screen is drawn at.
func (m Model) clock() time.Time {
	if m.cfg.Now != nil {
		return m.cfg.Now()
	}
	return time.Now()
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
func commas(n int) string { return numfmt.Commas(n) }

// progressBar draws done/total as a bar of width cells and a percentage.
// bubbles/progress is built around animation and true-colour gradients; a
// static bar of block characters reads the same with NO_COLOR and on any
// terminal.
func progressBar(done, total, width int) string {
	if total <= 0 {
		return ""
	}
	done = clamp(done, 0, total)
	filled := done * width / total
	return "▕" + strings.Repeat("█", filled) + strings.Repeat("░", width-filled) + "▏" + fmt.Sprintf(" %d%%", done*100/total)
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// shortHelp is the footer line: as many keys as fit whole, most important
// first, then "…" when some did not and there is room for it. (bubbles/help adds a key that does
// not fit when the "…" would not fit either, and the clipped line then
// ends in a dangling separator.)
func (m Model) shortHelp() string {
	keys := m.helpKeys().ShortHelp()
	enabled := keys[:0:0]
	for _, k := range keys {
		if k.Enabled() {
			enabled = append(enabled, k)
		}
	}
	h := m.help
	h.Width = 0 // no truncation of its own: we choose what fits
	for n := len(enabled); n > 0; n-- {
		line := h.ShortHelpView(enabled[:n])
		w := ansi.StringWidth(line)
		if w > m.width {
			continue
		}
		if n < len(enabled) && w+2 <= m.width {
			line += " " + m.st.Faint.Render("…") // more keys: ? shows them
		}
		return line
	}
	return ""
}

// singular are the lists' nouns for one row: "1 request or refusal", not
// "1 requests and refusals".
var singular = map[string]string{
	"tasks": "task", "trigger tasks": "trigger task", "records": "record", "details": "detail", "desktops": "desktop",
	"desktops gone": "desktop gone", "desktops to act on": "desktop to act on", "failure groups": "failure group",
	"requests and refusals": "request or refusal", "runs in the fleet": "run in the fleet",
}

// nounFor is noun for n rows.
func nounFor(n int, noun string) string {
	if one, ok := singular[noun]; ok && n == 1 {
		return one
	}
	return noun
}
