package actions

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wksrec/wksrec/api"
)

type creator struct{ made []api.NewTask }

func (c *creator) CreateTask(_ context.Context, t api.NewTask) (string, error) {
	c.made = append(c.made, t)
	return fmt.Sprintf("task-%d", len(c.made)), nil
}

// A re-run is a one-off task per 1,000 desktops, copying the task's type,
// parameters and zone, scheduled a minute ahead (to the next second) in
// that zone, named after the task and the run (cut to the API's 255
// characters, the suffix kept).
func TestRerunTasks(t *testing.T) {
	var targets []Target
	for i := range 2500 {
		targets = append(targets, Target{ID: fmt.Sprintf("d%04d", i), Status: "FAIL"})
	}
	plan := NewPlan(Rerun, targets)
	plan.ChunkSize = RerunChunk
	task := api.TaskDetail{ID: "t", TaskType: "EXECUTE_SCRIPT", TaskName: strings.Repeat("名", 300), TimeZone: "Asia/Shanghai",
		ExtraParams: `{"script_ids":["s1"]}`, ForceExecute: true}
	c := &creator{}
	s, err := NewRerunSender(c, task, "2026-11-28 02:00", plan)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 12, 3, 16, 0, 30, 0, time.UTC) } // 00:00:30 in Shanghai
	for _, chunk := range plan.Chunks() {
		res, err := s.DesktopAction(context.Background(), chunk, Rerun)
		if err != nil || res.TaskID == "" {
			t.Fatal(res, err)
		}
	}
	if len(c.made) != 3 {
		t.Fatalf("%d tasks for 2,500 desktops", len(c.made))
	}
	for i, nt := range c.made {
		wantSuffix := fmt.Sprintf(" (re-run of 2026-11-28 02:00, %d of 3)", i+1)
		if !strings.HasSuffix(nt.TaskName, wantSuffix) || utf8.RuneCountInString(nt.TaskName) > api.MaxTaskNameLen {
			t.Fatalf("name %q (%d characters)", nt.TaskName, utf8.RuneCountInString(nt.TaskName))
		}
		if nt.TaskType != "EXECUTE_SCRIPT" || nt.ExtraParams != task.ExtraParams || nt.TimeZone != "Asia/Shanghai" || !nt.ForceExecute ||
			nt.ScheduledType != "FIXED_TIME" || nt.ScheduledDate != "2026-12-04" || nt.ScheduledTime != "00:01:31" {
			t.Fatalf("task %d: %+v", i, nt)
		}
		if want := min(1000, 2500-i*1000); len(nt.ApplyObjects) != want || nt.ApplyObjects[0].ObjectType != "DESKTOP" ||
			nt.ApplyObjects[0].ObjectID != fmt.Sprintf("d%04d", i*1000) {
			t.Fatalf("task %d applies to %d objects, the first %+v", i, len(nt.ApplyObjects), nt.ApplyObjects[0])
		}
		if utf8.RuneCountInString(nt.Description) > api.MaxDescriptionLen {
			t.Fatal("description too long")
		}
	}
	if names := s.Names(plan); len(names) != 3 || names[2] != c.made[2].TaskName {
		t.Fatalf("names %q", names)
	}
	if _, err := NewRerunSender(c, api.TaskDetail{TaskType: "REBOOT", TaskName: "x", TimeZone: "Mars/Olympus"}, "r", plan); err == nil ||
		!strings.Contains(err.Error(), `"Mars/Olympus" is not one this machine knows`) {
		t.Fatalf("an unknown zone: %v", err)
	}
}
