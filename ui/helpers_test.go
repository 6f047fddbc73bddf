package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
)

func init() {
	// Goldens and assertions see the same bytes on every machine.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
}

// stubSource serves details from memory and records every request.
type stubSource struct {
	mu      sync.Mutex
	details []api.Detail
	total   func(offset int) int // reported total_count; len(details) when nil
	errs    map[int]error        // offset -> error to return once
	persist map[int]error        // offset -> error to return every time
	extra   int                  // rows sent beyond the limit asked for
	whole   bool                 // every answer is the whole listing, whatever the offset
	tasks   []api.Task           // the task list (one "stub task" when nil)
	records []api.Record         // the task's runs (one when nil)
	offsets []int
}

func (s *stubSource) ListRecordDetails(_ context.Context, _, _ string, offset, limit int) (api.Page[api.Detail], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offsets = append(s.offsets, offset)
	if err, ok := s.persist[offset]; ok {
		return api.Page[api.Detail]{}, err
	}
	if err, ok := s.errs[offset]; ok {
		delete(s.errs, offset)
		return api.Page[api.Detail]{}, err
	}
	total := len(s.details)
	if s.total != nil {
		total = s.total(offset)
	}
	if s.whole {
		return api.Page[api.Detail]{Items: append([]api.Detail(nil), s.details...), Total: total}, nil
	}
	end := min(offset+limit+s.extra, len(s.details), max(total, 0))
	var items []api.Detail
	if offset < end {
		items = append(items, s.details[offset:end]...)
	}
	return api.Page[api.Detail]{Items: items, Total: total}, nil
}

// The stub serves one task with one record: the details under test.
func (s *stubSource) ListTasks(context.Context, string, int, int) (api.Page[api.Task], error) {
	if s.tasks != nil {
		return api.Page[api.Task]{Items: s.tasks, Total: len(s.tasks)}, nil
	}
	return api.Page[api.Task]{Items: []api.Task{{ID: "task-1", TaskName: "stub task"}}, Total: 1}, nil
}

func (s *stubSource) ListRecords(context.Context, string, int, int) (api.Page[api.Record], error) {
	if s.records != nil {
		return api.Page[api.Record]{Items: s.records, Total: len(s.records)}, nil
	}
	return api.Page[api.Record]{Items: []api.Record{{ID: "rec-1", StartTime: "2026-11-28 02:00:00"}}, Total: 1}, nil
}

func (s *stubSource) requested() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.offsets...)
}

// demoDetails is the fake's showcase record: 2,537 rows, CJK and hostile names.
func demoDetails() []api.Detail {
	demoOnce.Do(func() {
		demoData = fake.NewDataset(7)
	})
	d := demoData
	return append([]api.Detail(nil), d.Details[d.Records[d.Tasks[0].ID][0].ID]...) // a copy: tests change rows
}

// demoData is the demo's dataset, built once: tests only read it (and
// demoDetails hands out copies).
var (
	demoOnce sync.Once
	demoData *fake.Dataset
)

func newTestModel(src Source, pageSize int) Model {
	return New(Config{Source: src, ProjectID: "proj", TaskID: "task-1", RecordID: "rec-1", PageSize: pageSize,
		RetryBackoff: time.Millisecond})
}

// dl is the details list of a model whose top view is the details view.
func dl(m Model) *pagedList[triage.Row] {
	return m.top().(*detailsView).list
}

// collect runs cmd and returns the messages it produces, flattening batches.
// Spinner ticks are dropped: tests drive time themselves.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	case spinner.TickMsg, nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

// send delivers msg and everything it leads to, until nothing is pending.
func send(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	queue := []tea.Msg{msg}
	for n := 0; len(queue) > 0; n++ {
		if n > 5000 {
			t.Fatalf("%T did not settle after 5000 messages: a request loop (next: %#v)", msg, queue[0])
		}
		next, cmd := m.Update(queue[0])
		m = next.(Model)
		queue = append(queue[1:], collect(cmd)...)
	}
	return m
}

// sendHeld delivers msg but returns the messages its commands produce
// instead of delivering them, so a test can reorder or drop them.
func sendHeld(t *testing.T, m Model, msg tea.Msg) (Model, []tea.Msg) {
	t.Helper()
	next, cmd := m.Update(msg)
	return next.(Model), collect(cmd)
}

// start runs Init and sizes the window, delivering every answer.
func start(t *testing.T, m Model, w, h int) Model {
	t.Helper()
	if m.cfg.ExportDir == "" {
		// A key pressed at random may be e: its file goes where the test can drop it, not into the source tree.
		m.cfg.ExportDir = t.TempDir()
	}
	for _, msg := range collect(m.Init()) {
		m = send(t, m, msg)
	}
	return send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

func press(s string) tea.KeyMsg {
	switch s {
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// demoDataset is the demo's dataset, shared read-only.
func demoDataset() *fake.Dataset {
	demoDetails()
	return demoData
}
