package triage

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/wksrec/wksrec/api"
)

// A packed row gives back exactly the detail it was made from, whatever
// its fields hold (empty, long, hostile, multi-byte).
func TestDetailRowGivesBackTheDetail(t *testing.T) {
	hostile := "\x1b]52;c;AAAA\a\u202e研发\x00\r\n" + string(make([]byte, 70_000))
	cases := []api.Detail{
		{},
		{ID: "x"},
		{EndTime: "only the last field"},
		{ID: hostile, RecordID: hostile, DesktopID: hostile, DesktopName: hostile, ExecStatus: hostile, ExecScriptID: hostile,
			ResultCode: hostile, FailReason: hostile, StartTime: hostile, EndTime: hostile, TimeZone: hostile},
	}
	cases = append(cases, randomDetails(rand.New(rand.NewPCG(1, 2)), 50, "r")...)
	for i, d := range cases {
		r := NewRow(&d)
		if got := r.Detail(); got != d {
			t.Errorf("case %d: got back %+v, want %+v", i, got, d)
		}
		if want := strings.ToLower(d.DesktopName); r.FoldedName() != want {
			t.Errorf("case %d: folded name %q, want %q", i, r.FoldedName(), want)
		}
	}
	var zero Row
	if zero.Detail() != (api.Detail{}) || zero.Status() != "" {
		t.Error("the zero row (a row not loaded) is not empty")
	}
}

// What a sort compares is worked out when the row is made.
func TestDetailRowSortKeys(t *testing.T) {
	for _, tc := range []struct {
		start, end, zone string
		hasStart         bool
		dur              int32
	}{
		{"2026-11-28 02:00:00", "2026-11-28 02:00:30", "Asia/Shanghai", true, 30},
		{"2026-11-28 02:00:00", "2026-11-28 03:00:00", "GMT+08:00", true, 3600},
		{"2026-11-28 02:00:00", "", "Asia/Shanghai", true, -1},
		{"garbage", "2026-11-28 02:00:00", "Asia/Shanghai", false, -1},
		{"0001-01-01 00:00:00", "9999-12-31 23:59:59", "", true, 1<<31 - 1}, // clamped, not wrapped
	} {
		r := NewRow(&api.Detail{StartTime: tc.start, EndTime: tc.end, TimeZone: tc.zone})
		if r.HasStart != tc.hasStart || r.Dur != tc.dur {
			t.Errorf("%q → %q: hasStart %v dur %d, want %v %d", tc.start, tc.end, r.HasStart, r.Dur, tc.hasStart, tc.dur)
		}
	}
	a := NewRow(&api.Detail{StartTime: "2026-11-28 02:00:00", TimeZone: "Asia/Shanghai"})
	b := NewRow(&api.Detail{StartTime: "2026-11-28 02:00:00", TimeZone: "GMT+09:00"})
	if a.Start <= b.Start {
		t.Errorf("the same wall time an hour further east is earlier: %d vs %d", a.Start, b.Start)
	}
}

// Rows of a run share one copy of their repeated fields, and not the
// decoded page's.
func TestDetailRowsShareRepeatedFields(t *testing.T) {
	reason := func() string { return string([]byte("The desktop did not respond")) }
	da := api.Detail{ID: "a", FailReason: reason(), ExecStatus: "FAIL"}
	db := api.Detail{ID: "b", FailReason: reason(), ExecStatus: "FAIL"}
	a, b := NewRow(&da), NewRow(&db)
	if unsafe.StringData(a.Reason()) != unsafe.StringData(b.Reason()) {
		t.Error("equal reasons are held twice")
	}
	if unsafe.StringData(a.Reason()) == unsafe.StringData(da.FailReason) {
		t.Error("the row keeps the decoded page's string")
	}
	if a.Reason() != "The desktop did not respond" || a.ID() != "a" || b.ID() != "b" {
		t.Errorf("packing changed the values: %q %q %q", a.Reason(), a.ID(), b.ID())
	}
	if size := unsafe.Sizeof(Row{}); size > 64 {
		t.Errorf("a row's header is %d bytes, meant to be 64", size)
	}
}
