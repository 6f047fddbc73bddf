package ui

import (
	"testing"
	"unsafe"

	"github.com/wksrec/wksrec/api"
)

// Kept keys follow the row: the same id sent again with another start
// time (a refresh while the run went on) is keyed anew.
func TestKeyCacheFollowsChangedRows(t *testing.T) {
	var c keyCache
	d := api.Detail{ID: "x", StartTime: "2026-11-28 02:00:00", EndTime: "2026-11-28 02:00:30", TimeZone: "Asia/Shanghai", DesktopName: "Lab-1"}
	if k := c.get(&d); !k.hasStart || k.dur != 30 || k.name != "lab-1" {
		t.Fatalf("keys %+v", k)
	}
	d.EndTime = "2026-11-28 02:01:30"
	if k := c.get(&d); k.dur != 90 {
		t.Errorf("the end changed, the duration kept: %+v", k)
	}
	noID := api.Detail{StartTime: "garbage"}
	if k := c.get(&noID); k.hasStart || k.dur != -1 {
		t.Errorf("keys of a row without id or time: %+v", k)
	}
	c.trim(0)
	if len(c.byID) != 1 {
		t.Errorf("trim dropped what it should keep: %d", len(c.byID))
	}
}

// Repeated values of a run's rows share one copy after the fetch interns
// them.
func TestInternSharesRepeatedValues(t *testing.T) {
	a := api.Detail{FailReason: string([]byte("The desktop did not respond")), ExecStatus: string([]byte("FAIL"))}
	b := api.Detail{FailReason: string([]byte("The desktop did not respond")), ExecStatus: string([]byte("FAIL"))}
	if unsafe.StringData(a.FailReason) == unsafe.StringData(b.FailReason) {
		t.Fatal("the test's strings share memory already")
	}
	internDetail(&a)
	internDetail(&b)
	if unsafe.StringData(a.FailReason) != unsafe.StringData(b.FailReason) || unsafe.StringData(a.ExecStatus) != unsafe.StringData(b.ExecStatus) {
		t.Error("equal values are still held twice")
	}
	if a.FailReason != "The desktop did not respond" {
		t.Errorf("interning changed the value: %q", a.FailReason)
	}
}
