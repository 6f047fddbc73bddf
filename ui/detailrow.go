package ui

import (
	"math"
	"strings"
	"time"
	"unique"

	"github.com/wksrec/wksrec/api"
)

// detailRow is one execution detail as the details list holds it, made
// when its page arrives, on the fetch's goroutine rather than the UI's.
//
// A run can have 100,000 desktops, and api.Detail is eleven string headers
// (176 bytes) before any text. Here the text that is the row's own (ids,
// name, times) is one allocation, the fields that repeat across a run
// (record id, status, script id, code, reason, zone: a handful of distinct
// combinations) are one interned handle, and what a sort compares (start,
// duration, the folded name) is worked out once: 64 bytes of header,
// against 176.
type detailRow struct {
	// text is the id, desktop id, desktop name, start time, end time and
	// the name folded for sorting (only when folding changes it), back to
	// back.
	text   string
	ends   [5]uint32 // where the first five of those end in text
	shared unique.Handle[sharedFields]
	start  int64 // Unix milliseconds (nanoseconds overflow past 2262), when hasStart
	dur    int32 // whole seconds from start to end; -1 when unknown
	// hasStart says start_time parsed; rows whose start does not sort
	// after every row whose does.
	hasStart bool
}

// sharedFields are a detail's fields that repeat across a run's rows.
type sharedFields struct {
	recordID, status, scriptID, code, reason, zone string
}

// newDetailRow packs d. unique.Make copies the shared strings, so nothing
// here keeps the decoded page alive.
func newDetailRow(d *api.Detail) detailRow {
	folded := strings.ToLower(d.DesktopName)
	if folded == d.DesktopName {
		folded = "" // the name is its own folded form: kept once
	}
	var b strings.Builder
	b.Grow(len(d.ID) + len(d.DesktopID) + len(d.DesktopName) + len(d.StartTime) + len(d.EndTime) + len(folded))
	r := detailRow{dur: -1}
	for i, s := range []string{d.ID, d.DesktopID, d.DesktopName, d.StartTime, d.EndTime} {
		b.WriteString(s)
		r.ends[i] = uint32(b.Len())
	}
	b.WriteString(folded)
	r.text = b.String()
	r.shared = unique.Make(sharedFields{d.RecordID, d.ExecStatus, d.ExecScriptID, d.ResultCode, d.FailReason, d.TimeZone})
	if s, ok := api.ParseTime(d.StartTime, d.TimeZone); ok {
		r.start, r.hasStart = s.UnixMilli(), true
		if e, ok := api.ParseTime(d.EndTime, d.TimeZone); ok {
			// Rounded as the TOOK column shows it; clamped: only durations
			// past 68 years lose their order.
			r.dur = int32(max(min(e.Sub(s).Round(time.Second).Seconds(), math.MaxInt32), math.MinInt32))
		}
	}
	return r
}

// detailRows packs a page of details.
func detailRows(p api.Page[api.Detail]) api.Page[detailRow] {
	rows := make([]detailRow, len(p.Items))
	for i := range p.Items {
		rows[i] = newDetailRow(&p.Items[i])
	}
	return api.Page[detailRow]{Items: rows, Total: p.Total}
}

func (r detailRow) field(i int) string {
	from := uint32(0)
	if i > 0 {
		from = r.ends[i-1]
	}
	to := uint32(len(r.text))
	if i < len(r.ends) {
		to = r.ends[i]
	}
	return r.text[from:to]
}

func (r detailRow) sharedFields() sharedFields {
	if r.shared == (unique.Handle[sharedFields]{}) {
		return sharedFields{} // the zero row: not loaded
	}
	return r.shared.Value()
}

func (r detailRow) id() string        { return r.field(0) }
func (r detailRow) desktopID() string { return r.field(1) }
func (r detailRow) name() string      { return r.field(2) }

// foldedName is the name as a sort by name compares it.
func (r detailRow) foldedName() string {
	if f := r.field(5); f != "" {
		return f
	}
	return r.name()
}

func (r detailRow) status() string { return r.sharedFields().status }
func (r detailRow) code() string   { return r.sharedFields().code }
func (r detailRow) reason() string { return r.sharedFields().reason }

// detail unpacks the row: its strings are the row's own, not copies.
func (r detailRow) detail() api.Detail {
	s := r.sharedFields()
	return api.Detail{
		ID: r.field(0), DesktopID: r.field(1), DesktopName: r.field(2), StartTime: r.field(3), EndTime: r.field(4),
		RecordID: s.recordID, ExecStatus: s.status, ExecScriptID: s.scriptID, ResultCode: s.code, FailReason: s.reason, TimeZone: s.zone,
	}
}
