package ui

import (
	"testing"

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
