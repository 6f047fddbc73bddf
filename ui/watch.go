package ui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// watchState is the periodic refresh for runs still in progress.
type watchState struct {
	on       bool
	gen      int // ticks of an older generation (watch toggled since) are dropped
	interval time.Duration
	// after schedules a tick: tea.Tick, or in tests one that fires at once.
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// last and next are when the list was last refreshed and will be
	// next, for the header; now tells the time (tests set it).
	last, next time.Time
	now        func() time.Time
}

// when is the watch's line in the header: the interval, the last refresh
// and the next.
func (w *watchState) when() string {
	s := "watching every " + w.interval.String()
	if !w.last.IsZero() {
		s += " · refreshed " + w.last.Format("15:04:05")
	}
	if !w.next.IsZero() {
		s += " · next " + w.next.Format("15:04:05")
	}
	return s
}

// whenShort is when() for a narrow header, the times kept: "watch 10s ·
// 09:30:00 → 09:30:10".
func (w *watchState) whenShort() string {
	s := "watch " + w.interval.String()
	if !w.last.IsZero() {
		s += " · " + w.last.Format("15:04:05")
	}
	if !w.next.IsZero() {
		s += " → " + w.next.Format("15:04:05")
	}
	return s
}

func (w *watchState) clock() time.Time {
	if w.now != nil {
		return w.now()
	}
	return time.Now()
}

type watchTickMsg struct{ gen int }

func (w *watchState) start(interval time.Duration) tea.Cmd {
	w.arm(interval)
	return w.tick()
}

// arm turns the watch on for a new generation of ticks.
func (w *watchState) arm(interval time.Duration) {
	w.on, w.interval = true, max(interval, MinWatch)
	w.gen++
}

func (w *watchState) stop() { w.on, w.last, w.next = false, time.Time{}, time.Time{}; w.gen++ }

func (w *watchState) tick() tea.Cmd {
	w.next = w.clock().Add(w.interval)
	gen, after := w.gen, w.after
	if after == nil {
		after = tea.Tick
	}
	return after(w.interval, func(time.Time) tea.Msg { return watchTickMsg{gen: gen} })
}

func (m *Model) toggleWatch() tea.Cmd {
	if m.watch.on {
		m.watch.stop()
		m.note = "watch off"
		return nil
	}
	interval := m.cfg.Watch
	if interval == 0 {
		interval = DefaultWatch
	}
	m.note = "watching every " + max(interval, MinWatch).String() + " while anything runs"
	return tea.Batch(m.watch.start(interval), m.alertLook()) // the first look: what the alerts are news against
}

// watchTick refreshes the list on screen, keeping the cursor on its record,
// and looks at the runs the alerts follow; or stops the watch once nothing
// in it is RUNNING or WAITING and none of those runs was last seen going
// (a run's end is alerted before the watch stops).
func (m *Model) watchTick(msg watchTickMsg) tea.Cmd {
	if !m.watch.on || msg.gen != m.watch.gen {
		return nil
	}
	v := m.top()
	if s := v.status(); s.total >= 0 && !s.loading && !v.running() && !m.watchedRunsGoing() {
		m.watch.stop()
		if m.note == "" || !strings.HasPrefix(m.note, "alert: ") { // the run's end stays on screen
			m.note = "watch stopped: nothing is running"
		}
		return nil
	}
	m.watch.last = m.watch.clock()
	return tea.Batch(v.refresh(), m.watch.tick(), m.alertLook())
}

// startWatchMsg turns the watch on if it is off (a re-run's run opened:
// the operator wants to see it fill in).
type startWatchMsg struct{}

func (m *Model) startWatch() tea.Cmd {
	if m.watch.on {
		return nil
	}
	note := m.note
	cmd := m.toggleWatch()
	m.note = note // the screen's own word stays
	return cmd
}
