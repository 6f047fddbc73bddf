package ui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// detailColumns are the table columns of the details view, in display order.
func detailColumns(tf *triage.TimeFormat) []column[triage.Row] {
	return []column[triage.Row]{
		{title: "DESKTOP", sortKey: triage.SortName, width: 14, maxWidth: 24, priority: 0, value: func(r triage.Row) string { return sanitize.Line(r.Name()) }},
		{title: "STATUS", sortKey: triage.SortStatus, width: 7, priority: 0, value: func(r triage.Row) string { return sanitize.Line(r.Status()) },
			style: func(st styles.Styles, r triage.Row) lipgloss.Style { return st.Status(r.Status()) }, styleByText: true},
		{title: "CODE", sortKey: triage.SortCode, width: 12, priority: 1, value: func(r triage.Row) string { return orDash(sanitize.Line(r.Code())) }},
		{title: "STARTED", sortKey: triage.SortStart, width: 19, priority: 2, value: func(r triage.Row) string { d := r.Detail(); return tf.Show(d.StartTime, d.TimeZone) }},
		{title: "TOOK", sortKey: triage.SortDuration, width: 7, priority: 3, right: true, value: rowDuration},
		{title: "DESKTOP ID", width: 36, priority: 5, value: func(r triage.Row) string { return sanitize.Line(r.DesktopID()) }},
		{title: "FAIL REASON", width: 16, maxWidth: -1, priority: 4, value: func(r triage.Row) string { return sanitize.Line(r.Reason()) }},
	}
}

func detailID(r triage.Row) string { return r.ID() }

// rowDuration is detailDuration from the packed row's duration, worked
// out when it arrived.
func rowDuration(r triage.Row) string {
	if !r.HasStart || r.Dur < 0 {
		return ""
	}
	return formatDuration(time.Duration(r.Dur) * time.Second)
}

// detailDuration is end - start, or "" when either time is missing or does not parse.
func detailDuration(d api.Detail) string {
	start, ok1 := api.ParseTime(d.StartTime, d.TimeZone)
	end, ok2 := api.ParseTime(d.EndTime, d.TimeZone)
	if !ok1 || !ok2 || end.Before(start) {
		return ""
	}
	return formatDuration(end.Sub(start))
}

// formatDuration is compact and fixed-precision: 42s, 5m03s, 2h07m.
func formatDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s/60%60)
}

// detailPaneText is every field of one detail.
func detailPaneText(tf *triage.TimeFormat) func(triage.Row, styles.Styles, int) string {
	return func(r triage.Row, st styles.Styles, width int) string {
		return detailFields(tf, r.Detail(), st, width, func(string) bool { return false }, nil)
	}
}

// detailFields lays out a detail's fields, leaving out those whose column
// the table shows for the selected row (shown), and empty ones. The fail
// reason comes right after the desktop: it is what the pane is opened
// for, and at 80x24 the first lines are all it shows.
func detailFields(tf *triage.TimeFormat, d api.Detail, st styles.Styles, width int, shown func(column string) bool, now []field) string {
	fields := []field{
		{"Desktop", sanitize.Line(d.DesktopName)},
		{"Fail reason", sanitize.Block(d.FailReason)},
	}
	fields = append(fields, now...) // the desktop now, right after why it failed
	for _, f := range []struct {
		column string
		field  field
	}{
		{"STATUS", field{"Status", st.Status(d.ExecStatus).Render(orDash(sanitize.Line(d.ExecStatus)))}},
		{"CODE", field{"Result code", sanitize.Line(d.ResultCode)}},
		{"STARTED", field{"Started", tf.ShowZoned(d.StartTime, d.TimeZone)}},
		{"", field{"Ended", tf.ShowZoned(d.EndTime, d.TimeZone)}},
		{"TOOK", field{"Took", detailDuration(d)}},
	} {
		if f.column == "" || !shown(f.column) {
			fields = append(fields, f.field)
		}
	}
	fields = append(fields,
		field{"Time zone", sanitize.Line(d.TimeZone)},
		field{"Desktop ID", sanitize.Line(d.DesktopID)},
		field{"Script ID", sanitize.Line(d.ExecScriptID)},
		field{"Detail ID", sanitize.Line(d.ID)},
		field{"Record ID", sanitize.Line(d.RecordID)},
	)
	return labelled(nonEmpty(fields), st, width)
}

// pane is the selected detail without the fields the table already shows
// for it on that row (all of them when the pane is zoomed).
func (v *detailsView) pane(st styles.Styles, width int, full bool) (string, string) {
	r, ok := v.list.Selected()
	if !ok {
		return v.listView.pane(st, width, full)
	}
	shown := func(column string) bool {
		if full || (column == "STARTED" && v.tf != nil && v.tf.Relative) {
			return false // zoomed, or the table shows "3h ago": the pane has the time
		}
		for i, c := range v.cols {
			if c.title == column {
				return i < len(v.widths) && v.widths[i] > 0
			}
		}
		return false
	}
	why := append(v.views.desks.fields(r.DesktopID(), st), v.scriptFields(r.DesktopID(), r.Status(), st, full)...)
	text := detailFields(v.tf, r.Detail(), st, width, shown, why)
	if c, ok := v.cmp.Change(&r); ok {
		text = labelled([]field{{"Change", v.changeText(c, &r, st)}}, st, width) + "\n" + text
	}
	if v.hist.Ready() {
		text += "\n" + v.hist.paneText(v, &r, st, width)
	}
	return v.list.ID(r), text
}

// changeText says how the row changed, and what the desktop did in the
// baseline run.
func (v *detailsView) changeText(c compare.Change, r *triage.Row, st styles.Styles) string {
	text := changeStyle(st, c).Render(c.String()) + " " + v.cmp.label
	if was, ok := v.cmp.outcomes.Outcome(r.DesktopID()); ok {
		text += ": " + orDash(sanitize.Line(was.Status))
		if was.Code != "" {
			text += " " + sanitize.Line(was.Code)
		}
	}
	return text
}
