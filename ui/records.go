package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// recordsView is a task's runs. m marks one as the baseline: runs opened
// then are compared with it (c), not with the run before.
type recordsView struct {
	*listView[api.Record]
	taskID string
	marks  map[string]api.Record // shared by every screen: by task id
}

func (v *recordsView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	if !key.Matches(msg, h.keyMap().Mark) {
		return v.listView.key(h, msg)
	}
	r, ok := v.list.Selected()
	if !ok {
		return nil, true
	}
	if m, marked := v.marks[v.taskID]; marked && m.ID == r.ID {
		delete(v.marks, v.taskID)
		h.setNote("no baseline: c compares a run with the one before it")
	} else {
		v.marks[v.taskID] = r
		h.setNote("◆ the baseline: runs opened now are compared with it (m again unmarks)")
	}
	v.rows = rowCache{} // the mark column changed
	return nil, true
}

func (v *recordsView) helpKeys(k keymap.KeyMap, canGoBack bool) keymap.Help {
	h := v.listView.helpKeys(k, canGoBack)
	h.Runs = true
	return h
}

// markColumn shows ◆ on the run marked as the baseline.
func markColumn(marks map[string]api.Record, taskID string) column[api.Record] {
	return column[api.Record]{title: " ", width: 1, priority: 0, value: func(r api.Record) string {
		if m, ok := marks[taskID]; ok && m.ID == r.ID {
			return "◆"
		}
		return " "
	}}
}

func recordColumns(tf *timeFormat) []column[api.Record] {
	count := func(f func(api.Record) int) func(api.Record) string {
		return func(r api.Record) string { return commas(f(r)) }
	}
	return []column[api.Record]{
		{title: "STARTED", width: 19, priority: 0, value: func(r api.Record) string { return tf.show(r.StartTime, r.TimeZone) }},
		{title: "STATUS", width: 7, priority: 0, value: func(r api.Record) string { return sanitize.Line(r.Status) },
			style: func(st styles.Styles, r api.Record) lipgloss.Style { return st.Status(r.Status) }},
		{title: "SUCCESS", width: 7, priority: 1, right: true, value: count(func(r api.Record) int { return r.SuccessNum })},
		{title: "FAILED", width: 7, priority: 1, right: true, value: count(func(r api.Record) int { return r.FailedNum }),
			style: func(st styles.Styles, r api.Record) lipgloss.Style {
				if r.FailedNum > 0 {
					return st.Status("FAIL")
				}
				return lipgloss.NewStyle()
			}},
		{title: "SKIPPED", width: 7, priority: 2, right: true, value: count(func(r api.Record) int { return r.SkipNum })},
		{title: "TYPE", width: 14, maxWidth: 16, priority: 3, value: func(r api.Record) string { return sanitize.Line(r.TaskType) }},
		{title: "RECORD ID", width: 36, priority: 4, value: func(r api.Record) string { return sanitize.Line(r.ID) }},
	}
}

func recordID(r api.Record) string { return r.ID }

func recordPaneText(tf *timeFormat) func(api.Record, styles.Styles, int) string {
	return func(r api.Record, st styles.Styles, width int) string {
		return labelled([]field{
			{"Started", orDash(tf.showZoned(r.StartTime, r.TimeZone))},
			{"Status", st.Status(r.Status).Render(orDash(sanitize.Line(r.Status)))},
			{"Succeeded", commas(r.SuccessNum)},
			{"Failed", commas(r.FailedNum)},
			{"Skipped", commas(r.SkipNum)},
			{"Type", orDash(sanitize.Line(r.TaskType))},
			{"Schedule", orDash(sanitize.Line(r.ScheduledType))},
			{"Life cycle", orDash(sanitize.Line(r.LifeCycleType))},
			{"Expires", orDash(tf.showZoned(r.ExpireTime, r.TimeZone))},
			{"Time zone", orDash(sanitize.Line(r.TimeZone))},
			{"Objects", orDash(sanitize.Line(r.ExecuteObjectType))},
			{"Parameters", orDash(sanitize.Block(r.ExtraParams))},
			{"Record ID", orDash(sanitize.Line(r.ID))},
			{"Task ID", orDash(sanitize.Line(r.ExecuteTaskID))},
		}, st, width)
	}
}
