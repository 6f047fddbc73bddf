package triage

import (
	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
)

// What / in the browser and --filter in the scripts look at on the task
// and run lists: one definition, so that a filter keeps the same rows in
// both. (A run's details are matched by filter.Expr itself.)

// TaskFields are a task's fields: name, id, its last status, its type as
// code: and its description as reason:.
func TaskFields(t api.Task) map[filter.Field]string {
	return map[filter.Field]string{filter.Name: t.TaskName, filter.ID: t.ID, filter.Status: t.LastStatus,
		filter.Code: t.TaskType, filter.Reason: t.Description}
}

// RecordFields are a run's fields: its start time as name: (as the
// browser shows it, in the run's zone or the local one with
// --local-time), id and status.
func RecordFields(r api.Record, tf *TimeFormat) map[filter.Field]string {
	return map[filter.Field]string{filter.Status: r.Status, filter.Name: tf.Absolute(r.StartTime, r.TimeZone), filter.ID: r.ID}
}

// TaskFailed is what f keeps of the tasks: those whose last run failed.
func TaskFailed(t api.Task) bool { return filter.IsFailed(t.LastStatus) }

// RecordFailed is what f keeps of a task's runs: those with failed desktops.
func RecordFailed(r api.Record) bool { return r.FailedNum > 0 }

// RowFields are a detail's fields as the / filter names them (the lists
// of details that are not a run's own rows: the desktops gone), the same
// fields filter.Expr.Match looks at.
func RowFields(r Row) map[filter.Field]string {
	d := r.Detail()
	return map[filter.Field]string{filter.Name: d.DesktopName, filter.ID: d.DesktopID, filter.Code: d.ResultCode,
		filter.Reason: d.FailReason, filter.Status: d.ExecStatus}
}
