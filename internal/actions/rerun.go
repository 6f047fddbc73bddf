package actions

import (
	"context"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // a task's time zone must load on a bastion without zoneinfo

	"github.com/wksrec/wksrec/api"
)

// Running the task again on some desktops. The API has no call that runs
// a task now; the way is a one-off task (FIXED_TIME) a minute ahead,
// copying the original's type, parameters and time zone, on exactly those
// desktops. It is sent as a batch like a power action (planned, confirmed
// by its count or digest, each request in the audit log, never sent twice
// when it may have been applied, stopped by a signal, impossible in
// read-only), each request creating one task of up to 1,000 desktops.

// Rerun is the re-run, as plans and the audit log name it.
var Rerun = api.PowerAction{Name: "rerun", Label: "run the task again"}

// RerunChunk is how many desktops one re-run task applies to.
const RerunChunk = api.MaxApplyObjects

// rerunLead is how far ahead a re-run task is scheduled: a minute, to the
// next whole second (the API refuses a time not after now, and a request
// takes a moment).
const rerunLead = time.Minute

// TaskCreator creates tasks; *api.Client is one.
type TaskCreator interface {
	CreateTask(ctx context.Context, t api.NewTask) (string, error)
}

// RerunSender sends a re-run plan: each chunk a new one-off task. It is
// the batch's Sender, so the batch's rules hold for it as for actions.
type RerunSender struct {
	Creator TaskCreator
	Task    api.TaskDetail // the task run again
	Run     string         // the run re-run, as its start reads: "2026-11-28 02:00"
	Now     func() time.Time
	parts   map[string]int // by a chunk's first desktop: its place, from 1
	total   int
}

// NewRerunSender checks that the task can be run again and readies the
// sender for plan p (whose chunks must be RerunChunk long).
func NewRerunSender(c TaskCreator, task api.TaskDetail, run string, p Plan) (*RerunSender, error) {
	if task.TaskType == "" || task.TaskName == "" {
		return nil, fmt.Errorf("task %s has no type or name to copy: it cannot be run again", task.ID)
	}
	if _, err := loadZone(task.TimeZone); err != nil {
		return nil, err
	}
	s := &RerunSender{Creator: c, Task: task, Run: run, Now: time.Now, parts: map[string]int{}}
	for i, chunk := range p.Chunks() {
		s.parts[chunk[0]] = i + 1
		s.total++
	}
	return s, nil
}

func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("the task's time zone %q is not one this machine knows: it cannot be run again at a time in it", name)
	}
	return loc, nil
}

// DesktopAction creates the one-off task for the chunk ids.
func (s *RerunSender) DesktopAction(ctx context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	t, err := s.NewTask(ids, s.parts[ids[0]])
	if err != nil {
		return api.ActionResult{}, err
	}
	id, err := s.Creator.CreateTask(ctx, t)
	return api.ActionResult{TaskID: id}, err
}

// NewTask is the task that runs the original again on ids, part part of
// the plan's tasks, scheduled a minute from now in the task's zone.
func (s *RerunSender) NewTask(ids []string, part int) (api.NewTask, error) {
	loc, err := loadZone(s.Task.TimeZone)
	if err != nil {
		return api.NewTask{}, err
	}
	at := s.Now().In(loc).Add(rerunLead).Truncate(time.Second).Add(time.Second)
	suffix := " (re-run of " + s.Run + ")"
	if s.total > 1 {
		suffix = fmt.Sprintf(" (re-run of %s, %d of %d)", s.Run, part, s.total)
	}
	objects := make([]api.ApplyObject, len(ids))
	for i, id := range ids {
		objects[i] = api.ApplyObject{ObjectID: id, ObjectType: "DESKTOP"}
	}
	return api.NewTask{
		TaskType: s.Task.TaskType, TaskName: cutRunes(s.Task.TaskName, api.MaxTaskNameLen-len([]rune(suffix))) + suffix,
		ScheduledType: "FIXED_TIME", ScheduledDate: at.Format("2006-01-02"), ScheduledTime: at.Format("15:04:05"),
		TimeZone: s.Task.TimeZone, ExtraParams: s.Task.ExtraParams, ForceExecute: s.Task.ForceExecute,
		Description:  cutRunes(fmt.Sprintf("Run again by wksrec on %d desktops of the run of %s.", len(ids), s.Run), api.MaxDescriptionLen),
		ApplyObjects: objects,
	}, nil
}

// When is when a task made now would run, in the task's zone, as the
// screen says it: "00:01:31 Asia/Shanghai".
func (s *RerunSender) When() string {
	loc, err := loadZone(s.Task.TimeZone)
	if err != nil {
		return ""
	}
	return s.Now().In(loc).Add(rerunLead).Truncate(time.Second).Add(time.Second).Format("15:04:05") + " " + loc.String()
}

// Names are the names of the tasks the plan creates, for the menu and
// --dry-run.
func (s *RerunSender) Names(p Plan) []string {
	var names []string
	for i, chunk := range p.Chunks() {
		if t, err := s.NewTask(chunk, i+1); err == nil {
			names = append(names, t.TaskName)
		}
	}
	return names
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:max(n-1, 0)])) + "…"
}
