package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
)

func dv(m Model) *detailsView { return m.top().(*detailsView) }

// shownIDs are the ids of the rows the table shows, in order.
func shownIDs(m Model) []string {
	var ids []string
	for _, d := range shownRows(dv(m)) {
		ids = append(ids, d.ID)
	}
	return ids
}

func typeText(t *testing.T, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = send(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

func TestFailedOnlyLoadsEverythingAndCombines(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("f"))
	if !dl(m).AllLoaded() {
		t.Fatal("failed-only did not load every page")
	}
	var want []string
	for _, d := range src.details {
		if filter.IsFailed(d.ExecStatus) {
			want = append(want, d.ID)
		}
	}
	if got := shownIDs(m); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("failed only: %d rows, want %d", len(got), len(want))
	}
	// Each page was asked for once.
	seen := map[int]bool{}
	for _, off := range src.requested() {
		if seen[off] {
			t.Errorf("offset %d requested twice", off)
		}
		seen[off] = true
	}
	// Add a text filter: both apply.
	m = send(t, m, press("/"))
	m = typeText(t, m, "reason:quota")
	m = send(t, m, press("enter"))
	for _, d := range shownRows(dv(m)) {
		if d.ExecStatus != "FAIL" || !strings.Contains(strings.ToLower(d.FailReason), "quota") {
			t.Fatalf("row %+v does not match failed-only and reason:quota", d)
		}
	}
	if n := len(shownIDs(m)); n == 0 || n >= len(want) {
		t.Errorf("%d rows with both filters", n)
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "failed only · /reason:quota") || !strings.Contains(view, commas(len(shownIDs(m)))+" of 2,537") {
		t.Errorf("header does not show the filters and matched/total:\n%s", view)
	}
	// Esc in the prompt cancels an edit and keeps the filter on (less,
	// vim); emptied and applied, the text filter is off; f again clears
	// failed-only.
	both := len(shownIDs(m))
	cursor := dl(m).Cursor()
	m = send(t, m, press("/"))
	m = typeText(t, m, " xyz")
	m = send(t, m, press("esc"))
	if len(shownIDs(m)) != both || dl(m).Cursor() != cursor || !strings.Contains(ansi.Strip(m.View()), "/reason:quota") {
		t.Errorf("esc changed the filter: %d shown (was %d), cursor %d (was %d)", len(shownIDs(m)), both, dl(m).Cursor(), cursor)
	}
	m = send(t, m, press("/"))
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = send(t, m, press("enter"))
	m = send(t, m, press("f"))
	if dl(m).Ordered() || dl(m).Count() != len(src.details) {
		t.Errorf("filters not cleared: %d shown", dl(m).Count())
	}
}

func TestStatusCycleIncludesStatusesSeen(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 100, 30)
	var seen []string
	for i := 0; i < 6; i++ {
		m = send(t, m, press("s"))
		seen = append(seen, dv(m).tr.Status)
	}
	if got := strings.Join(seen, ","); got != "FAIL,SKIP,SUCCESS,RUNNING,," && got != "FAIL,SKIP,SUCCESS,RUNNING,,FAIL" {
		t.Errorf("s cycles %s", got)
	}
}

func TestBadFilterSaysWhy(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 100, 30)
	m = send(t, m, press("/"))
	m = typeText(t, m, "colour:red")
	m = send(t, m, press("enter"))
	if !strings.Contains(ansi.Strip(m.View()), `filter: unknown field "colour"`) || !dv(m).prompting() {
		t.Errorf("a bad filter should keep the prompt open with the reason:\n%s", ansi.Strip(m.View()))
	}
}

func TestCursorStaysOnRecordAcrossFilterAndSort(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 100, 30)
	for dl(m).State(dl(m).Cursor()) == paging.RowLoaded {
		if d, _ := dl(m).Selected(); d.Detail().ExecStatus == "FAIL" {
			break
		}
		m = send(t, m, press("j"))
	}
	want, _ := dl(m).Selected()
	for _, k := range []string{"f", "o", "o", "O"} {
		m = send(t, m, press(k))
		if got, _ := dl(m).Selected(); got.Detail().ID != want.Detail().ID {
			t.Fatalf("after %s the cursor is on %s, want %s", k, got.Detail().ID, want.Detail().ID)
		}
	}
}

func TestSortIsStableAndReversible(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("o")) // status
	rows := shownRows(dv(m))
	index := map[string]int{}
	for i, d := range src.details {
		index[d.ID] = i
	}
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.ExecStatus > b.ExecStatus || (a.ExecStatus == b.ExecStatus && index[a.ID] > index[b.ID]) {
			t.Fatalf("rows %d,%d out of order or unstable: %s@%d %s@%d", i-1, i, a.ExecStatus, index[a.ID], b.ExecStatus, index[b.ID])
		}
	}
	m = send(t, m, press("O"))
	rows = shownRows(dv(m))
	if rows[0].ExecStatus != "SUCCESS" || !strings.Contains(ansi.Strip(m.View()), "sort status ↓") {
		t.Errorf("reversed sort starts with %s", rows[0].ExecStatus)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1].ExecStatus == rows[i].ExecStatus && index[rows[i-1].ID] > index[rows[i].ID] {
			t.Fatal("equal keys lost their order when reversed")
		}
	}
	m = send(t, m, press("o")) // desktop name
	rows = shownRows(dv(m))
	for i := 1; i < len(rows); i++ {
		if strings.ToLower(rows[i-1].DesktopName) < strings.ToLower(rows[i].DesktopName) {
			t.Fatalf("names not descending at %d", i)
		}
	}
}

func TestFailureGroups(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("w"))
	g, ok := m.top().(*groupsView)
	if !ok {
		t.Fatal("w did not open the failure groups")
	}
	// Counts: every FAIL and SKIP row in exactly one group; largest first.
	want := map[triage.GroupKey]int{}
	total := 0
	for _, d := range src.details {
		if d.ExecStatus == "FAIL" || d.ExecStatus == "SKIP" {
			want[triage.GroupKey{Status: d.ExecStatus, Code: d.ResultCode, Reason: d.FailReason}]++
			total++
		}
	}
	var sum int
	items := g.list
	for i := 0; i < items.Count(); i++ {
		gr, _ := items.Row(i)
		if gr.Count != want[gr.Key] {
			t.Errorf("group %v counts %d, want %d", gr.Key, gr.Count, want[gr.Key])
		}
		if i > 0 {
			prev, _ := items.Row(i - 1)
			if prev.Count < gr.Count {
				t.Error("groups not largest first")
			}
		}
		sum += gr.Count
	}
	if sum != total || items.Count() != len(want) {
		t.Errorf("%d rows in %d groups, want %d in %d", sum, items.Count(), total, len(want))
	}
	// Enter on the second group filters the details to it.
	m = send(t, m, press("j"))
	second, _ := g.list.Selected()
	m = send(t, m, press("enter"))
	if _, ok := m.top().(*detailsView); !ok {
		t.Fatal("enter on a group did not go back to the details")
	}
	rows := shownRows(dv(m))
	if len(rows) != second.Count {
		t.Errorf("%d rows shown, want the group's %d", len(rows), second.Count)
	}
	for _, d := range rows {
		if d.ResultCode != second.Key.Code || d.FailReason != second.Key.Reason {
			t.Fatalf("row %+v is not in the group", d)
		}
	}
}

func TestCopyThroughOSC52(t *testing.T) {
	var term bytes.Buffer
	src := &stubSource{details: demoDetails()}
	cfg := Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, RetryBackoff: time.Millisecond, Clipboard: &term}
	m := start(t, New(cfg), 100, 30)
	m = send(t, m, press("y"))
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(src.details[0].DesktopID)) + "\x07"
	if term.String() != want {
		t.Errorf("y wrote %q, want %q", term.String(), want)
	}
	if !strings.Contains(ansi.Strip(m.View()), "sent desktop id") || !strings.Contains(ansi.Strip(m.View()), "(OSC 52)") {
		t.Errorf("no note about the copy:\n%s", ansi.Strip(m.View()))
	}
	// Y copies every id the filter shows, one a line, once all are loaded.
	term.Reset()
	m = send(t, m, press("f"))
	_ = send(t, m, press("Y"))
	var ids []string
	for _, d := range src.details {
		if d.ExecStatus == "FAIL" {
			ids = append(ids, d.DesktopID)
		}
	}
	want = "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(strings.Join(ids, "\n"))) + "\x07"
	if term.String() != want {
		t.Errorf("Y wrote %d bytes, want the %d failed ids", term.Len(), len(ids))
	}
	// Inside GNU screen the sequence goes through screen's passthrough.
	term.Reset()
	cfg.InScreen = true
	m = start(t, New(cfg), 120, 30)
	m = send(t, m, press("y"))
	if !strings.HasPrefix(term.String(), "\x1bP\x1b]52;c;") || !strings.Contains(ansi.Strip(m.View()), "(OSC 52 through screen)") {
		t.Errorf("screen copy wrote %q", term.String())
	}
}

// Inside tmux a copy goes to tmux itself (load-buffer -w), and nothing is
// written to the terminal; where tmux refuses, OSC 52 through tmux's
// passthrough, and the note says what was done.
func TestCopyInsideTmux(t *testing.T) {
	var term bytes.Buffer
	var got []string
	var stdin string
	tmuxOK := func(_ context.Context, in []byte, args ...string) error {
		got, stdin = append(got, strings.Join(args, " ")), string(in)
		return nil
	}
	src := &stubSource{details: demoDetails()}
	cfg := Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, RetryBackoff: time.Millisecond,
		Clipboard: &term, InTmux: true, RunTmux: tmuxOK}
	m := start(t, New(cfg), 150, 30)
	m = send(t, m, press("y"))
	if len(got) != 1 || got[0] != "load-buffer -w -" || stdin != src.details[0].DesktopID || term.Len() != 0 {
		t.Errorf("tmux ran %q with %q; terminal got %q", got, stdin, term.String())
	}
	if !strings.Contains(ansi.Strip(m.View()), "put in the tmux buffer and sent to the clipboard") {
		t.Errorf("note:\n%s", ansi.Strip(m.View()))
	}
	// A tmux that refuses both forms: OSC 52 through its passthrough.
	got = nil
	cfg.RunTmux = func(_ context.Context, _ []byte, args ...string) error {
		got = append(got, strings.Join(args, " "))
		return errors.New("exit status 1")
	}
	m = start(t, New(cfg), 150, 30)
	m = send(t, m, press("y"))
	if len(got) != 2 || !strings.HasPrefix(term.String(), "\x1bPtmux;\x1b\x1b]52;c;") {
		t.Errorf("tmux ran %q; terminal got %q", got, term.String())
	}
	if !strings.Contains(ansi.Strip(m.View()), "allow-passthrough") {
		t.Errorf("note:\n%s", ansi.Strip(m.View()))
	}
}

func TestCopyTooLargeIsRefused(t *testing.T) {
	details := make([]api.Detail, 3000)
	for i := range details {
		details[i] = api.Detail{ID: string(rune(i)), DesktopID: strings.Repeat("x", 36) + string(rune('a'+i%26)), ExecStatus: "FAIL"}
		details[i].ID = details[i].DesktopID + "-" + strings.Repeat("y", i%7) + string(rune(i+256))
	}
	var term bytes.Buffer
	m := start(t, New(Config{Source: &stubSource{details: details}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100,
		RetryBackoff: time.Millisecond, Clipboard: &term}), 100, 30)
	m = send(t, m, press("Y"))
	if term.Len() != 0 || !strings.Contains(ansi.Strip(m.View()), "not copied") {
		t.Errorf("a %d-id copy was not refused: wrote %d bytes", len(details), term.Len())
	}
}

func TestExportWritesFilteredRows(t *testing.T) {
	dir := t.TempDir()
	src := &stubSource{details: demoDetails()}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "e84a4f0c-aafc-ee3d", PageSize: 100,
		RetryBackoff: time.Millisecond, ExportDir: dir}), 250, 30) // wide enough for the temporary path
	m = send(t, m, press("s")) // FAIL
	m = send(t, m, press("e"))
	note := ansi.Strip(m.View())
	match := regexp.MustCompile(`exported ([0-9,]+) rows to (\S+\.csv)`).FindStringSubmatch(note)
	if match == nil {
		t.Fatalf("no export note:\n%s", note)
	}
	// Started from ids, the export is named after them, and the rows shown.
	if filepath.Dir(match[2]) != dir || filepath.Base(match[2]) != "wksrec-t-e84a4f0c-fail.csv" {
		t.Errorf("file %s", match[2])
	}
	f, err := os.Open(match[2])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bom := make([]byte, 3)
	if _, err := io.ReadFull(f, bom); err != nil || string(bom) != "\ufeff" {
		t.Errorf("the export does not start with a UTF-8 byte order mark: %q", bom)
	}
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != len(shownIDs(m)) {
		t.Errorf("%d rows in the file, %d shown", len(rows)-1, len(shownIDs(m)))
	}
	for _, r := range rows[1:] {
		if r[4] != "FAIL" {
			t.Fatalf("exported a %s row", r[4])
		}
	}
}

func TestLoadAllWithThrottling(t *testing.T) {
	throttled := &api.APIError{Status: 429, Code: "APIG.0308", Message: "over ratelimit"}
	src := &stubSource{details: demoDetails(), errs: map[int]error{1200: throttled, 1900: throttled}}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("f"))
	if !dl(m).AllLoaded() {
		t.Fatal("not everything loaded after throttling")
	}
	count := map[int]int{}
	for _, off := range src.requested() {
		count[off]++
	}
	for off, n := range count {
		if want := map[bool]int{true: 2, false: 1}[off == 1200 || off == 1900]; n != want {
			t.Errorf("offset %d requested %d times, want %d", off, n, want)
		}
	}
	ids := map[string]bool{}
	dl(m).Each(func(_ int, r *triage.Row) {
		if ids[r.ID()] {
			t.Fatalf("%s held twice", r.ID())
		}
		ids[r.ID()] = true
	})
	// The window halved at each 429 and grew back as answers came: how
	// far depends on the clock (internal/paging tests the rule exactly).
	if c := dl(m).Concurrency(); len(ids) != len(src.details) || c < 1 || c > paging.DefaultConcurrency {
		t.Errorf("%d rows held, concurrency %d", len(ids), dl(m).Concurrency())
	}
}

// Watch mode refreshes while anything runs, keeps the cursor on its
// record, and stops by itself once nothing is RUNNING or WAITING.
func TestWatchRefreshesUntilNothingRuns(t *testing.T) {
	src := &stubSource{details: demoDetails()[:150]}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	want, _ := dl(m).Selected()
	m.watch.after = instantTick
	m, msgs := sendHeld(t, m, press("W")) // the first tick is held, not delivered; the first look at the run is
	for _, msg := range msgs {
		if _, ok := msg.(watchTickMsg); !ok {
			m = send(t, m, msg)
		}
	}
	if !m.watch.on || !strings.Contains(ansi.Strip(m.View()), "watching every 10s") {
		t.Fatalf("W did not start watching:\n%s", ansi.Strip(m.View()))
	}
	// A row appears at the top of the record while it runs.
	src.mu.Lock()
	src.details = append([]api.Detail{{ID: "new", DesktopName: "late", ExecStatus: "RUNNING"}}, src.details...)
	before := len(src.offsets)
	src.mu.Unlock()
	m, msgs = sendHeld(t, m, watchTickMsg{gen: m.watch.gen})
	var tick tea.Msg
	for _, msg := range msgs {
		if _, ok := msg.(watchTickMsg); ok {
			tick = msg
			continue
		}
		m = send(t, m, msg)
	}
	if len(src.requested()) == before || tick == nil {
		t.Fatalf("a tick while rows run should refresh and schedule the next (requests %d → %d)", before, len(src.requested()))
	}
	if got, _ := dl(m).Selected(); got.Detail().ID != want.Detail().ID || dl(m).Total() != 151 {
		t.Errorf("after the refresh the cursor is on %s (total %d), want %s", got.Detail().ID, dl(m).Total(), want.Detail().ID)
	}
	// Everything finishes: the next tick stops the watch without a request.
	src.mu.Lock()
	for i := range src.details {
		src.details[i].ExecStatus = "SUCCESS"
	}
	src.mu.Unlock()
	m = send(t, m, press("r"))
	before = len(src.requested())
	m, msgs = sendHeld(t, m, tick)
	if m.watch.on || len(msgs) != 0 || len(src.requested()) != before {
		t.Errorf("watch on %v, %d messages, %d new requests; want it stopped quietly", m.watch.on, len(msgs), len(src.requested())-before)
	}
	if !strings.Contains(ansi.Strip(m.View()), "watch stopped: nothing is running") {
		t.Error("no note that the watch stopped")
	}
}

// Two desktops are added at the top of the record while pages load: the
// rows shift and one record comes back on two pages. Filters, counts and
// exports see it once.
func TestShiftedRowsCountedOnce(t *testing.T) {
	src := &stubSource{details: demoDetails()[:300]}
	var debug bytes.Buffer
	m := New(Config{Source: src, ProjectID: "proj", TaskID: "task-1", RecordID: "rec-1", PageSize: 100,
		RetryBackoff: time.Millisecond, Debug: &debug})
	m = start(t, m, 100, 30) // page 0 held
	src.mu.Lock()
	src.details = append([]api.Detail{{ID: "new-1", ExecStatus: "FAIL"}, {ID: "new-2", ExecStatus: "FAIL"}}, src.details...)
	src.mu.Unlock()
	m = send(t, m, press("f")) // loads pages 1 and 2 of the shifted listing
	seen := map[string]int{}
	for _, d := range shownRows(dv(m)) {
		seen[d.ID]++
		if seen[d.ID] > 1 {
			t.Fatalf("%s shown twice", d.ID)
		}
	}
	total := 0
	for _, n := range dv(m).statusCounts() {
		total += n
	}
	if total != 302-2 { // 302 records now; the two new ones sit on page 0, loaded before they appeared
		t.Errorf("status counts add up to %d records, want 300 distinct ones held", total)
	}
	// --debug says which rows came twice: rows 98 and 99 of page 0 are
	// rows 100 and 101 now.
	if n := strings.Count(debug.String(), "shown and counted once"); n != 2 {
		t.Errorf("the debug log names %d rows sent twice, want 2:\n%s", n, debug.String())
	}
}

// Pages that were asked for under one filter and arrive after it changed
// are shown under the new one: nothing of the old filter lingers.
func TestFilterChangeWhilePagesLoad(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 100, 30)
	m, held := sendHeld(t, m, press("f")) // load-all starts; answers held
	if len(held) == 0 {
		t.Fatal("f asked for nothing")
	}
	m = send(t, m, press("f")) // off again
	m = send(t, m, press("/"))
	m = typeText(t, m, "reason:quota")
	m, more := sendHeld(t, m, press("enter"))
	for _, msg := range append(held, more...) {
		m = send(t, m, msg)
	}
	want := 0
	for _, d := range src.details {
		if strings.Contains(strings.ToLower(d.FailReason), "quota") {
			want++
		}
	}
	rows := shownRows(dv(m))
	if len(rows) != want || dv(m).tr.FailedOnly {
		t.Fatalf("%d rows, want %d (failed-only %v)", len(rows), want, dv(m).tr.FailedOnly)
	}
}

// --watch on the command line watches from the start: the first tick
// refreshes the list (the watch state set in Init was once lost).
func TestWatchFromTheCommandLine(t *testing.T) {
	src := &stubSource{details: demoDetails()[:150]}
	cfg := Config{Source: src, ProjectID: "proj", TaskID: "task-1", RecordID: "rec-1", PageSize: 100,
		RetryBackoff: time.Millisecond, Watch: 3 * time.Second}
	m := New(cfg)
	m.watch.after = instantTick
	if !m.watch.on || m.watch.interval != 3*time.Second {
		t.Fatalf("watch on %v every %s after New, want on every 3s", m.watch.on, m.watch.interval)
	}
	// Start as Init does, less the tick it schedules (a test does not wait for it).
	for _, msg := range collect(m.top().start()) {
		m = send(t, m, msg)
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(ansi.Strip(m.View()), "watching every 3s") {
		t.Errorf("the header does not say it watches:\n%s", ansi.Strip(m.View()))
	}
	before := len(src.requested())
	clock := time.Date(2026, 11, 29, 9, 30, 0, 0, time.Local)
	m.watch.now = func() time.Time { return clock }
	m, msgs := sendHeld(t, m, watchTickMsg{gen: m.watch.gen})
	if len(msgs) == 0 {
		t.Fatal("the first tick neither refreshed nor scheduled the next")
	}
	// At 100 columns the header is too narrow for the words: the short
	// form keeps both times.
	if !strings.Contains(m.watch.when(), "watching every 3s · refreshed 09:30:00 · next 09:30:03") ||
		!strings.Contains(ansi.Strip(m.View()), "watch 3s · 09:30:00 → 09:30:03") {
		t.Errorf("the header does not say when the watch refreshed and will next:\n%s", ansi.Strip(m.View()))
	}
	for _, msg := range msgs {
		if _, ok := msg.(watchTickMsg); !ok {
			m = send(t, m, msg)
		}
	}
	if len(src.requested()) == before {
		t.Error("the first tick of --watch did not refresh")
	}
}

// instantTick is tea.Tick without the wait: tests drive time themselves.
func instantTick(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg { return fn(time.Time{}) }
}

// With a filter on, r reloads the run and the filtered view follows, the
// cursor kept on the same desktop (r once fetched nothing while every row
// was held).
func TestRefreshWithAFilterReloads(t *testing.T) {
	src := &stubSource{details: append([]api.Detail(nil), demoDetails()[:300]...)}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("f"))
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	keep, _ := dl(m).Selected()
	first := shownIDs(m)[0]
	src.mu.Lock()
	for i := range src.details {
		if src.details[i].ID == first {
			src.details[i].ExecStatus = "SUCCESS" // it recovered
		}
	}
	before := len(src.offsets)
	src.mu.Unlock()
	m = send(t, m, press("r"))
	if n := len(src.requested()) - before; n != 3 {
		t.Errorf("r asked for %d pages of a 300-row run, want 3", n)
	}
	if slices.Contains(shownIDs(m), first) {
		t.Error("a desktop that recovered still shows under failed-only")
	}
	if got, _ := dl(m).Selected(); got.Detail().ID != keep.Detail().ID {
		t.Errorf("cursor on %s after r, want %s", got.Detail().ID, keep.Detail().ID)
	}
}

// The export is named after the task and run on screen, not the ids given
// at start; a second export does not overwrite the first.
func TestExportNamedAfterTheRunOnScreen(t *testing.T) {
	dir := t.TempDir()
	src := &stubSource{details: demoDetails()[:300]}
	m := start(t, New(Config{Source: src, ProjectID: "p", PageSize: 100, RetryBackoff: time.Millisecond, ExportDir: dir}), 250, 30)
	m = send(t, m, press("enter")) // the task's runs
	m = send(t, m, press("enter")) // the run's details
	m = send(t, m, press("f"))
	for _, want := range []string{"wksrec-stub-task-2026-11-28-02-00-00-failed.csv", "wksrec-stub-task-2026-11-28-02-00-00-failed-2.csv"} {
		m = send(t, m, press("e"))
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("no %s: %v\n%s", want, err, ansi.Strip(m.View()))
		}
	}
}

// A copy or export waiting for every page dies with its run: Esc and Enter
// on another run do not fire it there.
func TestPendingWorkDiesWithItsScreen(t *testing.T) {
	dir := t.TempDir()
	src := &stubSource{details: demoDetails()}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100,
		RetryBackoff: time.Millisecond, ExportDir: dir}), 120, 30)
	m, held := sendHeld(t, m, press("e")) // waits for every page; the answers are held
	if len(held) == 0 {
		t.Fatal("e asked for nothing")
	}
	m = send(t, m, press("esc")) // back to the runs: the export goes with the details
	for _, msg := range held {
		m = send(t, m, msg)
	}
	m = send(t, m, press("enter")) // a run again, all of it loaded by a filter
	m = send(t, m, press("f"))
	if !dl(m).AllLoaded() {
		t.Fatal("the second run did not load every page")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an export started in a closed screen fired: %v", entries)
	}
}

// Esc from a failure group's rows goes back to the groups, cursor on the
// group; Esc there goes back to the details as they were.
func TestEscFromAGroupsRowsReturnsToTheGroups(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 120, 40)
	m = send(t, m, press("s")) // a filter of the user's own: FAIL
	m = send(t, m, press("w"))
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	groups, ok := m.top().(*groupsView)
	if !ok {
		t.Fatalf("w opened %T", m.top())
	}
	want, _ := groups.list.Selected()
	m = send(t, m, press("enter"))
	if dv(m).tr.Group == nil || dv(m).tr.Group.Code != want.Key.Code {
		t.Fatalf("enter on a group shows %+v", dv(m).tr)
	}
	m = send(t, m, press("esc"))
	g, ok := m.top().(*groupsView)
	if !ok {
		t.Fatalf("esc from the group's rows went to %T, want the groups", m.top())
	}
	if got, _ := g.list.Selected(); got.Key != want.Key {
		t.Errorf("cursor on %+v, want %+v", got.Key, want.Key)
	}
	m = send(t, m, press("esc"))
	if v, ok := m.top().(*detailsView); !ok || v.tr.Group != nil || v.tr.Status != "FAIL" {
		t.Errorf("esc from the groups: %T with %+v, want the details as they were (status FAIL)", m.top(), dv(m).tr)
	}
}

// Paste reaches the / prompt: a bracketed paste (one key message of many
// runes), and Ctrl+V, whose answer is a message the root does not know.
func TestPasteIntoThePrompt(t *testing.T) {
	src := &stubSource{details: demoDetails()[:200]}
	m := start(t, newTestModel(src, 100), 120, 30)
	m = send(t, m, press("/"))
	m = send(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("reason:quota"), Paste: true})
	if got := dv(m).prompt.Value(); got != "reason:quota" {
		t.Errorf("after a bracketed paste the prompt holds %q", got)
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("/"))
	m, held := sendHeld(t, m, tea.KeyMsg{Type: tea.KeyCtrlV})
	if len(held) == 0 {
		t.Fatal("ctrl+v asked nothing of the clipboard")
	}
	for _, msg := range held { // the clipboard's text, or why there is none
		m = send(t, m, msg)
	}
	if p := dv(m).prompt; p.Err == nil && p.Value() == "" {
		t.Error("the clipboard's answer did not reach the prompt")
	}
}

// Sorting by start compares times, not text: a row in another zone or in
// RFC 3339 sorts where its instant is, and unparseable times come last.
// Sorting by duration puts unknown durations first.
func TestSortByStartAndDuration(t *testing.T) {
	details := []api.Detail{
		{ID: "a", StartTime: "2026-11-28 02:00:10", EndTime: "2026-11-28 02:05:10", TimeZone: "Asia/Shanghai"}, // 18:00:10Z, 5m
		{ID: "b", StartTime: "2026-11-27T18:00:05Z", EndTime: "2026-11-27T18:00:35Z"},                          // 18:00:05Z, 30s
		{ID: "c", StartTime: "yesterday", EndTime: "today"},                                                    // unparseable
		{ID: "d", StartTime: "2026-11-27 19:00:00", EndTime: "2026-11-27 21:00:00", TimeZone: "GMT+01:00"},     // 18:00:00Z, 2h
		{ID: "e", StartTime: "2026-11-28 03:00:00", TimeZone: "Asia/Shanghai"},                                 // 19:00:00Z, running
	}
	src := &stubSource{details: details}
	m := start(t, newTestModel(src, 100), 120, 30)
	for range 3 { // status, desktop, start
		m = send(t, m, press("o"))
	}
	if got := strings.Join(shownIDs(m), ""); got != "dbaec" {
		t.Errorf("by start: %s, want dbaec", got)
	}
	m = send(t, m, press("o")) // duration
	if got := strings.Join(shownIDs(m), ""); got != "cebad" {
		t.Errorf("by duration: %s, want cebad (unknown first)", got)
	}
	m = send(t, m, press("O"))
	if got := strings.Join(shownIDs(m), ""); got != "dabce" { // equal keys keep their order
		t.Errorf("by duration, reversed: %s, want dabce", got)
	}
}

// A filter that matches nothing says so, and which keys change it; never
// "loading…".
func TestEmptyFilterResultSaysSo(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 100, 30)
	m = send(t, m, press("/"))
	m = typeText(t, m, "name:no-such-desktop")
	m = send(t, m, press("enter"))
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "No rows match.") || !strings.Contains(view, "/ edits the filter") || strings.Contains(view, "loading…") {
		t.Errorf("an empty filter result:\n%s", view)
	}
}

// Esc then Enter on the same finished run shows its rows, filter, sort and
// cursor at once, with no request; a run still in progress refreshes in
// place; a run left while pages were on their way asks for them again.
func TestRunKeptAfterEsc(t *testing.T) {
	src := &stubSource{details: demoDetails()[:300],
		records: []api.Record{{ID: "done", Status: "SUCCESS"}, {ID: "busy", Status: "RUNNING"}}}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", PageSize: 100, RetryBackoff: time.Millisecond}), 120, 30)
	m = send(t, m, press("enter")) // the finished run
	m = send(t, m, press("f"))
	m = send(t, m, press("o"))
	m = send(t, m, press("j"))
	before := len(src.requested())
	want, _ := dl(m).Selected()
	m = send(t, m, press("esc"))
	m = send(t, m, press("enter"))
	if n := len(src.requested()) - before; n != 0 {
		t.Errorf("%d requests to show a run left a moment ago", n)
	}
	if got, _ := dl(m).Selected(); got.Detail().ID != want.Detail().ID || !dv(m).tr.FailedOnly || dv(m).tr.SortBy == triage.SortNone {
		t.Errorf("came back to %q with %+v; want %q, failed only and the sort", got.Detail().ID, dv(m).tr, want.Detail().ID)
	}
	// r always reloads.
	m = send(t, m, press("r"))
	if len(src.requested()) == before {
		t.Error("r did not reload a kept run")
	}
	// A run in progress refreshes in place.
	m = send(t, m, press("esc"))
	m = send(t, m, press("j"))
	m = send(t, m, press("enter"))
	m = send(t, m, press("esc"))
	before = len(src.requested())
	_ = send(t, m, press("enter"))
	if len(src.requested()) == before {
		t.Error("a running run shown again was not refreshed")
	}
}

// A run left while pages were on its way (their answers are dropped)
// asks for them again when shown, rather than waiting for them forever.
func TestRunLeftWhileLoadingReloads(t *testing.T) {
	src := &stubSource{details: demoDetails()[:300], records: []api.Record{{ID: "done", Status: "SUCCESS"}}}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", PageSize: 100, RetryBackoff: time.Millisecond}), 120, 30)
	m = send(t, m, press("enter"))
	m, held := sendHeld(t, m, press("G")) // the last page is asked for; its answer held
	if len(held) == 0 {
		t.Fatal("G asked for nothing")
	}
	m = send(t, m, press("esc"))
	for _, msg := range held { // dropped: the run is no longer on screen
		m = send(t, m, msg)
	}
	m = send(t, m, press("enter"))
	if l := dl(m); l.Loading() || l.State(l.PosOf(l.Cursor())) != paging.RowLoaded {
		t.Errorf("back on the run: loading %v, the row under the cursor %v", l.Loading(), l.State(l.PosOf(l.Cursor())))
	}
}

// The sorted column's title carries ▲ or ▼; < and > move the sort to the
// sortable column left or right of it.
func TestSortArrowAndNeighbouringColumns(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 120, 30)
	titles := func() string { return strings.Split(ansi.Strip(m.View()), "\n")[3] }
	m = send(t, m, press(">")) // from no sort: the first sortable column
	if dv(m).tr.SortBy != triage.SortName || !strings.Contains(titles(), "DESKTOP ▲") {
		t.Errorf("> from no sort: %v, titles %q", dv(m).tr.SortBy, titles())
	}
	m = send(t, m, press(">"))
	m = send(t, m, press(">"))
	if dv(m).tr.SortBy != triage.SortCode || !strings.Contains(titles(), "CODE ▲") {
		t.Errorf(">>: %v, titles %q", dv(m).tr.SortBy, titles())
	}
	m = send(t, m, press("O"))
	if !strings.Contains(titles(), "CODE ▼") {
		t.Errorf("O: titles %q", titles())
	}
	m = send(t, m, press("<"))
	if dv(m).tr.SortBy != triage.SortStatus || !regexp.MustCompile(`STAT\S* ▼`).MatchString(titles()) || strings.Contains(titles(), "CODE ▼") {
		t.Errorf("<: %v, titles %q", dv(m).tr.SortBy, titles())
	}
}

// A long filter is shortened in the header, so the sort stays visible on
// an 80-column line.
func TestSortStaysVisibleWithALongFilter(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
	m = send(t, m, press("o")) // sort by status
	m = send(t, m, press("/"))
	m = typeText(t, m, `reason:"did not respond to the command within 300 seconds" | reason:quota`)
	m = send(t, m, press("enter"))
	line := strings.Split(ansi.Strip(m.View()), "\n")[2]
	if !strings.Contains(line, "sort status ↑") || !strings.Contains(line, "/reason:") {
		t.Errorf("header line %q", line)
	}
}
