package trend

import (
	"testing"

	"github.com/wksrec/wksrec/api"
)

// Runs newest first by start time; a desktop's failures counted once a
// run; the most failed first (of fewer runs first at a tie), with its
// latest failure; runs without rows at hand counted out; rows without a
// desktop id and desktops that never failed left out.
func TestBuild(t *testing.T) {
	runs := []api.Record{
		{ID: "mon", StartTime: "2026-11-23 02:00:00", TimeZone: "Asia/Shanghai"},
		{ID: "wed", StartTime: "2026-11-25 02:00:00", TimeZone: "Asia/Shanghai"},
		{ID: "tue", StartTime: "2026-11-24 02:00:00", TimeZone: "Asia/Shanghai"},
		{ID: "thu", StartTime: "2026-11-26 02:00:00", TimeZone: "Asia/Shanghai"}, // not at hand
	}
	row := func(desk, status, code string) api.Detail {
		return api.Detail{DesktopID: desk, DesktopName: desk + "-pc", ExecStatus: status, ResultCode: code}
	}
	rows := map[string][]api.Detail{
		"mon": {row("a", "FAIL", "c1"), row("b", "SUCCESS", ""), row("c", "FAIL", "c9")},
		"tue": {row("a", "FAIL", "c2"), row("a", "FAIL", "c2"), row("b", "FAILED", "c3"), row("", "FAIL", "x")},
		"wed": {row("a", "SUCCESS", ""), row("b", "FAIL", "c4"), row("d", "SUCCESS", "")},
	}
	got := Build(runs, func(r api.Record) ([]api.Detail, bool) { d, ok := rows[r.ID]; return d, ok })
	var order []string
	for _, r := range got.Runs {
		order = append(order, r.ID)
	}
	if want := "thu wed tue mon"; join(order) != want || got.Read != 3 {
		t.Errorf("runs %q, %d read; want %q, 3", join(order), got.Read, want)
	}
	want := []Desktop{
		{ID: "b", Name: "b-pc", Failed: 2, In: 3, LastRun: "2026-11-25 02:00:00", LastCode: "c4"},
		{ID: "a", Name: "a-pc", Failed: 2, In: 3, LastRun: "2026-11-24 02:00:00", LastCode: "c2"},
		{ID: "c", Name: "c-pc", Failed: 1, In: 1, LastRun: "2026-11-23 02:00:00", LastCode: "c9"},
	}
	// a and b tie on 2 of 3: by name
	want[0], want[1] = want[1], want[0]
	if len(got.Desktops) != len(want) {
		t.Fatalf("desktops %+v", got.Desktops)
	}
	for i := range want {
		if got.Desktops[i] != want[i] {
			t.Errorf("desktop %d: %+v, want %+v", i, got.Desktops[i], want[i])
		}
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
