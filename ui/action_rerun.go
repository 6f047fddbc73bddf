package ui

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// t in the action menu: run the task again on the desktops shown, as
// one-off tasks a minute ahead (internal/actions' Rerun), with the same
// confirmation by count, audit log, stop and read-only rules as the power
// actions. Once created, the first new task is followed until its run
// appears, and that run opens, so the operator watches the re-run fill in.

// RerunSource reads a task and creates one; *api.Client is one.
type RerunSource interface {
	GetTask(ctx context.Context, taskID string) (api.TaskDetail, error)
	CreateTask(ctx context.Context, t api.NewTask) (string, error)
}

// rerunKey is the menu's key for the re-run.
const rerunKey = "t"

// rerunPoll is how often a created task is asked whether its run began;
// maxRerunPolls bounds the asking (ten minutes at that pace).
const (
	rerunPoll     = 3 * time.Second
	maxRerunPolls = 200
)

// rerunReadyMsg is the task read, and the sender made, for a re-run.
type rerunReadyMsg struct {
	id     int64
	sender *actions.RerunSender
	err    error
}

// rerunRunMsg is a created task's newest run, when it has one.
type rerunRunMsg struct {
	id     int64
	taskID string
	run    api.Record
	found  bool
	polls  int
}

// startRerun reads the task to copy, then asks for confirmation.
func (a *actionView) startRerun(h host) tea.Cmd {
	src, ok := a.src.(RerunSource)
	if !ok || a.origin == nil {
		h.setNote("this source cannot create tasks: no re-run")
		return nil
	}
	plan := a.plan
	plan.Action, plan.ChunkSize = actions.Rerun, actions.RerunChunk
	a.plan = plan
	taskID, run, id, now := a.origin.taskID, rerunRunName(a.origin), a.id, a.views.desks.now
	h.setNote("reading the task to run it again…")
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), desktopTimeout)
		defer cancel()
		task, err := src.GetTask(ctx, taskID)
		if err != nil {
			return rerunReadyMsg{id: id, err: fmt.Errorf("reading the task to run it again: %w; nothing was sent", err)}
		}
		s, err := actions.NewRerunSender(src, task, run, plan)
		if err == nil {
			s.Now = now // the session's clock (tests move the fake's)
		}
		return rerunReadyMsg{id: id, sender: s, err: err}
	}
}

// rerunRunName is the run as a re-run's name says it: its start to the minute.
func rerunRunName(v *detailsView) string {
	if v.record != nil && len(v.record.StartTime) >= 16 {
		return v.record.StartTime[:16]
	}
	return shortID(v.recordID)
}

// takeRerunReady asks for the confirmation, or says why there is none.
func (a *actionView) takeRerunReady(h host, m rerunReadyMsg) tea.Cmd {
	if m.err != nil {
		h.setNote("⚠ " + sanitize.Line(m.err.Error()))
		return h.pop()
	}
	a.rerun = m.sender
	a.stage = stageConfirm
	a.input.SetValue("")
	return a.input.Focus()
}

// rerunText is the confirmation's word on the tasks a re-run creates.
func (a *actionView) rerunText() string {
	if a.rerun == nil {
		return ""
	}
	names := a.rerun.Names(a.plan)
	s := fmt.Sprintf("\n\nCreates %s, a minute after sending (time zone %s):", plural(len(names), "one-off task", "one-off tasks"),
		sanitize.Line(orDash(a.rerun.Task.TimeZone)))
	for _, n := range names[:min(len(names), 3)] {
		s += "\n  " + sanitize.Line(n)
	}
	if len(names) > 3 {
		s += fmt.Sprintf("\n  and %d more", len(names)-3)
	}
	return s
}

// followRerun asks the first task created for its run, until it appears.
func (a *actionView) followRerun(taskID string, polls int) tea.Cmd {
	src, id := a.views.src, a.id
	return tea.Tick(a.rerunPoll, func(time.Time) tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), desktopTimeout)
		defer cancel()
		p, err := src.ListRecords(ctx, taskID, 0, 1)
		if err != nil || len(p.Items) == 0 {
			return rerunRunMsg{id: id, taskID: taskID, polls: polls + 1}
		}
		return rerunRunMsg{id: id, taskID: taskID, run: p.Items[0], found: true, polls: polls + 1}
	})
}

// takeRerunRun opens the re-run's run once it appears, or asks again.
func (a *actionView) takeRerunRun(h host, m rerunRunMsg) tea.Cmd {
	if !m.found {
		if m.polls >= maxRerunPolls {
			a.rerunNote = "the re-run task has no run after ten minutes: see it in the task list"
			return nil
		}
		a.rerunNote = "waiting for the re-run's run to begin (about " + sanitize.Line(a.rerunAt) + ")…"
		return a.followRerun(m.taskID, m.polls)
	}
	a.rerunNote = ""
	name := ""
	if a.rerun != nil {
		if names := a.rerun.Names(a.plan); len(names) > 0 {
			name = names[0]
		}
	}
	run := m.run
	v := a.views.details(m.taskID, run.ID, sanitizeCrumb(name, m.taskID), a.views.tf.Absolute(run.StartTime, run.TimeZone), &run)
	v.taskName = name
	v.crumbText = sanitizeCrumb(name, m.taskID) + " › " + v.crumbText // the new task, not the one run again
	h.setNote("the re-run began: its run is shown, watched as it fills in (W stops)")
	return tea.Batch(h.push(v), func() tea.Msg { return startWatchMsg{} })
}

func rerunMsgID(m tea.Msg) int64 {
	switch m := m.(type) {
	case rerunReadyMsg:
		return m.id
	case rerunRunMsg:
		return m.id
	}
	return -1
}

// afterPage takes the re-run's answers, which need the host (a note, the
// confirmation, the run's screen pushed).
func (a *actionView) afterPage(h host) tea.Cmd {
	var cmds []tea.Cmd
	for _, m := range a.inbox {
		switch m := m.(type) {
		case rerunReadyMsg:
			cmds = append(cmds, a.takeRerunReady(h, m))
		case rerunRunMsg:
			cmds = append(cmds, a.takeRerunRun(h, m))
		}
	}
	a.inbox = nil
	return tea.Batch(cmds...)
}
