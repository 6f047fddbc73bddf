package ui

// What the action screen draws: its status, the menu and its
// confirmation, the table of requests and refusals, the pane, and its
// help.

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// status: the requests going out keep the spinner going, as do jobs
// still followed.
func (a *actionView) status() listStatus {
	s := a.listView.status()
	switch a.stage {
	case stageMenu, stageConfirm:
		n := len(a.targets)
		return listStatus{noun: "desktops to act on", total: n, shown: n, loaded: n, pageHeight: a.height}
	case stageSending:
		s.loading = true
	default:
		s.loading = a.following && a.jobsFollowed() > 0
	}
	return s
}

// pane says where the results will be, until the first request is out.
func (a *actionView) pane(st styles.Styles, width int, full bool) (string, string) {
	if a.stage < stageSending {
		return "", st.Placeholder.Render("the answers show here as they come: each request, its job, each desktop refused")
	}
	return a.listView.pane(st, width, full)
}

// table is the menu or the confirmation's question until the requests go
// out; then the requests and refusals as they come.
func (a *actionView) table(st styles.Styles, spin string) string {
	var text string
	switch a.stage {
	case stageMenu:
		text = a.menuText(st)
	case stageConfirm:
		where := ""
		if a.views.member != "" {
			where = fmt.Sprintf(" in %s (region %s, project %s)", sanitize.Line(a.views.member), sanitize.Line(orDash(a.views.region)), sanitize.Line(a.views.project))
		}
		text = fmt.Sprintf("%s %s%s: type %s below and press enter.\n\n%s%s", actionVerb(a.plan.Action), plural(len(a.plan.Targets), "desktop", "desktops"), where,
			commas(len(a.plan.Targets)), sanitize.Line(a.plan.Summary()), a.rerunText())
	default:
		return a.listView.table(st, spin)
	}
	return lipgloss.NewStyle().Width(a.width).Height(a.height).MaxHeight(a.height).Padding(0, 2).Render(text)
}

// menuText says what would be hit, then the actions: at 80x24 it has
// about ten lines, so the warnings come first and the keys take two.
func (a *actionView) menuText(st styles.Styles) string {
	plan := actions.Plan{Targets: a.targets}
	var b strings.Builder
	if a.views.member != "" {
		// Inside one member of a fleet: say which, where.
		fmt.Fprintf(&b, "In fleet member %s (region %s, project %s):\n", sanitize.Line(a.views.member),
			sanitize.Line(orDash(a.views.region)), sanitize.Line(a.views.project))
	}
	fmt.Fprintf(&b, "Act on the %s shown (%s):\n", plural(len(a.targets), "desktop", "desktops"), sanitize.Line(a.what))
	b.WriteString(sanitize.Line(plan.Summary()) + "\n")
	if a.stateKnown > 0 {
		fmt.Fprintf(&b, "%s with a user logged in (of %s whose state is known)\n", commas(a.loggedIn), commas(a.stateKnown))
	}
	if n := plan.Succeeded(); n > 0 {
		b.WriteString(st.Warn.Render(fmt.Sprintf("⚠ %s of them succeeded in this run (f shows the failed only)", commas(n))) + "\n")
	}
	if a.plan.Unusable > 0 {
		fmt.Fprintf(&b, "(%s left out: no desktop id, or one no request can carry)\n", plural(a.plan.Unusable, "row", "rows"))
	}
	b.WriteString("\n")
	for i, ak := range actionKeys {
		pa, _ := api.PowerActionNamed(ak.name)
		fmt.Fprintf(&b, "  %s %-12s", st.Accent.Render(ak.key), pa.Label)
		if i == 2 {
			b.WriteString("\n")
		}
	}
	if _, ok := a.src.(RerunSource); ok {
		tasks := (len(a.targets) + actions.RerunChunk - 1) / actions.RerunChunk
		each := ""
		if tasks > 1 {
			each = " (" + commas(actions.RerunChunk) + " desktops each)"
		}
		fmt.Fprintf(&b, "\n  %s %s them: %s%s, a minute ahead", st.Accent.Render(rerunKey), actionVerb(actions.Rerun),
			plural(tasks, "one-off task", "one-off tasks"), each)
	}
	fmt.Fprintf(&b, "\n\nesc cancels; nothing is sent before you type the number of desktops.\nRequests go out %d desktops at a time, each in the audit log; esc stops them.", api.MaxActionDesktops)
	return b.String()
}

// helpKeys: in the menu its letters are the keys (r is reboot here, not
// refresh), and only leaving, help and quitting are listed; while the
// requests go out, Esc stops them; on the results, Y copies what was not
// acted on.
func (a *actionView) helpKeys(c helpContext) keyHelp {
	k := c.k
	switch a.stage {
	case stageSending:
		stop := relabel(k.Back, "stop sending")
		return keyHelp{short: []key.Binding{stop, k.Help}, full: [][]key.Binding{{stop, k.Help}}}
	case stageMenu, stageConfirm:
		h := c.list(a.listKeys(k))
		h.short = []key.Binding{c.back(), k.Help, k.Quit}
		return h
	}
	lk := a.listKeys(k)
	if a.logErr != nil || len(actions.NotAppliedIDs(a.batchChunks())) > 0 {
		lk.first = append(lk.first, relabel(k.CopyAll, "copy ids not acted on"))
	}
	return c.list(lk)
}
