package triage

import (
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
)

// A run's name: is its start time as the browser shows it, in the run's
// zone (or the local one): -o once matched the API's raw text, so
// name:10:00 kept a run in the browser and dropped it in -o.
func TestARunIsNamedAsShown(t *testing.T) {
	r := api.Record{ID: "run-1", Status: "FAIL", StartTime: "2026-11-28T02:00:00Z", TimeZone: "Asia/Shanghai"}
	expr, err := filter.Parse("name:10:00")
	if err != nil {
		t.Fatal(err)
	}
	tf := &TimeFormat{}
	if fields := RecordFields(r, tf); fields[filter.Name] != "2026-11-28 10:00:00" || !expr.MatchFields(fields) {
		t.Errorf("fields %v", fields)
	}
	if expr, _ := filter.Parse("name:02:00:00Z"); expr.MatchFields(RecordFields(r, tf)) {
		t.Error("the raw text still matches")
	}
	if !TaskFailed(api.Task{LastStatus: "FAILED"}) || TaskFailed(api.Task{LastStatus: "SUCCESS"}) || !RecordFailed(api.Record{FailedNum: 1}) {
		t.Error("f keeps the wrong rows")
	}
}
