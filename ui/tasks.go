package ui

import (
	"strconv"

	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

func taskColumns(tf *triage.TimeFormat) []column[api.Task] {
	return []column[api.Task]{
		{title: "TASK", width: 24, maxWidth: 44, priority: 0, value: func(t api.Task) string { return sanitize.Line(t.TaskName) }},
		{title: "TYPE", width: 14, maxWidth: 16, priority: 2, value: func(t api.Task) string { return sanitize.Line(t.TaskType) }},
		{title: "SCHEDULE", width: 10, priority: 3, value: func(t api.Task) string { return sanitize.Line(t.ScheduledType) }},
		{title: "LAST", width: 7, priority: 0, value: func(t api.Task) string { return orDash(sanitize.Line(t.LastStatus)) },
			style: func(st styles.Styles, t api.Task) lipgloss.Style { return st.Status(t.LastStatus) }},
		{title: "NEXT RUN", width: 19, priority: 1, value: func(t api.Task) string { return orDash(tf.Show(t.NextExecutionTime, t.TimeZone)) }},
		{title: "ON", width: 3, priority: 2, value: func(t api.Task) string { return yesNo(t.Enable) }},
	}
}

func taskID(t api.Task) string { return t.ID }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func taskPaneText(tf *triage.TimeFormat) func(api.Task, styles.Styles, int) string {
	return func(t api.Task, st styles.Styles, width int) string {
		return labelled([]field{
			{"Task", sanitize.Line(t.TaskName)},
			{"Last status", st.Status(t.LastStatus).Render(orDash(sanitize.Line(t.LastStatus)))},
			{"Description", orDash(sanitize.Block(t.Description))},
			{"Type", orDash(sanitize.Line(t.TaskType))},
			{"Schedule", orDash(sanitize.Line(t.ScheduledType))},
			{"Life cycle", orDash(sanitize.Line(t.LifeCycleType))},
			{"Next run", orDash(tf.ShowZoned(t.NextExecutionTime, t.TimeZone))},
			{"Expires", orDash(tf.ShowZoned(t.ExpireTime, t.TimeZone))},
			{"Enabled", yesNo(t.Enable)},
			{"Priority", strconv.Itoa(t.Priority)},
			{"Wait time", strconv.Itoa(t.WaitTime) + " min"},
			{"Time zone", orDash(sanitize.Line(t.TimeZone))},
			{"Parameters", orDash(sanitize.Block(t.ExtraParams))},
			{"Task ID", orDash(sanitize.Line(t.ID))},
		}, st, width)
	}
}
