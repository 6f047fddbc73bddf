package ui

import (
	"context"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/alert"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// Watch mode's alerts in the browser. While the watch is on and a run is
// on screen, each tick also looks at the run (internal/alert: one request
// while its record is unchanged, every page when its counts moved) and
// alerts when it finished, when desktops failed while it runs, or when
// failures are new against the baseline (c): a note on screen, the bell
// and a desktop notification where the terminal shows one, and the
// operator's --notify-cmd and --webhook. -o json --watch asks the same
// tracker, so both alert on the same changes.

// alertLookTimeout bounds one look (a run of thousands of rows read
// whole when its counts moved).
const alertLookTimeout = 2 * time.Minute

// alertLookMsg is a look at a watched run.
type alertLookMsg struct {
	run  string
	snap alert.Snapshot
	err  error
}

// alertFailedMsg says an alert could not be delivered to the command or
// the webhook.
type alertFailedMsg struct{ err error }

// AlertFailed is the message for an alert the outlets could not deliver,
// for the program's Send (alert.Sender reports from its own goroutine).
func AlertFailed(err error) tea.Msg { return alertFailedMsg{err: err} }

// alerts are the runs watched: a tracker each, and the looks in flight
// (one at a time a run: a tracker takes its snapshots in order).
type alerts struct {
	trackers map[string]*alert.Tracker
	looking  map[string]bool
}

func newAlerts() alerts {
	return alerts{trackers: map[string]*alert.Tracker{}, looking: map[string]bool{}}
}

func (a alerts) tracker(run string) *alert.Tracker {
	t := a.trackers[run]
	if t == nil {
		t = &alert.Tracker{}
		a.trackers[run] = t
	}
	return t
}

// going reports a run that the last look found still going, or one
// being looked at.
func (a alerts) going(run string) bool {
	if a.looking[run] {
		return true
	}
	t := a.trackers[run]
	return t != nil && t.Last() != nil && filter.InProgress(t.Last().Record.Status)
}

// watchedRun is the run on screen, when there is one to alert on.
func (m *Model) watchedRun() *detailsView {
	switch v := m.top().(type) {
	case *detailsView:
		return v
	case *groupsView:
		return v.details
	}
	return nil
}

// maxWatchedRuns bounds the runs a task's list watches for alerts: a task
// runs a few at a time, and each look is a request.
const maxWatchedRuns = 5

// runRef names a run to look at.
type runRef struct{ taskID, taskName, recordID string }

// watchedRuns are the runs the alerts follow: the run on screen; or, on a
// task's runs, those listed still going and those last seen going (their
// end is the news), at most maxWatchedRuns.
func (m *Model) watchedRuns() []runRef {
	if v := m.watchedRun(); v != nil {
		return []runRef{{v.taskID, v.taskName, v.recordID}}
	}
	rv, ok := m.top().(*recordsView)
	if !ok {
		return nil
	}
	var refs []runRef
	rv.list.Each(func(_ int, r *api.Record) {
		if len(refs) < maxWatchedRuns && (filter.InProgress(r.Status) || m.alerts.going(r.ID)) {
			refs = append(refs, runRef{rv.taskID, rv.taskName, r.ID})
		}
	})
	return refs
}

// watchedRunsGoing reports a run the alerts follow that the last look
// found going (or that is being looked at): the watch goes on for its
// end, even when every row on screen has ended (rows yet to start are not
// on screen).
func (m *Model) watchedRunsGoing() bool {
	for _, r := range m.watchedRuns() {
		if m.alerts.going(r.recordID) {
			return true
		}
	}
	return false
}

// alertLook looks at the runs the alerts follow, each unless a look at it
// is in flight.
func (m *Model) alertLook() tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range m.watchedRuns() {
		cmds = append(cmds, m.lookAt(r))
	}
	return tea.Batch(cmds...)
}

func (m *Model) lookAt(r runRef) tea.Cmd {
	if m.alerts.looking[r.recordID] {
		return nil
	}
	src := m.views.src
	m.alerts.looking[r.recordID] = true
	var prev *alert.Snapshot
	if last := m.alerts.tracker(r.recordID).Last(); last != nil {
		s := *last // a copy: the tracker's moves on in Update
		prev = &s
	}
	now := m.cfg.Now
	if now == nil {
		now = time.Now
	}
	opts := alert.ReadOptions{PageSize: m.views.pageSize, Concurrency: max(m.views.concurrency/2, 1), Retry: m.views.retry()}
	return func() tea.Msg {
		// Behind the lists on screen in the client's rate budget.
		ctx, cancel := context.WithTimeout(api.Background(context.Background()), alertLookTimeout)
		defer cancel()
		s, err := alert.Read(ctx, src, r.taskID, r.taskName, r.recordID, now(), prev, opts)
		return alertLookMsg{run: r.recordID, snap: s, err: err}
	}
}

// takeAlertLook moves the run's tracker on, and alerts when it says so.
func (m *Model) takeAlertLook(msg alertLookMsg) tea.Cmd {
	delete(m.alerts.looking, msg.run)
	if msg.err != nil {
		m.note = "⚠ watch: the run could not be looked at for alerts: " + sanitize.Line(msg.err.Error())
		return nil
	}
	t := m.alerts.tracker(msg.run)
	if v := m.watchedRun(); v != nil && v.recordID == msg.run {
		if v.cmp != nil && v.cmp.outcomes != nil {
			t.Baseline = v.cmp.outcomes // failures that failed in the baseline too are not news
		}
		rec := msg.snap.Record
		v.record = &rec // the run's own counts, fresher than when it was opened
	}
	ev, ok := t.Next(msg.snap)
	if !ok {
		return nil
	}
	m.note = "alert: " + ev.Title() + " — " + ev.Body()
	if m.cfg.SendAlert != nil {
		m.cfg.SendAlert(ev) // queued: never waits for the command or the webhook
	}
	return m.ring(ev)
}

// ring writes the bell, and a desktop notification where the terminal
// shows one, to the terminal: one write, which the terminal takes whole
// between two of the renderer's frames (each one write too).
func (m *Model) ring(ev alert.Event) tea.Cmd {
	out, notification := m.cfg.Clipboard, m.cfg.Notification
	if out == nil {
		return nil
	}
	title, body := ev.Title(), ev.Body()
	return func() tea.Msg {
		seq := "\a"
		if notification != nil {
			seq = notification(title, body) // may ask tmux: off the UI's goroutine
		}
		_, _ = io.WriteString(out, seq)
		return nil
	}
}

// takeAlertFailed shows why an alert did not reach the command or the
// webhook: its first line (the others are for the other outlet).
func (m *Model) takeAlertFailed(msg alertFailedMsg) {
	lines := strings.Split(msg.err.Error(), "\n")
	m.note = "⚠ alert not delivered: " + sanitize.Line(lines[0])
	if len(lines) > 1 {
		m.note += " (and " + sanitize.Line(lines[1]) + ")"
	}
}
