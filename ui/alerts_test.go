package ui

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/alert"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/testclock"
)

// Watching a run in progress: an alert for desktops that failed since
// the last look, as they come, and one when the run ends; each a note on
// screen, the terminal's bell and notification, and the outlets' queue.
// The watch goes on until the run's end is alerted, then stops.
func TestWatchAlertsWhileTheRunFillsIn(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	client, srv := loopbackClient(t, fake.Options{Seed: 7, DatedFrom: clk.Now(), Now: clk.Now})
	var task string
	var run api.Record
	for id, recs := range srv.Data().Records {
		if srv.Data().Live[recs[0].ID] != nil {
			task, run = id, recs[0]
		}
	}
	var terminal bytes.Buffer
	var sent []alert.Event
	m := New(Config{Source: client, ProjectID: "p", TaskID: task, TaskName: "Rolling hotfix – ops desktops", RecordID: run.ID, PageSize: 100, Now: clk.Now, Clipboard: &terminal,
		Notification: func(title, body string) string { return "\a<" + title + "|" + body + ">" },
		SendAlert:    func(e alert.Event) { sent = append(sent, e) }})
	m = start(t, m, 120, 30)
	m.watch.after = instantTick
	m, msgs := sendHeld(t, m, press("W"))
	var tick tea.Msg
	deliver := func() {
		tick = nil
		for _, msg := range msgs {
			if _, ok := msg.(watchTickMsg); ok {
				tick = msg
				continue
			}
			m = send(t, m, msg)
		}
	}
	deliver()
	if len(sent) != 0 {
		t.Fatalf("the first look alerted: %+v", sent)
	}
	for range 40 {
		if tick == nil {
			break
		}
		clk.Add(20 * time.Second)
		m, msgs = sendHeld(t, m, tick)
		deliver()
	}
	if m.watch.on || len(sent) < 2 {
		t.Fatalf("watch on %v after the run, %d alerts", m.watch.on, len(sent))
	}
	last := sent[len(sent)-1]
	for i, e := range sent {
		if (e.Kind == alert.Finished) != (i == len(sent)-1) || e.Run.ID != run.ID {
			t.Fatalf("alert %d: %s of %s; the run ends once, last", i, e.Kind, e.Run.ID)
		}
	}
	if last.Counts.Failed != run.FailedNum || last.Run.Status != run.Status {
		t.Fatalf("the last alert %+v, the run %+v", last, run)
	}
	if got := strings.Count(terminal.String(), "\a<"); got != len(sent) {
		t.Fatalf("%d notifications on the terminal for %d alerts", got, len(sent))
	}
	if !strings.Contains(terminal.String(), "<wksrec: Rolling hotfix – ops desktops finished "+run.Status+"|") {
		t.Fatalf("the terminal got %q", terminal.String())
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "alert: wksrec: Rolling hotfix – ops desktops finished") || !strings.Contains(view, "Rolling hotfix – ops desktops ›") {
		t.Fatalf("no alert on screen:\n%s", view)
	}
}

// On a task's runs, the runs listed still going are followed the same
// way: their end is alerted, once, and the watch stops after it.
func TestWatchAlertsOnATasksRuns(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	client, srv := loopbackClient(t, fake.Options{Seed: 7, DatedFrom: clk.Now(), Now: clk.Now})
	var task string
	var run api.Record
	for id, recs := range srv.Data().Records {
		if srv.Data().Live[recs[0].ID] != nil {
			task, run = id, recs[0]
		}
	}
	var sent []alert.Event
	m := New(Config{Source: client, ProjectID: "p", TaskID: task, TaskName: "Rolling", PageSize: 100, Now: clk.Now,
		SendAlert: func(e alert.Event) { sent = append(sent, e) }})
	m = start(t, m, 120, 30)
	m.watch.after = instantTick
	m, msgs := sendHeld(t, m, press("W"))
	for range 40 {
		var tick tea.Msg
		for _, msg := range msgs {
			if _, ok := msg.(watchTickMsg); ok {
				tick = msg
				continue
			}
			m = send(t, m, msg)
		}
		if tick == nil {
			break
		}
		clk.Add(20 * time.Second)
		m, msgs = sendHeld(t, m, tick)
	}
	finished := 0
	for _, e := range sent {
		if e.Run.ID != run.ID || e.Task.Name != "Rolling" {
			t.Fatalf("an alert for %+v %+v", e.Task, e.Run)
		}
		if e.Kind == alert.Finished {
			finished++
		}
	}
	if m.watch.on || finished != 1 || sent[len(sent)-1].Kind != alert.Finished {
		t.Fatalf("watch on %v; %d alerts, %d of the run's end", m.watch.on, len(sent), finished)
	}
}

// An alert the command or the webhook did not take is said on screen.
func TestAlertNotDeliveredIsSaid(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()[:10]}, 100), 100, 30)
	m = send(t, m, AlertFailed(errors.New("notify-cmd exited with status 3: no pager\nwebhook https://hooks.example.com/… answered 500")))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "⚠ alert not delivered: notify-cmd exited with status 3: no pager") {
		t.Fatalf("no note:\n%s", view)
	}
}
