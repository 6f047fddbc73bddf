package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

func taskColumns(tf *triage.TimeFormat) []column[api.Task] {
	return []column[api.Task]{
		{title: "TASK", width: 24, maxWidth: 44, priority: 0, value: func(t api.Task) string { return sanitize.Line(t.TaskName) },
			sortValue: func(t api.Task) string { return strings.ToLower(t.TaskName) }},
		{title: "TYPE", width: 14, maxWidth: 16, priority: 2, value: func(t api.Task) string { return sanitize.Line(t.TaskType) },
			sortValue: func(t api.Task) string { return t.TaskType }},
		{title: "SCHEDULE", width: 10, priority: 3, value: func(t api.Task) string { return sanitize.Line(t.ScheduledType) },
			sortValue: func(t api.Task) string { return t.ScheduledType }},
		{title: "LAST", width: 7, priority: 0, value: func(t api.Task) string { return orDash(sanitize.Line(t.LastStatus)) },
			style:     func(st styles.Styles, t api.Task) lipgloss.Style { return st.Status(t.LastStatus) },
			sortValue: func(t api.Task) string { return statusRank(t.LastStatus) }},
		{title: "NEXT RUN", width: 19, priority: 1, value: func(t api.Task) string { return orDash(tf.Show(t.NextExecutionTime, t.TimeZone)) },
			sortValue: func(t api.Task) string { return sortableTime(t.NextExecutionTime, t.TimeZone) }},
		{title: "ON", width: 3, priority: 2, value: func(t api.Task) string { return yesNo(t.Enable) },
			sortValue: func(t api.Task) string { return yesNo(t.Enable) }},
	}
}

func taskID(t api.Task) string { return t.ID }

// statusRank sorts the failed first, then skipped, running, the rest.
func statusRank(status string) string {
	switch strings.ToUpper(status) {
	case "FAIL", "FAILED":
		return "0"
	case "SKIP":
		return "1"
	case "RUNNING", "WAITING":
		return "2"
	case "SUCCESS":
		return "3"
	}
	return "4" + status
}

// sortableTime is a time that sorts as a string: its Unix seconds, zero
// padded; one that does not parse sorts last.
func sortableTime(value, zone string) string {
	if t, ok := api.ParseTime(value, zone); ok {
		return fmt.Sprintf("%020d", t.Unix()+1<<40)
	}
	return "~" + value
}

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
