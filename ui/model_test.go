package ui

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
)

func TestFirstScreenCostsOneRequest(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {300, 100}} {
		src := &stubSource{details: demoDetails()}
		m := start(t, newTestModel(src, 100), size[0], size[1])
		if got := src.requested(); !reflect.DeepEqual(got, []int{0}) {
			t.Errorf("%dx%d: requests at offsets %v, want [0]", size[0], size[1], got)
		}
		if dl(m).Total() != len(src.details) || dl(m).LoadedRows() != 100 {
			t.Errorf("%dx%d: total %d loaded %d", size[0], size[1], dl(m).Total(), dl(m).LoadedRows())
		}
	}
}

func TestJumpToEndFetchesOnlyTheLastPage(t *testing.T) {
	src := &stubSource{details: demoDetails()} // 2,537 rows: the last page starts at 2,500
	m := start(t, newTestModel(src, 100), 80, 24)
	m = send(t, m, press("G"))
	if got := src.requested(); !reflect.DeepEqual(got, []int{0, 2500}) {
		t.Fatalf("requests at offsets %v, want [0 2500]", got)
	}
	if dl(m).Cursor() != 2536 {
		t.Errorf("cursor %d, want 2536", dl(m).Cursor())
	}
	if d, ok := dl(m).Selected(); !ok || d.Detail().ID != src.details[2536].ID {
		t.Errorf("selected %+v, %v; want the last record", d, ok)
	}
	if !strings.Contains(ansi.Strip(m.View()), "row 2,537 of 2,537") {
		t.Errorf("header does not show the last row:\n%s", m.View())
	}
	// Scrolling back up from the end prefetches the page before.
	m = send(t, m, press("k"))
	if got := src.requested(); !reflect.DeepEqual(got, []int{0, 2500, 2400}) {
		t.Errorf("after k: requests %v, want [0 2500 2400]", got)
	}
	m = send(t, m, press("g"))
	if dl(m).Cursor() != 0 || dl(m).Top() != 0 {
		t.Errorf("g: cursor %d top %d", dl(m).Cursor(), dl(m).Top())
	}
}

func TestPrefetchBeforeTheEdge(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 80, 24)
	// Walk down one row at a time; the next page must be asked for while
	// the cursor is still at least a screen away from it.
	for i := 0; i < 60; i++ {
		m = send(t, m, press("j"))
		if len(src.requested()) > 1 {
			break
		}
	}
	if got := src.requested(); !reflect.DeepEqual(got, []int{0, 100}) {
		t.Fatalf("requests %v, want [0 100]", got)
	}
	if distance := 100 - dl(m).Cursor(); distance < dl(m).Height() {
		t.Errorf("prefetch came %d rows before the edge, less than a screen (%d)", distance, dl(m).Height())
	}
	// Paging down through three pages never shows a row that is not loaded.
	for i := 0; i < 25; i++ {
		m = send(t, m, press("pgdown"))
		for pos := dl(m).Top(); pos < dl(m).Top()+dl(m).Height(); pos++ {
			if dl(m).State(pos) != paging.RowLoaded {
				t.Fatalf("row %d shown as %v after %d page-downs", pos, dl(m).State(pos), i+1)
			}
		}
	}
}

func TestPrefetchWithHeldAnswers(t *testing.T) {
	// With answers not yet back, rows in view show placeholders, and each
	// page is asked for once however many keys are pressed.
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 10), 80, 24) // small pages: the screen spans two
	var held []tea.Msg
	for i := 0; i < 5; i++ {
		var msgs []tea.Msg
		m, msgs = sendHeld(t, m, press("pgdown"))
		held = append(held, msgs...)
	}
	seen := map[int]int{}
	for _, off := range src.requested() {
		seen[off]++
		if seen[off] > 1 {
			t.Errorf("offset %d requested twice", off)
		}
	}
	if dl(m).State(dl(m).Cursor()) != paging.RowLoading || !strings.Contains(m.View(), "loading…") {
		t.Errorf("cursor row state %v; view:\n%s", dl(m).State(dl(m).Cursor()), m.View())
	}
	for _, msg := range held {
		m = send(t, m, msg)
	}
	if dl(m).State(dl(m).Cursor()) != paging.RowLoaded || dl(m).Loading() {
		t.Errorf("after answers: state %v loading %v", dl(m).State(dl(m).Cursor()), dl(m).Loading())
	}
}

func TestStaleResultDroppedAfterRefresh(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := newTestModel(src, 100)
	old := collect(m.Init())
	m = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if len(old) != 1 {
		t.Fatalf("init produced %d messages", len(old))
	}
	// The user refreshes before the first answer is back.
	m, fresh := sendHeld(t, m, press("r"))
	if len(fresh) != 1 {
		t.Fatalf("refresh produced %d messages", len(fresh))
	}
	// Make the stale answer distinguishable, then deliver it first.
	stale := old[0].(pageMsg[triage.Row])
	stale.result.Items = []triage.Row{triage.NewRow(&api.Detail{ID: "stale"})}
	stale.result.Total = 1
	m = send(t, m, stale)
	if dl(m).Total() != -1 || dl(m).LoadedRows() != 0 {
		t.Fatalf("stale answer was stored: total %d loaded %d", dl(m).Total(), dl(m).LoadedRows())
	}
	m = send(t, m, fresh[0])
	if d, _ := dl(m).Row(0); d.Detail().ID != src.details[0].ID || dl(m).Total() != len(src.details) {
		t.Errorf("fresh answer not stored: row 0 %q total %d", d.Detail().ID, dl(m).Total())
	}
}

func TestRefreshKeepsRowsAndCursorRecord(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 80, 24)
	for i := 0; i < 5; i++ {
		m = send(t, m, press("j"))
	}
	want := src.details[5].ID
	// Two new rows appear at the top of the record before the refresh.
	src.mu.Lock()
	src.details = append([]api.Detail{{ID: "new-1"}, {ID: "new-2"}}, src.details...)
	src.mu.Unlock()

	m, held := sendHeld(t, m, press("r"))
	if d, ok := dl(m).Selected(); !ok || d.Detail().ID != want {
		t.Errorf("during refresh the old row should stay shown, got %q %v", d.Detail().ID, ok)
	}
	for _, msg := range held {
		m = send(t, m, msg)
	}
	if d, _ := dl(m).Selected(); d.Detail().ID != want || dl(m).Cursor() != 7 {
		t.Errorf("after refresh cursor %d on %q, want 7 on %q", dl(m).Cursor(), d.Detail().ID, want)
	}
}

func TestPageErrorShowsAndRetries(t *testing.T) {
	apiErr := &api.APIError{Status: 403, Code: "WKS.00000403", Message: "no permission", RequestID: "req-42"}
	src := &stubSource{details: demoDetails(), errs: map[int]error{100: apiErr}}
	m := start(t, newTestModel(src, 100), 80, 24)
	for dl(m).Cursor() < 105 {
		m = send(t, m, press("pgdown"))
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{"HTTP 403 WKS.00000403 (request id req-42): no permission", "r to retry", "✗ not loaded"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	// A permanent error is not retried by itself: only r asks again.
	n := len(src.requested())
	m = send(t, m, press("j"))
	if len(src.requested()) != n {
		t.Errorf("failed page requested again without r: %v", src.requested())
	}
	m = send(t, m, press("r"))
	if dl(m).Err() != nil || dl(m).State(dl(m).Cursor()) != paging.RowLoaded {
		t.Errorf("after r: err %v state %v", dl(m).Err(), dl(m).State(dl(m).Cursor()))
	}
	if strings.Contains(ansi.Strip(m.View()), "WKS.00000403") {
		t.Error("error line still shown after a successful retry")
	}
}

func TestFirstPageErrorAndTransportError(t *testing.T) {
	src := &stubSource{details: demoDetails(), errs: map[int]error{0: errors.New("cannot reach 127.0.0.1:1: connection refused")}}
	m := start(t, newTestModel(src, 100), 80, 24)
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "Could not load the details.") || !strings.Contains(view, "connection refused") {
		t.Errorf("view:\n%s", view)
	}
	m = send(t, m, press("r"))
	if dl(m).Total() != len(src.details) {
		t.Errorf("retry did not load: total %d", dl(m).Total())
	}
}

func TestShortPageShrinksTotal(t *testing.T) {
	// total_count says 2,537 but the record has only 250 rows now: the
	// listing ends at the first short page, whatever total_count says.
	src := &stubSource{details: demoDetails()[:250], total: func(int) int { return 2537 }}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = gotoEnd(t, m) // the page at 2,500 is empty: end at the rows held, then probe onwards
	if dl(m).Total() != 250 || dl(m).Cursor() != 249 {
		t.Fatalf("total %d cursor %d, want 250 and 249", dl(m).Total(), dl(m).Cursor())
	}
	if d, ok := dl(m).Selected(); !ok || d.Detail().ID != src.details[249].ID {
		t.Errorf("selected %q %v, want the last real row", d.Detail().ID, ok)
	}
	// The first page, G's page (empty), then the search for the end:
	// doubling past the rows held (100 full, 300 empty), then halving
	// (200, short: the end).
	if got := src.requested(); !slices.Equal(got, []int{0, 2500, 100, 300, 200}) {
		t.Errorf("requests %v to find the end, want [0 2500 100 300 200]", got)
	}
}

func TestEmptyRecord(t *testing.T) {
	m := start(t, newTestModel(&stubSource{}, 100), 80, 24)
	m = send(t, m, press("G"))
	m = send(t, m, press("j"))
	if !strings.Contains(m.View(), "This record has no execution details.") {
		t.Errorf("view:\n%s", m.View())
	}
}

func TestResizeLayout(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 80, 24)
	if m.pane.side || m.pane.height == 0 || m.tableW != 80 {
		t.Errorf("80x24: pane side=%v h=%d tableW=%d; want below", m.pane.side, m.pane.height, m.tableW)
	}
	narrowRows := dl(m).Height()
	m = send(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
	if !m.pane.side || m.tableW+m.pane.width != 160 || m.tableH != m.pane.height {
		t.Errorf("160x48: pane side=%v w=%d tableW=%d", m.pane.side, m.pane.width, m.tableW)
	}
	if dl(m).Height() <= narrowRows {
		t.Errorf("table rows %d at 160x48, %d at 80x24", dl(m).Height(), narrowRows)
	}
	// Every line fits, at every size, including after moving to the end.
	m = send(t, m, press("G"))
	for _, size := range [][2]int{{100, 30}, {99, 30}, {40, 10}, {20, 5}, {1, 1}, {300, 100}} {
		m = send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(m.View(), "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line %d is %d wide", size[0], size[1], i, w)
			}
		}
		if dl(m).Cursor() < dl(m).Top() || dl(m).Cursor() >= dl(m).Top()+dl(m).Height() {
			t.Errorf("%dx%d: cursor %d out of view [%d,+%d)", size[0], size[1], dl(m).Cursor(), dl(m).Top(), dl(m).Height())
		}
	}
}

func TestFocusPaneAndBack(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = send(t, m, press("enter"))
	if m.focus != focusPane {
		t.Fatal("enter did not focus the pane")
	}
	m = send(t, m, press("j")) // scrolls the pane, not the table
	if dl(m).Cursor() != 0 || m.pane.vp.YOffset != 1 {
		t.Errorf("j in pane: cursor %d, pane offset %d", dl(m).Cursor(), m.pane.vp.YOffset)
	}
	if !strings.Contains(m.View(), "▸ Details") {
		t.Error("focused pane not marked in text")
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("j"))
	if m.focus != focusTable || dl(m).Cursor() != 1 || m.pane.vp.YOffset != 0 {
		t.Errorf("after esc, j: focus %v cursor %d pane offset %d", m.focus, dl(m).Cursor(), m.pane.vp.YOffset)
	}
	m = send(t, m, press("tab"))
	if m.focus != focusPane {
		t.Error("tab did not focus the pane")
	}
}

func TestHelpToggleAndQuit(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 80, 24)
	short := dl(m).Height()
	m = send(t, m, press("?"))
	if !m.help.ShowAll || dl(m).Height() >= short || !strings.Contains(m.View(), "page down") {
		t.Errorf("? did not open the full help (rows %d, were %d)", dl(m).Height(), short)
	}
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := m.Update(press(k))
		if cmd == nil || !reflect.DeepEqual(cmd(), tea.Quit()) {
			t.Errorf("%s does not quit", k)
		}
	}
}

func TestHostileNamesRenderHarmless(t *testing.T) {
	details := []api.Detail{
		{ID: "1", DesktopName: "evil\x1b]0;PWNED\x07desk", ExecStatus: "FAIL", FailReason: "x\x1b[2Jy\u202e"},
		{ID: "2", DesktopName: "研发-桌面-017", ExecStatus: "SUCCESS\x1b]52;c;Zm9v\x07"},
	}
	m := start(t, newTestModel(&stubSource{details: details}, 100), 120, 30)
	view := m.View()
	// The only escape sequences left are lipgloss's own SGR styling.
	for _, bad := range []string{"\x1b]", "\x07", "\x1b[2J", "\u202e"} {
		if strings.Contains(view, bad) {
			t.Errorf("view contains %q", bad)
		}
	}
	if !strings.Contains(view, "evil␛]0;PWNED␇desk") {
		t.Error("hostile name not shown as visible text")
	}
}

func TestCJKColumnsStayAligned(t *testing.T) {
	details := []api.Detail{
		{ID: "1", DesktopName: "研发-桌面-017", ExecStatus: "FAIL"},
		{ID: "2", DesktopName: "wks-dev-0042", ExecStatus: "SUCCESS"},
		{ID: "3", DesktopName: strings.Repeat("財", 40), ExecStatus: "SKIP"},
	}
	m := start(t, newTestModel(&stubSource{details: details}, 100), 80, 24)
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	col := -1
	for _, l := range lines[4:7] { // the three data rows, under three header lines and the titles
		i := strings.Index(l, "FAIL")
		if i < 0 {
			i = strings.Index(l, "SUCCESS")
		}
		if i < 0 {
			i = strings.Index(l, "SKIP")
		}
		w := ansi.StringWidth(l[:i])
		if col >= 0 && w != col {
			t.Errorf("status starts at cell %d in %q, %d above", w, l, col)
		}
		col = w
	}
}

// A throttled or failing page is asked for again after a back-off, by
// itself, and a throttled list keeps fewer requests in flight from then on.
func TestTemporaryErrorsRetriedWithBackoff(t *testing.T) {
	throttled := &api.APIError{Status: 429, Code: "APIG.0308", Message: "policy user over ratelimit"}
	src := &stubSource{details: demoDetails(), errs: map[int]error{0: throttled}}
	m := start(t, newTestModel(src, 100), 80, 24)
	if got := src.requested(); !reflect.DeepEqual(got, []int{0, 0}) {
		t.Errorf("requests %v, want the first page twice", got)
	}
	if dl(m).Total() != len(src.details) || dl(m).Err() != nil {
		t.Errorf("after the retry: total %d, error %v", dl(m).Total(), dl(m).Err())
	}
	if dl(m).Concurrency() != paging.DefaultConcurrency/2 { // a 429 halves the window
		t.Errorf("concurrency %d after a 429, want %d", dl(m).Concurrency(), paging.DefaultConcurrency/2)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	src.errs = map[int]error{}
	failing := &api.APIError{Status: 503, Code: "APIG.1009", Message: "busy"}
	src.persist = map[int]error{0: failing}
	m := start(t, newTestModel(src, 100), 80, 24)
	if n := len(src.requested()); n != 1+api.DefaultRetry.MaxRetries {
		t.Errorf("%d requests for a page that keeps failing, want %d", n, 1+api.DefaultRetry.MaxRetries)
	}
	if !strings.Contains(ansi.Strip(m.View()), "HTTP 503 APIG.1009") {
		t.Errorf("the last error is not shown:\n%s", ansi.Strip(m.View()))
	}
}

// A refused token or signature shows its code and a hint, and is asked
// for once: repeated bad signatures lock the AK.
func TestUnauthorizedIsShownNotRetried(t *testing.T) {
	src := &stubSource{details: demoDetails(), persist: map[int]error{
		0: &api.APIError{Status: 401, Code: "APIG.0301", Message: "Incorrect IAM authentication information: verify aksk signature fail", RequestID: "r-401"}}}
	m := start(t, newTestModel(src, 100), 250, 30) // wide enough for the whole error line
	view := ansi.Strip(m.View())
	for _, want := range []string{"HTTP 401 APIG.0301 (request id r-401)", "token expired, wrong key, or clock skew?"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	m = send(t, m, press("j"))
	_ = send(t, m, press("G"))
	if n := len(src.requested()); n != 1 {
		t.Errorf("%d requests after a 401, want 1", n)
	}
}

// A request that gets no answer in its time is retried within the budget
// (the network was slow); leaving the list (its context) is not.
func TestTimedOutRequestIsRetried(t *testing.T) {
	fetch := func(ctx context.Context, offset, limit int) (api.Page[triage.Row], error) {
		<-ctx.Done()
		return api.Page[triage.Row]{}, ctx.Err()
	}
	l := newPagedList(fetch, detailID, paging.Options{PageSize: 100, Timeout: 10 * time.Millisecond})
	msgs := collect(l.start())
	if len(msgs) != 1 {
		t.Fatalf("start sent %d requests", len(msgs))
	}
	if cmd := l.handle(msgs[0].(pageMsg[triage.Row])); cmd == nil || !api.Retryable(l.Err()) {
		t.Fatalf("after a timeout: next %v, error %v; want a retry waiting", cmd, l.Err())
	}
	if !strings.Contains(errorLine(l.Err()), "timed out") {
		t.Errorf("status line %q", errorLine(l.Err()))
	}
	cmd := l.retry(retryPageMsg{list: l.id, gen: l.Gen(), page: 0})
	l.close() // the user went back
	if msg := cmd().(pageMsg[triage.Row]); api.Retryable(msg.err) {
		t.Errorf("a request cancelled with its list is retryable: %v", msg.err)
	}
}

// A terminal that says it is 0x0 gets 80x24 until a real size arrives:
// the browser once drew nothing there.
func TestATerminalWithoutASize(t *testing.T) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()[:50]}, 100), 0, 0)
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	if len(lines) != 24 || !strings.Contains(lines[0], "wksrec") {
		t.Fatalf("at 0x0: %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("a line of %d cells", ansi.StringWidth(l))
		}
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if n := len(strings.Split(m.View(), "\n")); n != 30 {
		t.Errorf("a real size then: %d lines", n)
	}
}

// A throttled page is waiting, not failure: the status line says what
// happened and when the page is asked again, with no ✗ and no "r to
// retry"; a page that failed for good is failure.
func TestWaitingIsNotFailure(t *testing.T) {
	throttled := &api.APIError{Status: 429, Code: "APIG.0308", Message: "over ratelimit"}
	src := &stubSource{details: demoDetails()[:50], errs: map[int]error{0: throttled}}
	m := New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, RetryBackoff: time.Millisecond})
	m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
	for _, msg := range collect(m.Init()) {
		next, _ := m.Update(msg) // the first page's answer: throttled; its retry's wait is not run
		m = next.(Model)
	}
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	status := lines[len(lines)-2]
	if !strings.Contains(status, "↻ HTTP 429 APIG.0308") || !strings.Contains(status, "asked again") || strings.Contains(status, "✗") || strings.Contains(status, "r to retry") {
		t.Errorf("while the page waits: %q", status)
	}
	m = send(t, m, retryPageMsg{list: dl(m).id, gen: dl(m).Gen(), page: 0}) // the wait is over
	if view := ansi.Strip(m.View()); strings.Contains(view, "↻") || strings.Contains(view, "✗") || dl(m).LoadedRows() != 50 {
		t.Errorf("after the retry: %d rows\n%s", dl(m).LoadedRows(), view)
	}
}
