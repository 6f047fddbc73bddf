package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// deskSource is the fake's data with desktops' states, counting the asks.
type deskSource struct {
	*dataSource
	mu     sync.Mutex
	asked  []string
	answer func(id string) (api.Desktop, error)
}

func (s *deskSource) GetDesktop(_ context.Context, id string) (api.Desktop, error) {
	s.mu.Lock()
	s.asked = append(s.asked, id)
	s.mu.Unlock()
	return s.answer(id)
}

func newDeskModel(t *testing.T, answer func(string) (api.Desktop, error), now *time.Time) (Model, *deskSource, []api.Detail) {
	t.Helper()
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	run := data.Records[task][0].ID
	src := &deskSource{dataSource: &dataSource{d: data}, answer: answer}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: run, PageSize: 100,
		DesktopRest: time.Nanosecond, Now: func() time.Time { return *now }}), 100, 40)
	return m, src, data.Details[run]
}

// The desktop's state is asked for where the cursor rests, not for the
// rows skimmed past; it is kept a minute.
func TestDesktopStateWhereTheCursorRests(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	m, src, rows := newDeskModel(t, func(id string) (api.Desktop, error) {
		return api.Desktop{ID: id, Status: "SHUTOFF", LoginStatus: "UNREGISTER", IPAddresses: []string{"10.0.0.7"}}, nil
	}, &now)
	if len(src.asked) != 1 || src.asked[0] != rows[0].DesktopID {
		t.Fatalf("at start: asked %v, want the first row's desktop", src.asked)
	}
	m, held1 := sendHeld(t, m, press("j"))
	m, held2 := sendHeld(t, m, press("j")) // skimmed past row 1
	for _, msg := range append(held1, held2...) {
		m = send(t, m, msg)
	}
	if len(src.asked) != 2 || src.asked[1] != rows[2].DesktopID {
		t.Fatalf("after skimming: asked %v", src.asked)
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "Now          SHUTOFF · as of 09:00:00") || !strings.Contains(view, "10.0.0.7") {
		t.Errorf("no state in the pane:\n%s", view)
	}
	m = send(t, m, press("k"))
	m = send(t, m, press("j")) // back within the minute: no new request
	if len(src.asked) != 3 {   // row 1, now rested on
		t.Errorf("asked %v", src.asked)
	}
	now = now.Add(2 * time.Minute)
	m = send(t, m, press("k"))
	send(t, m, press("j"))
	if got := src.asked[len(src.asked)-1]; len(src.asked) != 5 || got != rows[2].DesktopID {
		t.Errorf("after the minute: asked %v", src.asked)
	}
}

// A desktop gone is said to be gone; a 403 is said once, and no more is asked.
func TestDesktopGoneAndDenied(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	m, _, _ := newDeskModel(t, func(string) (api.Desktop, error) {
		return api.Desktop{}, &api.APIError{Status: 404, Code: "WKS.00010009"}
	}, &now)
	if view := ansi.Strip(m.View()); !strings.Contains(view, "gone: the desktop no longer exists") {
		t.Errorf("404:\n%s", view)
	}
	m, src, _ := newDeskModel(t, func(string) (api.Desktop, error) {
		return api.Desktop{}, &api.APIError{Status: 403, Code: "WKS.00000403"}
	}, &now)
	if view := ansi.Strip(m.View()); !strings.Contains(view, "the credentials may not read desktops (HTTP 403 WKS.00000403)") || strings.Contains(view, "Now ") {
		t.Errorf("403:\n%s", view)
	}
	for range 5 {
		m = send(t, m, press("j"))
	}
	if len(src.asked) != 1 {
		t.Errorf("after a 403, asked %d times", len(src.asked))
	}
}
