package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/wksrec/wksrec/api"
)

// Goldens of whole screens with the colour profile forced to ASCII (see
// helpers_test.go), which is also what NO_COLOR gets: no styling at all, so
// these show that the text alone carries the meaning (statuses written out,
// the ▶ marker on the selected row). Regenerate with: go test ./ui -update
func TestViewGolden(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		keys []string
		errs map[int]error
	}{
		{name: "80x24", w: 80, h: 24},
		{name: "120x40", w: 120, h: 40},
		// The showcase record's first hostile desktop name, selected.
		{name: "80x24_hostile_name", w: 80, h: 24, keys: repeat("j", 97)},
		{name: "120x40_last_row_pane_focused", w: 120, h: 40, keys: []string{"G", "k", "k", "enter", "j"}},
		{name: "80x24_page_error", w: 80, h: 24, keys: []string{"G"},
			errs: map[int]error{2500: &api.APIError{Status: 403, Code: "WKS.00000403", Message: "The user has no permission for this operation on the desktop pool.", RequestID: "5f1c0e7a9b"}}},
		{name: "100x30_full_help", w: 100, h: 30, keys: []string{"?"}},
		// The error line cut at 80 columns, read whole with !.
		{name: "80x24_page_error_whole", w: 80, h: 24, keys: []string{"G", "!"},
			errs: map[int]error{2500: &api.APIError{Status: 403, Code: "WKS.00000403", Message: "The user has no permission for this operation on the desktop pool.", RequestID: "5f1c0e7a9b"}}},
		{name: "80x24_record_not_found", w: 80, h: 24,
			errs: map[int]error{0: &api.APIError{Status: 404, Code: "WKS.00010405", Message: "The task execution record does not exist.", RequestID: "fake-01"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := start(t, newTestModel(&stubSource{details: demoDetails(), errs: tc.errs}, 100), tc.w, tc.h)
			for _, k := range tc.keys {
				m = send(t, m, press(k))
			}
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func repeat(k string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = k
	}
	return out
}

func TestDrillDownGolden(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		keys []string
	}{
		{name: "tasks_80x24", w: 80, h: 24},
		{name: "tasks_120x40_last_selected", w: 120, h: 40, keys: []string{"G"}},
		{name: "records_80x24", w: 80, h: 24, keys: []string{"enter"}},
		{name: "records_120x40", w: 120, h: 40, keys: []string{"j", "enter", "j"}},
		{name: "details_via_drilldown_80x24", w: 80, h: 24, keys: []string{"enter", "enter"}},
	}
	data := demoDataset() // read only: one for every screen
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &dataSource{d: data}
			m := start(t, New(Config{Source: src, ProjectID: "demo-project", PageSize: 100}), tc.w, tc.h)
			for _, k := range tc.keys {
				m = send(t, m, press(k))
			}
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

// At every common width the details table keeps the columns that say what
// happened, with the pane beside it or below.
func TestDetailColumnsAtCommonWidths(t *testing.T) {
	for _, w := range []int{80, 100, 120, 160, 220} {
		m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), w, 30)
		titles := strings.Split(ansi.Strip(m.View()), "\n")[3]
		for _, col := range []string{"DESKTOP", "STATUS", "CODE", "STARTED", "TOOK"} {
			if !strings.Contains(titles, col) {
				t.Errorf("at %d columns the table has no %s: %q", w, col, titles)
			}
		}
		if side := m.pane.side; side != (w >= 120) {
			t.Errorf("at %d columns the pane beside the table: %v", w, side)
		}
	}
}

// A short list gives the lines it does not need to the pane below it: 3
// runs take 4 lines (titles and rows), not 12 with 8 of them empty.
func TestShortListGivesRoomToThePane(t *testing.T) {
	src := &stubSource{details: demoDetails(), records: []api.Record{{ID: "r1"}, {ID: "r2"}, {ID: "r3"}}}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", PageSize: 100}), 80, 24)
	if m.tableH != 4 || m.pane.height != 24-3-1-1-4 { // three header lines: the runs have a summary line
		t.Errorf("table %d lines, pane %d; want 4 and the rest", m.tableH, m.pane.height)
	}
	// A long list keeps the usual split.
	m = start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
	if m.pane.height > 10 {
		t.Errorf("a long list's pane takes %d of 24 lines", m.pane.height)
	}
}

// The breadcrumb gives way from the least specific end: the project, then
// the task, and keeps the run on screen named.
func TestBreadcrumbKeepsTheRun(t *testing.T) {
	src := &stubSource{details: demoDetails()[:10],
		tasks:   []api.Task{{ID: "task-1", TaskName: "Nightly reboot of the research desktops"}},
		records: []api.Record{{ID: "rec-1", StartTime: "2026-11-28 02:00:00"}}}
	m := start(t, New(Config{Source: src, ProjectID: "0123456789abcdef0123456789abcdef", PageSize: 100}), 200, 30)
	m = send(t, m, press("enter"))
	m = send(t, m, press("enter"))
	for _, tc := range []struct {
		width int
		want  string
	}{
		{200, "wksrec · project 0123456789abcdef0123456789abcdef › Nightly reboot of the research desktops › 2026-11-28 02:00:00"},
		{90, "wksrec · project 01234567… › Nightly reboot of the research desktops › 2026-11-28 02:00:00"},
		{75, "wksrec › Nightly reboot of the research desktops › 2026-11-28 02:00:00"},
		{60, "wksrec › Nightly reboot of… › 2026-11-28 02:00:00"},
		{40, "wksrec › … › 2026-11-28 02:00:00"},
	} {
		m = send(t, m, tea.WindowSizeMsg{Width: tc.width, Height: 30})
		if got := strings.TrimRight(strings.Split(ansi.Strip(m.View()), "\n")[0], " "); got != tc.want {
			t.Errorf("at %d columns: %q, want %q", tc.width, got, tc.want)
		}
	}
}

// Every screen at the three sizes users have: a plain 80x24, a 100x30
// laptop terminal, a 160x48 wide one. The README's screens come from these.
func TestScreensGolden(t *testing.T) {
	screens := []struct {
		name string
		keys []string
	}{
		{"tasks", nil},
		{"runs", []string{"enter"}},
		{"details", []string{"enter", "enter"}},
		{"details_failed_sorted", []string{"enter", "enter", "f", ">", ">", ">"}},
		{"groups", []string{"enter", "enter", "w"}},
		{"pane_zoomed", []string{"enter", "enter", "/", "c", "o", "d", "e", ":", "8", "8", "enter", "z"}},
		// Issue 23's: the comparison's line whole (short at 80 columns),
		// the gone desktops, the trend screen (no run stored: its line).
		{"details_compared", []string{"enter", "enter", "c", "C"}},
		{"gone", []string{"enter", "enter", "c", "f", "f", "x"}},
		{"trend", []string{"enter", "R"}},
		{"tasks_sorted", []string{"o", "o", "o"}}, // by LAST, the failed first (SCHEDULE, hidden at 80 columns, skipped there)
	}
	data := demoDataset() // read only: one for every screen
	for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 48}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				src := &dataSource{d: data}
				m := start(t, New(Config{Source: src, ProjectID: "demo-project", PageSize: 100}), size[0], size[1])
				for _, k := range sc.keys {
					m = send(t, m, press(k))
				}
				golden.RequireEqual(t, []byte(m.View()))
			})
		}
	}
}

// The waiting line counts down to the next try.
func TestWaitingLine(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	s := listStatus{err: &api.TransportError{Host: "h", Err: syscall.ECONNREFUSED}, waiting: true, nextTry: 3, due: now.Add(8 * time.Second)}
	if got := waitingLine(s, now); !strings.HasPrefix(got, "↻ cannot reach h") || !strings.HasSuffix(got, "asked again in 8s (try 3)") {
		t.Errorf("%q", got)
	}
	s.nextTry, s.due = 1, now.Add(-time.Second)
	if got := waitingLine(s, now); !strings.HasSuffix(got, "asked again now") {
		t.Errorf("%q", got)
	}
}

// actingSource is the demo's data with power actions that always answer
// alike: a job per request, done at once, and the first desktop of each
// request refused.
type actingSource struct{ dataSource }

func (s *actingSource) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	return api.ActionResult{JobID: "job-" + ids[0][:8], Refused: []api.FailedOperation{{DesktopID: ids[0], ErrorCode: "WKS.00010052",
		ErrorMsg: "The desktop is being operated on by another task; try again when it is done."}}}, nil
}

func (s *actingSource) GetJob(_ context.Context, id string) (api.Job, error) {
	return api.Job{ID: id, Status: "SUCCESS"}, nil
}

// The action results (issue 23 gave them y, Y, / and e) at the three
// sizes: the requests and refusals of a reboot of the failed desktops.
func TestActionResultsGolden(t *testing.T) {
	data := demoDataset()
	task := data.Tasks[0].ID
	n := 0
	for _, d := range data.Details[data.Records[task][0].ID] {
		if d.ExecStatus == "FAIL" {
			n++
		}
	}
	for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			src := &actingSource{dataSource{d: data}}
			m := start(t, New(Config{Source: src, ProjectID: "demo-project", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100,
				AuditPath: filepath.Join(t.TempDir(), "actions.log"), JobPoll: time.Nanosecond}), size[0], size[1])
			for _, k := range []string{"f", "a", "r"} {
				m = send(t, m, press(k))
			}
			m = typeText(t, m, strconv.Itoa(n))
			m = send(t, m, press("enter"))
			if a, ok := m.top().(*actionView); !ok || a.stage != stageDone {
				t.Fatalf("not done: %T", m.top())
			}
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}
