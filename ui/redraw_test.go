package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// A drawn row is drawn again only when its own page changed: pages
// arriving elsewhere (a load-all) redraw nothing on screen.
func TestDrawnRowsFollowTheirPage(t *testing.T) {
	l := newPagedList(nil, detailID, paging.Options{PageSize: 10})
	details := make([]api.Detail, 30)
	for i := range details {
		details[i] = api.Detail{ID: string(rune('a' + i)), DesktopName: "old"}
	}
	deliver(l, 0, 10, 30, details)
	var cache rowCache
	draws := 0
	draw := func(pos int) string {
		return cache.row(l.Stamp(pos), 0, pos, []int{5}, func() string {
			draws++
			r, _ := l.Row(pos)
			return r.Name()
		})
	}
	draw(3)
	deliver(l, 1, 10, 30, details) // another page
	if got := draw(3); draws != 1 || got != "old" {
		t.Fatalf("a page elsewhere redrew row 3: %d draws, %q", draws, got)
	}
	details[3].DesktopName = "new"
	deliver(l, 0, 10, 30, details) // its own page, sent again
	if got := draw(3); draws != 2 || got != "new" {
		t.Errorf("row 3's page changed: %d draws, %q", draws, got)
	}
	for pos := range maxCachedRows + 10 { // scrolling far: the cache stays bounded
		cache.row(1, 0, pos, []int{5}, func() string { return "x" })
	}
	if len(cache.byPos) > maxCachedRows {
		t.Errorf("%d rows kept drawn", len(cache.byPos))
	}
}

// The pane is drawn from what it shows now: its text, its scroll, focus.
func TestPaneDrawingFollowsWhatItShows(t *testing.T) {
	st := styles.New(nil, false)
	p := newDetailPane()
	p.SetSize(40, 6, true)
	lines := func(prefix string, n int) string {
		var b []string
		for i := range n {
			b = append(b, prefix+string(rune('0'+i)))
		}
		return strings.Join(b, "\n")
	}
	p.SetContent("a", lines("first", 9))
	if v := ansi.Strip(p.View(st)); !strings.Contains(v, "first0") {
		t.Fatalf("pane:\n%s", v)
	}
	p.SetContent("a", lines("second", 9))
	if v := ansi.Strip(p.View(st)); !strings.Contains(v, "second0") || strings.Contains(v, "first") {
		t.Errorf("new text, old drawing:\n%s", v)
	}
	p.vp.ScrollDown(3)
	if v := ansi.Strip(p.View(st)); !strings.Contains(v, "second3") || strings.Contains(v, "second0") {
		t.Errorf("scrolled, old drawing:\n%s", v)
	}
	p.Focus()
	if v := ansi.Strip(p.View(st)); !strings.Contains(v, "esc back") {
		t.Errorf("focused, old title:\n%s", v)
	}
}

// fit's shortcut for plain ASCII cuts and pads exactly as the grapheme
// walk does.
func TestFitASCIIShortcut(t *testing.T) {
	reference := func(s string, w int, right bool) string {
		if ansi.StringWidth(s) > w {
			s = ansi.Truncate(s, w, "…")
		}
		pad := strings.Repeat(" ", w-ansi.StringWidth(s))
		if right {
			return pad + s
		}
		return s + pad
	}
	for _, s := range []string{"", "a", "WKS.00010131", "研发-桌面-0001", "tab\there", "exactly-ten", strings.Repeat("x", 40)} {
		for w := 1; w <= 20; w++ {
			for _, right := range []bool{false, true} {
				if got, want := fit(s, w, right), reference(s, w, right); got != want {
					t.Errorf("fit(%q, %d, %v) = %q, want %q", s, w, right, got, want)
				}
			}
		}
	}
}

// The config file's columns: the ones named, in their order; unknown names
// are refused; a comparison's column still comes after the status.
func TestChosenColumns(t *testing.T) {
	// The titles the config file is checked against are the screens' own.
	tf := &triage.TimeFormat{}
	for screen, titles := range map[string][]string{"tasks": titlesOf(taskColumns(tf)), "runs": titlesOf(recordColumns(tf)), "details": titlesOf(detailColumns(tf))} {
		if !slices.Equal(titles, triage.ColumnTitles[screen]) {
			t.Errorf("%s: the screen has %q, the config file is checked against %q", screen, titles, triage.ColumnTitles[screen])
		}
	}
	if err := triage.CheckColumns("details", []string{"desktop", "Fail Reason"}); err != nil {
		t.Fatal(err)
	}
	if err := triage.CheckColumns("details", []string{"colour"}); err == nil || !strings.Contains(err.Error(), `no column "colour"`) {
		t.Errorf("an unknown column: %v", err)
	}
	if err := triage.CheckColumns("tasks", []string{"TASK", "task"}); err == nil || !strings.Contains(err.Error(), "TASK is named twice") {
		t.Errorf("a column twice: %v", err)
	}
	m := start(t, New(Config{Source: &stubSource{details: demoDetails()}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100,
		Columns: map[string][]string{"details": {"fail reason", "status", "desktop"}}}), 120, 30)
	titles := strings.Fields(strings.Split(strings.Split(ansi.Strip(m.View()), "\n")[3], "│")[0])
	if strings.Join(titles, " ") != "FAIL REASON STATUS DESKTOP" {
		t.Errorf("titles %q", titles)
	}
}

// Keys rebound by the config file act, and the help shows them.
func TestReboundKeys(t *testing.T) {
	k := keymap.Default()
	if err := k.Rebind("down", []string{"n"}); err != nil {
		t.Fatal(err)
	}
	m := start(t, New(Config{Source: &stubSource{details: demoDetails()}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, Keys: &k}), 120, 30)
	m = send(t, m, press("n"))
	if dl(m).Cursor() != 1 {
		t.Errorf("n did not move down: cursor %d", dl(m).Cursor())
	}
	m = send(t, m, press("j"))
	if dl(m).Cursor() != 1 {
		t.Errorf("j still moves down: cursor %d", dl(m).Cursor())
	}
	m = send(t, m, press("?"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "n      down") && !strings.Contains(view, "n down") {
		t.Errorf("the help does not show n:\n%s", view)
	}
}

// deliver hands page of rows to l, as the fetch would.
func deliver(l *pagedList[triage.Row], page, pageSize, total int, rows []api.Detail) {
	items := triage.Rows(api.Page[api.Detail]{Items: rows[page*pageSize : min((page+1)*pageSize, len(rows))]}).Items
	l.Handle(paging.Answer[triage.Row]{Gen: l.Gen(), Page: page, Result: api.Page[triage.Row]{Items: items, Total: total}})
}
