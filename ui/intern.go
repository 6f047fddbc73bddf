package ui

import (
	"unique"

	"github.com/wksrec/wksrec/api"
)

// internDetail makes the fields that repeat across a run's rows (status,
// result code, fail reason, record id, time zone, script id) share one copy
// each: a run of 100,000 desktops has a handful of distinct values, and
// JSON decoding gives every row its own.
func internDetail(d *api.Detail) {
	for _, s := range []*string{&d.ExecStatus, &d.ResultCode, &d.FailReason, &d.RecordID, &d.TimeZone, &d.ExecScriptID} {
		*s = unique.Make(*s).Value()
	}
}
