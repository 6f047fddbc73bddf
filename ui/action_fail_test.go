package ui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
)

// stubActions answers actions and jobs as told, counting the asks.
type stubActions struct {
	*stubSource
	actErr  error
	jobErr  error
	jobAsks int
}

func (s *stubActions) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	if s.actErr != nil {
		return api.ActionResult{}, s.actErr
	}
	return api.ActionResult{JobID: "job-1"}, nil
}

func (s *stubActions) GetJob(context.Context, string) (api.Job, error) {
	s.jobAsks++
	return api.Job{Status: "SUCCESS"}, s.jobErr
}

func actOnAll(t *testing.T, src *stubActions, auditPath string) Model {
	t.Helper()
	details := demoDetails()[:150]
	details[3].DesktopID = "a/b" // an id no request can carry
	src.stubSource = &stubSource{details: details}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100,
		AuditPath: auditPath, JobPoll: time.Nanosecond}), 120, 40)
	m = send(t, m, press("a"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "(1 row left out: no desktop id, or one no request can carry)") {
		t.Fatalf("the unusable id is not said:\n%s", view)
	}
	m = send(t, m, press("r"))
	m = typeText(t, m, strconv.Itoa(len(m.top().(*actionView).targets)))
	return send(t, m, press("enter"))
}

// A 5xx may have been applied, and the screen says so; a request never
// sent says that; a job that is gone is not asked about for half an hour.
func TestActionOutcomesAreSaidRight(t *testing.T) {
	src := &stubActions{actErr: &api.APIError{Status: 502, Message: "bad gateway"}}
	m := actOnAll(t, src, filepath.Join(t.TempDir(), "log"))
	a := m.top().(*actionView)
	var states []string
	a.list.Each(func(_ int, r *actionRow) { states = append(states, actionColumns[2].value(*r)) })
	if len(states) != 2 || !strings.HasPrefix(states[0], "unknown, it may have been applied: HTTP 502") || !strings.HasPrefix(states[1], "not sent: a request before it failed") {
		t.Errorf("rows %q", states)
	}
	if line, _ := a.statusLine(200); !strings.Contains(line, "it may have been applied: check before sending it again") {
		t.Errorf("status line %q", line)
	}

	// The audit log cannot be opened: nothing was sent, and nothing says
	// it may have been applied.
	blocked := filepath.Join(t.TempDir(), "file")
	writeFile(t, blocked)
	m = actOnAll(t, &stubActions{}, filepath.Join(blocked, "actions.log"))
	if line, _ := m.top().(*actionView).statusLine(200); !strings.Contains(line, "nothing was sent") || strings.Contains(line, "may have been applied") {
		t.Errorf("no log: %q", line)
	}

	// A job the API no longer knows is not asked about again.
	src = &stubActions{jobErr: &api.APIError{Status: 404, Code: "WKS.00010010"}}
	actOnAll(t, src, filepath.Join(t.TempDir(), "log"))
	if src.jobAsks != 2 { // one job a chunk, asked once each
		t.Errorf("a job gone was asked about %d times", src.jobAsks)
	}
}

// q does not quit while power actions are going out.
func TestNoQuitWhileSending(t *testing.T) {
	src := &stubActions{}
	src.stubSource = &stubSource{details: demoDetails()[:10]}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "log"), JobPoll: time.Nanosecond}), 120, 40)
	m = send(t, m, press("a"))
	m = send(t, m, press("r"))
	m = typeText(t, m, "10")
	next, held := sendHeld(t, m, press("enter")) // the requests go out; their answer is held
	m = next
	if m.top().(*actionView).stage != stageSending {
		t.Fatal("not sending")
	}
	updated, cmd := m.Update(press("q"))
	m = updated.(Model)
	for _, msg := range collect(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			t.Fatal("q quit while sending")
		}
	}
	if !strings.Contains(ansi.Strip(m.View()), "requests are going out") {
		t.Error("q said nothing")
	}
	m = send(t, m, press(":")) // nor does the command line open, whose switches would close the screen
	if m.cmd.open {
		t.Error(": opened while sending")
	}
	for _, msg := range held {
		m = send(t, m, msg)
	}
	updated, cmd = m.Update(press("q"))
	quit := false
	for _, msg := range collect(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			quit = true // among the batch's messages, in whatever order they come
		}
	}
	if !quit {
		t.Error("q does not quit once the answers are in")
	}
	_ = updated
}

func writeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}
