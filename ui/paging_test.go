package ui

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
)

// A running task's record grows: the page that was the short last one must
// be fetched again, and no position may show as loaded without a row.
func TestTotalGrowsWhileRunning(t *testing.T) {
	src := &stubSource{details: demoDetails()[:350]}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = send(t, m, press("G")) // page 3 holds 50 rows; total 350
	src.mu.Lock()
	src.details = demoDetails()[:400]
	src.mu.Unlock()
	for i := 0; i < 120; i++ { // up into page 2, whose answer reports 400
		m = send(t, m, press("k"))
	}
	// Within one generation the short page's end stands (a later page's
	// total_count may be stale); refresh picks up the growth.
	if dl(m).Total() != 350 {
		t.Fatalf("total %d before refresh, want 350", dl(m).Total())
	}
	assertNoBlankLoadedRows(t, dl(m))
	m = send(t, m, press("r"))
	if dl(m).Total() != 400 {
		t.Fatalf("total %d after refresh, want 400", dl(m).Total())
	}
	m = send(t, m, press("G"))
	if d, ok := dl(m).Row(399); !ok || d.Detail().ID != src.details[399].ID {
		t.Errorf("last row %q %v, want %q", d.Detail().ID, ok, src.details[399].ID)
	}
	assertNoBlankLoadedRows(t, dl(m))
}

// Once a short page ended the listing, a later full page carrying the
// server's stale total_count must not stretch it again.
func TestStaleTotalDoesNotUndoShortPage(t *testing.T) {
	src := &stubSource{details: demoDetails()[:250], total: func(int) int { return 2537 }}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = gotoEnd(t, m)
	m = send(t, m, press("g"))
	for i := 0; i < 60; i++ {
		m = send(t, m, press("j"))
	}
	if dl(m).Total() != 250 {
		t.Errorf("total back to %d after a short page set it to 250", dl(m).Total())
	}
	assertNoBlankLoadedRows(t, dl(m))
}

// The record shrank to 50 rows; refreshing at the end believes the smaller
// total_count instead of walking back one request per page.
func TestRefreshAfterShrinkFindsEndAtOnce(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = send(t, m, press("G"))
	src.mu.Lock()
	src.details, src.offsets = src.details[:50], nil
	src.mu.Unlock()
	m = send(t, m, press("r"))
	if got := src.requested(); len(got) != 2 || dl(m).Total() != 50 || dl(m).Cursor() != 49 {
		t.Errorf("requests %v, total %d, cursor %d; want 2 requests, 50, 49", got, dl(m).Total(), dl(m).Cursor())
	}
}

// An absurd total_count costs nothing until the user goes there, and no
// arithmetic on it overflows (2^63−1 once made the page count negative,
// deleted every page and spun).
func TestHugeTotalIsHarmless(t *testing.T) {
	for _, huge := range []int{math.MaxInt, 1 << 50, api.MaxTotal + 1} {
		src := &stubSource{details: demoDetails()[:100], total: func(int) int { return huge }}
		m := start(t, newTestModel(src, 100), 80, 24)
		if dl(m).Total() != api.MaxTotal {
			t.Fatalf("total %d reported as %d, want it clamped to %d", huge, dl(m).Total(), api.MaxTotal)
		}
		m = send(t, m, press("pgdown"))
		m = send(t, m, press("G")) // an empty page there: the listing ends at the rows held
		if dl(m).Total() != 100 || !strings.Contains(ansi.Strip(m.View()), "row 100 of 100") {
			t.Errorf("total %d; view:\n%s", dl(m).Total(), ansi.Strip(m.View()))
		}
		// The first page, G's page at the claimed end (empty), then one
		// probe past the rows held: the listing ends there.
		if got := src.requested(); !slices.Equal(got, []int{0, (api.MaxTotal - 1) / 100 * 100, 100}) {
			t.Errorf("requests %v to find the end of a bogus total", got)
		}
	}
	const huge = 1 << 50
	src := &stubSource{details: demoDetails()[:100], total: func(int) int { return huge }}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = send(t, m, press("G"))
	// Rows that appear later are found after a refresh, by probing past
	// the rows held rather than believing the total again.
	src.mu.Lock()
	src.details = demoDetails()[:150]
	src.mu.Unlock()
	m = send(t, m, press("r"))
	m = gotoEnd(t, m)
	if dl(m).Total() != 150 || dl(m).Cursor() != 149 {
		t.Errorf("total %d cursor %d after rows appeared beyond the end, want 150, 149", dl(m).Total(), dl(m).Cursor())
	}
}

// However small the pages and tall the screen, at most
// paging.DefaultConcurrency requests are out at once; the rest follow as
// answers come back. (Answers held undelivered are the requests out.)
func TestRequestsInFlightAreBounded(t *testing.T) {
	src := &stubSource{details: demoDetails()}
	m := start(t, newTestModel(src, 1), 80, 60)
	m, held := sendHeld(t, m, press("G"))
	if len(held) > paging.DefaultConcurrency {
		t.Fatalf("G fired %d requests at once, want at most %d", len(held), paging.DefaultConcurrency)
	}
	for len(held) > 0 { // deliver one at a time, as a slow API would
		var more []tea.Msg
		m, more = sendHeld(t, m, held[0])
		held = append(held[1:], more...)
		if len(held) > paging.DefaultConcurrency {
			t.Fatalf("%d in flight", len(held))
		}
	}
	l := dl(m)
	for pos := l.Top(); pos < l.Top()+l.Height(); pos++ {
		if l.State(pos) != paging.RowLoaded {
			t.Fatalf("row %d not loaded once every answer was in", pos)
		}
	}
}

// Error text from the API is sanitised in the status line and the pane.
func TestHostileErrorText(t *testing.T) {
	evil := &api.APIError{Status: 400, Code: "WKS.1\x1b[2J", Message: "bad\x1b]0;PWNED\x07 request", RequestID: "id\x1b]52;c;Zm9v\x07"}
	src := &stubSource{details: demoDetails(), errs: map[int]error{2500: evil}}
	m := start(t, newTestModel(src, 100), 80, 24)
	m = send(t, m, press("G"))
	view := m.View()
	for _, bad := range []string{"\x1b]", "\x07", "\x1b[2J"} {
		if strings.Contains(view, bad) {
			t.Errorf("view contains %q", bad)
		}
	}
	if !strings.Contains(view, "bad␛]0;PWNED␇ request") {
		t.Errorf("error not shown as harmless text:\n%s", ansi.Strip(view))
	}
}

// A random walk over sizes, page sizes, keys and a record that changes
// under the browser: no panic, the cursor always on screen, every line
// within the terminal, and no position claiming a row it does not hold.
func TestRandomWalkInvariants(t *testing.T) {
	keys := []string{"j", "k", "pgdown", "pgup", "g", "G", "r", "enter", "esc", "?", "tab"}
	all := demoDetails()
	for seed := uint64(0); seed < 80; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			randomWalk(t, seed, keys, all)
		})
	}
}

func randomWalk(t *testing.T, seed uint64, keys []string, all []api.Detail) {
	rng := rand.New(rand.NewPCG(seed, 1))
	src := &stubSource{details: all[:rng.IntN(400)]}
	if rng.IntN(2) == 0 {
		src.total = func(int) int { return rng.IntN(500) }
	}
	w, h := 1+rng.IntN(200), 1+rng.IntN(60)
	m := start(t, newTestModel(src, []int{1, 2, 7, 100}[rng.IntN(4)]), w, h)
	for step := 0; step < 60; step++ {
		var msg tea.Msg = press(keys[rng.IntN(len(keys))])
		if rng.IntN(8) == 0 {
			w, h = 1+rng.IntN(200), 1+rng.IntN(60)
			msg = tea.WindowSizeMsg{Width: w, Height: h}
		}
		if rng.IntN(10) == 0 {
			src.mu.Lock()
			src.details = all[:rng.IntN(400)]
			src.mu.Unlock()
		}
		m = send(t, m, msg)
		lines := strings.Split(m.View(), "\n")
		if len(lines) > h {
			t.Fatalf("seed %d step %d: %d lines at height %d", seed, step, len(lines), h)
		}
		for _, line := range lines {
			if ansi.StringWidth(line) > w {
				t.Fatalf("seed %d step %d: line of %d cells at width %d", seed, step, ansi.StringWidth(line), w)
			}
		}
		v, ok := m.top().(*detailsView)
		if !ok {
			continue // Esc went up to the records or tasks list
		}
		l := v.list
		if l.Total() > 0 && (l.Cursor() < 0 || l.Cursor() >= l.Total() || l.Cursor() < l.Top() || l.Cursor() >= l.Top()+l.Height()) {
			t.Fatalf("seed %d step %d: cursor %d, top %d, height %d, total %d", seed, step, l.Cursor(), l.Top(), l.Height(), l.Total())
		}
		assertNoBlankLoadedRows(t, l)
	}
}

func assertNoBlankLoadedRows(t *testing.T, l *pagedList[triage.Row]) {
	t.Helper()
	for pos := 0; pos < max(l.Total(), 0) && pos < 5000; pos++ {
		if r, ok := l.Row(pos); ok && r.ID() == "" {
			t.Fatalf("row %d is reported loaded but holds nothing (total %d)", pos, l.Total())
		}
	}
}

// gotoEnd presses G until the cursor stops moving: with a total_count that
// lies, the end is found by probing, a page at a time.
func gotoEnd(t *testing.T, m Model) Model {
	t.Helper()
	for i := 0; i < 10; i++ {
		before := dl(m).Cursor()
		m = send(t, m, press("G"))
		if dl(m).Cursor() == before {
			return m
		}
	}
	t.Fatal("G never reached the end")
	return m
}

// G on a run whose total_count lies (10^12 over 2,537 rows) lands on the
// real last row in one press, through the shipped path and a real
// client, in O(log n) requests: it took a G a page, 26 of them.
func TestGFindsTheRealEndInTheBrowser(t *testing.T) {
	t.Parallel() // a fake of its own
	c, srv := loopbackClient(t, fake.Options{Seed: 2, Quirks: fake.Quirks{TotalCount: "1000000000000"}})
	task := srv.Data().Tasks[0].ID
	rec := srv.Data().Records[task][0].ID
	n := len(srv.Data().Details[rec])
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: rec, PageSize: 100}), 120, 30)
	before := len(srv.Requests())
	m = send(t, m, press("G"))
	var details []string
	for _, r := range srv.Requests()[before:] {
		if strings.HasSuffix(r.Path, "/"+rec) {
			details = append(details, r.Offset)
		}
	}
	l := dl(m)
	if l.Total() != n || l.Cursor() != n-1 || len(details) > 2*bits.Len(uint(n/100))+4 {
		t.Errorf("one G over %d rows: total %d, cursor %d, %d requests: %v", n, l.Total(), l.Cursor(), len(details), details)
	}
	t.Logf("one G over %d rows claiming 10^12: %d detail requests %v", n, len(details), details)
}
