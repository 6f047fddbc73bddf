package triage

import (
	"math"
	"strings"
	"time"
	"unique"

	"github.com/wksrec/wksrec/api"
)

// Row is one execution detail as the details list holds it, made
// when its page arrives, on the fetch's goroutine rather than the UI's.
//
// A run can have 100,000 desktops, and api.Detail is eleven string headers
// (176 bytes) before any text. Here the text that is the row's own (ids,
// name, times) is one allocation, the fields that repeat across a run
// (record id, status, script id, code, reason, zone: a handful of distinct
// combinations) are one interned handle, and what a sort compares (start,
// duration, the folded name) is worked out once: 64 bytes of header,
// against 176.
type Row struct {
	// text is the id, desktop id, desktop name, start time, end time and
	// the name folded for sorting (only when folding changes it), back to
	// back.
	text   string
	ends   [5]uint32 // where the first five of those end in text
	shared unique.Handle[Shared]
	Start  int64 // Unix milliseconds (nanoseconds overflow past 2262), when hasStart
	Dur    int32 // whole seconds from start to end; -1 when unknown
	// HasStart says start_time parsed; rows whose start does not sort
	// after every row whose does.
	HasStart bool
}

// Shared are a detail's fields that repeat across a run's rows.
type Shared struct {
	RecordID, Status, ScriptID, Code, Reason, Zone string
}

// NewRow packs d. unique.Make copies the shared strings, so nothing
// here keeps the decoded page alive.
func NewRow(d *api.Detail) Row { return newRow(d, api.ParseTime) }

// newRow is NewRow with the time parser given (Rows' remembers).
func newRow(d *api.Detail, parse func(value, zone string) (time.Time, bool)) Row {
	folded := strings.ToLower(d.DesktopName)
	if folded == d.DesktopName {
		folded = "" // the name is its own folded form: kept once
	}
	var b strings.Builder
	b.Grow(len(d.ID) + len(d.DesktopID) + len(d.DesktopName) + len(d.StartTime) + len(d.EndTime) + len(folded))
	r := Row{Dur: -1}
	for i, s := range []string{d.ID, d.DesktopID, d.DesktopName, d.StartTime, d.EndTime} {
		b.WriteString(s)
		r.ends[i] = uint32(b.Len())
	}
	b.WriteString(folded)
	r.text = b.String()
	r.shared = unique.Make(Shared{d.RecordID, d.ExecStatus, d.ExecScriptID, d.ResultCode, d.FailReason, d.TimeZone})
	if s, ok := parse(d.StartTime, d.TimeZone); ok {
		r.Start, r.HasStart = s.UnixMilli(), true
		if e, ok := parse(d.EndTime, d.TimeZone); ok {
			// Rounded as the TOOK column shows it; clamped: only durations
			// past 68 years lose their order.
			r.Dur = int32(max(min(e.Sub(s).Round(time.Second).Seconds(), math.MaxInt32), math.MinInt32))
		}
	}
	return r
}

// Rows packs a page of details. The rows of a run share few distinct
// times (seconds, over the minutes a run lasts), so the parsed times are
// remembered for the call: a run of 100,000 rows read whole from the
// store parses some hundreds, not 200,000.
func Rows(p api.Page[api.Detail]) api.Page[Row] {
	type when struct {
		t  time.Time
		ok bool
	}
	memo := map[[2]string]when{}
	parse := func(value, zone string) (time.Time, bool) {
		k := [2]string{value, zone}
		if w, ok := memo[k]; ok {
			return w.t, w.ok
		}
		t, ok := api.ParseTime(value, zone)
		if len(memo) >= 1<<14 {
			clear(memo) // times all distinct: bounded, and no worse than parsing each
		}
		memo[k] = when{t, ok}
		return t, ok
	}
	rows := make([]Row, len(p.Items))
	for i := range p.Items {
		rows[i] = newRow(&p.Items[i], parse)
	}
	return api.Page[Row]{Items: rows, Total: p.Total}
}

func (r Row) Field(i int) string {
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

func (r Row) Shared() Shared {
	if r.shared == (unique.Handle[Shared]{}) {
		return Shared{} // the zero row: not loaded
	}
	return r.shared.Value()
}

func (r Row) ID() string        { return r.Field(0) }
func (r Row) DesktopID() string { return r.Field(1) }
func (r Row) Name() string      { return r.Field(2) }

// FoldedName is the name as a sort by name compares it.
func (r Row) FoldedName() string {
	if f := r.Field(5); f != "" {
		return f
	}
	return r.Name()
}

func (r Row) Status() string { return r.Shared().Status }
func (r Row) Code() string   { return r.Shared().Code }
func (r Row) Reason() string { return r.Shared().Reason }

// Detail unpacks the row: its strings are the row's own, not copies.
func (r Row) Detail() api.Detail {
	s := r.Shared()
	return api.Detail{
		ID: r.Field(0), DesktopID: r.Field(1), DesktopName: r.Field(2), StartTime: r.Field(3), EndTime: r.Field(4),
		RecordID: s.RecordID, ExecStatus: s.Status, ExecScriptID: s.ScriptID, ResultCode: s.Code, FailReason: s.Reason, TimeZone: s.Zone,
	}
}
