package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
)

// expectedChanges works out, from the fake's data alone, each desktop's
// change in run against base, and the desktops gone.
func expectedChanges(d *fake.Dataset, run, base string) (byDetail map[string]string, gone map[string]bool, counts map[string]int) {
	was := map[string]string{}
	for _, x := range d.Details[base] {
		was[x.DesktopID] = x.ExecStatus
	}
	failed := func(s string) bool { return s == "FAIL" || s == "FAILED" }
	byDetail, gone, counts = map[string]string{}, map[string]bool{}, map[string]int{}
	for id := range was {
		gone[id] = true
	}
	for _, x := range d.Details[run] {
		delete(gone, x.DesktopID)
		before, ok := was[x.DesktopID]
		change := "unchanged"
		switch {
		case !ok:
			change = "new desktop"
		case failed(x.ExecStatus) && failed(before):
			change = "still failing"
		case failed(x.ExecStatus):
			change = "new failure"
		case failed(before):
			change = "recovered"
		}
		byDetail[x.ID] = change
		counts[change]++
	}
	return byDetail, gone, counts
}

// c compares a run with the one before: every row's CHANGE, the counts on
// the status line and the desktops gone are those worked out from the
// fake's data; C shows one change; c again turns it all off.
func TestCompareWithThePreviousRun(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	src := &dataSource{d: data}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: runs[1].ID, PageSize: 100}), 160, 40)
	m = send(t, m, press("c"))
	v := dv(m)
	if !v.cmp.Ready() || !dl(m).AllLoaded() {
		t.Fatalf("after c: baseline ready %v, all loaded %v, err %v", v.cmp.Ready(), dl(m).AllLoaded(), v.cmp.err)
	}
	want, gone, counts := expectedChanges(data, runs[1].ID, runs[2].ID)
	dl(m).Each(func(_ int, r *triage.Row) {
		if c, _ := v.cmp.Change(r); c.String() != want[r.ID()] {
			t.Errorf("%s: %s, want %s", r.Name(), c, want[r.ID()])
		}
	})
	line := ansi.Strip(m.View())
	for _, c := range []string{"new failure", "still failing", "recovered"} {
		if counts[c] == 0 {
			t.Fatalf("the data has no %q: the test cannot tell", c)
		}
	}
	wantLine := fmt.Sprintf("vs %s · %s new failures · %s still failing · %s recovered · %d gone",
		toMinutes(runs[2].StartTime), commas(counts["new failure"]), commas(counts["still failing"]), commas(counts["recovered"]), len(gone))
	if !strings.Contains(line, wantLine) || !strings.Contains(line, "CHANGE") {
		t.Errorf("want %q on screen:\n%s", wantLine, line)
	}

	m = send(t, m, press("C")) // new failures only
	if dl(m).Count() != counts["new failure"] {
		t.Errorf("C shows %d rows, want the %d new failures", dl(m).Count(), counts["new failure"])
	}
	for i := range dl(m).Count() {
		r, _ := dl(m).Row(dl(m).PosOf(i))
		if want[r.ID()] != "new failure" {
			t.Fatalf("C shows %s (%s)", r.Name(), want[r.ID()])
		}
	}

	m = send(t, m, press("x")) // the desktops gone
	g := m.top().(*listView[triage.Row])
	if g.list.Count() != len(gone) {
		t.Errorf("x lists %d desktops, want %d", g.list.Count(), len(gone))
	}
	g.list.Each(func(_ int, r *triage.Row) {
		if !gone[r.DesktopID()] || r.Detail().RecordID != runs[2].ID {
			t.Errorf("%s listed as gone (record %s)", r.Name(), r.Detail().RecordID)
		}
	})
	m = send(t, m, press("esc"))

	m = send(t, m, press("c")) // off
	if v := dv(m); v.cmp != nil || v.tr.Change != nil || dl(m).Count() != len(data.Details[runs[1].ID]) || strings.Contains(ansi.Strip(m.View()), "CHANGE") {
		t.Errorf("c again: comparison %v, change filter %v, %d rows shown", v.cmp, v.tr.Change, dl(m).Count())
	}
}

// The oldest run has nothing before it: c says so, and what to do.
func TestCompareTheOldestRun(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: runs[len(runs)-1].ID, PageSize: 100}), 120, 30)
	m = send(t, m, press("c"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "✗ comparing runs: the task's oldest run: none before it to compare with; m on the runs list marks a baseline") {
		t.Errorf("c on the oldest run:\n%s", view)
	}
}

// m on the runs list marks a baseline: the list shows it, and a run
// opened then is compared with the mark, not with the run before.
func TestMarkedRunIsTheBaseline(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, PageSize: 100}), 160, 40)
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	m = send(t, m, press("m")) // marks runs[2]
	if view := ansi.Strip(m.View()); !strings.Contains(view, "◆") || !strings.Contains(view, "baseline") {
		t.Errorf("the mark does not show:\n%s", view)
	}
	m = send(t, m, press("g"))
	m = send(t, m, press("enter")) // runs[0], compared with runs[2]
	v := dv(m)
	if !v.cmp.Ready() || v.cmp.base.ID != runs[2].ID {
		t.Fatalf("opened with a mark: baseline %+v ready %v", v.cmp.base, v.cmp.Ready())
	}
	want, _, _ := expectedChanges(data, runs[0].ID, runs[2].ID)
	dl(m).Each(func(_ int, r *triage.Row) {
		if c, _ := v.cmp.Change(r); c.String() != want[r.ID()] {
			t.Errorf("%s: %s, want %s", r.Name(), c, want[r.ID()])
		}
	})
	m = send(t, m, press("esc"))
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	m = send(t, m, press("m")) // m on the marked run unmarks it
	if view := ansi.Strip(m.View()); strings.Contains(view, "◆") {
		t.Errorf("unmarked, still shown:\n%s", view)
	}
	_ = compare.NewFailure
	_ = api.Record{}
}

// H shows each desktop's status over this run and the ones before: the
// strip and the count are those of the fake's data, sorting by it puts the
// most failures first, and the pane lists the past runs.
func TestHistoryColumn(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	const n = 3
	at := len(runs) - n - 1 // room for n-1 runs before, and one more that must not count
	statusIn := make([]map[string]string, len(runs))
	for i, r := range runs {
		statusIn[i] = map[string]string{}
		for _, d := range data.Details[r.ID] {
			statusIn[i][d.DesktopID] = d.ExecStatus
		}
	}
	letter := map[string]string{"SUCCESS": "S", "FAIL": "F", "SKIP": "K", "RUNNING": "R", "": "·"}
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: runs[at].ID, PageSize: 100, History: n}), 200, 50)
	m = send(t, m, press("G")) // every row
	m = send(t, m, press("H"))
	v := dv(m)
	if !v.hist.Ready() || v.hist.covered() != n {
		t.Fatalf("history ready %v, covering %d runs, err %v", v.hist.Ready(), v.hist.covered(), v.hist.err)
	}
	most := 0
	dl(m).Each(func(_ int, r *triage.Row) {
		var want strings.Builder
		failed, in := 0, 0
		for k := range n {
			st, ok := statusIn[at+k][r.DesktopID()]
			want.WriteString(letter[st])
			if ok {
				in++
				if st == "FAIL" {
					failed++
				}
			}
		}
		fmt.Fprintf(&want, " %d/%d", failed, in)
		if got := v.hist.strip(r, nil); got != want.String() {
			t.Errorf("%s: %q, want %q", r.Name(), got, want.String())
		}
		most = max(most, failed)
	})
	if most < 2 {
		t.Fatalf("no desktop failed twice: the sort cannot be told")
	}
	for _, k := range []string{"o", "o", "o", "o", "o", "o"} { // status, desktop, start, duration, code, history
		m = send(t, m, press(k))
	}
	if dv(m).tr.SortBy != triage.SortHistory {
		t.Fatalf("o stopped at %v", triage.SortNames[dv(m).tr.SortBy])
	}
	top, _ := dl(m).Row(dl(m).PosOf(0))
	if f, _ := dv(m).hist.failed(&top); f != most {
		t.Errorf("sorted by history, the first row failed %d times, the most is %d", f, most)
	}
	m = send(t, m, press("g"))
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "HISTORY") || !strings.Contains(view, fmt.Sprintf("failed %d of", most)) || !strings.Contains(view, shortRunTime(runs[at+1].StartTime)) {
		t.Errorf("no history column or pane:\n%s", view)
	}
	m = send(t, m, press("H"))
	if v := dv(m); v.hist != nil || v.tr.SortBy == triage.SortHistory || strings.Contains(ansi.Strip(m.View()), "HISTORY") {
		t.Error("H again left the history on")
	}
}

// c then H reads the baseline run once: the history takes it from the
// comparison's reading (it once read the baseline twice).
func TestCompareThenHistoryReadsTheBaselineOnce(t *testing.T) {
	t.Parallel() // a model and sources of its own
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	runs := data.Records[task]
	src := &dataSource{d: data}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task, RecordID: runs[0].ID, PageSize: 100}), 160, 40)
	m = send(t, m, press("c"))
	m = send(t, m, press("H"))
	if v := dv(m); !v.cmp.Ready() || !v.hist.Ready() {
		t.Fatalf("comparison ready %v, history ready %v", v.cmp.Ready(), v.hist.Ready())
	}
	asked := 0
	for _, call := range src.called() {
		if call == "details "+runs[1].ID {
			asked++
		}
	}
	if pages := (len(data.Details[runs[1].ID]) + 99) / 100; asked > pages+1 {
		t.Errorf("the baseline's pages were asked for %d times; it has %d", asked, pages)
	}
}

// A baseline read short is said so on the status line, and the CHANGE of
// a desktop it lacks is "?", not "new desktop": it may be in the part
// missing.
func TestAnIncompleteBaselineIsSaid(t *testing.T) {
	t.Parallel() // a fake of its own
	d := fake.NewDataset(4)
	task := d.Tasks[0].ID
	cur, base := d.Records[task][0], d.Records[task][1]
	c, _ := loopbackClient(t, fake.Options{Seed: 4, Quirks: fake.Quirks{ShortPage: fake.ShortPage{RecordID: base.ID, Offset: 0}}})
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: cur.ID, PageSize: 100}), 200, 40)
	m = send(t, m, press("c"))
	v := dv(m)
	if line, _ := v.statusLine(200); !strings.Contains(line, "⚠ baseline incomplete: "+commas(len(d.Details[base.ID])-99)+" rows did not come") {
		t.Fatalf("status line %q", line)
	}
	read := map[string]bool{}
	for _, x := range d.Details[base.ID][:99] {
		read[x.DesktopID] = true
	}
	col := changeColumn(v)
	unknown := 0
	v.list.Each(func(_ int, r *triage.Row) {
		got := col.value(*r)
		switch {
		case !read[r.DesktopID()] && got != "?":
			t.Fatalf("%s, not in the part read: %q", r.DesktopID(), got)
		case read[r.DesktopID()] && got == "?":
			t.Fatalf("%s, in the part read: ?", r.DesktopID())
		case got == "?":
			unknown++
		}
	})
	if unknown == 0 || v.changes.Unknown() != unknown {
		t.Errorf("%d unknown, the tally says %d", unknown, v.changes.Unknown())
	}
}

// At 80 columns the comparison's line keeps every count (its short form),
// rather than losing the gone and new desktops to a cut; wide, it is
// whole.
func TestComparisonLineFitsEightyColumns(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	for _, width := range []int{80, 200} {
		m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100}), width, 24)
		m = send(t, m, press("c"))
		v := dv(m)
		n := v.changes.Update(v.list.List, v.cmp.outcomes, v.cmp.failures)
		line, _ := v.statusLine(width)
		if ansi.StringWidth(line) > width {
			t.Errorf("%d columns: the line is %d wide: %q", width, ansi.StringWidth(line), line)
		}
		want := []string{commas(n[compare.NewFailure]) + " new", commas(n[compare.StillFailing]) + " still", commas(n[compare.Recovered]) + " recovered",
			commas(n[compare.OnlyInBaseline]) + " gone"}
		if n[compare.OnlyInCurrent] > 0 {
			want = append(want, commas(n[compare.OnlyInCurrent])+map[bool]string{true: " added", false: " new desktop"}[width == 80])
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("%d columns: %q lacks %q", width, line, w)
			}
		}
		if bottom := ansi.Strip(m.View()); !strings.Contains(bottom, line) {
			t.Errorf("%d columns: the screen does not show the line whole:\n%s", width, bottom)
		}
	}
}

// A baseline marked on the runs list applies at once to a run kept open
// with a comparison on, and its change filter stays.
func TestMarkAppliesToTheRunOpen(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	recs := data.Records[task]
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, PageSize: 100}), 120, 30)
	m = send(t, m, press("enter")) // the newest run, opened from the runs list: kept when left
	m = send(t, m, press("c"))
	m = send(t, m, press("C")) // new failures only
	if dv(m).cmp.base.ID != recs[1].ID || dv(m).tr.Change == nil {
		t.Fatalf("compared with %s, change filter %v", dv(m).cmp.base.ID, dv(m).tr.Change)
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("j"))
	m = send(t, m, press("j"))
	m = send(t, m, press("m")) // the run two before is the baseline now
	m = send(t, m, press("k"))
	m = send(t, m, press("k"))
	m = send(t, m, press("enter"))
	v := dv(m)
	if v.recordID != recs[0].ID || v.cmp == nil || v.cmp.base.ID != recs[2].ID || v.tr.Change == nil || !v.cmp.Ready() {
		t.Errorf("back on the run: %s, compared with %v, change filter %v", v.recordID, v.cmp != nil && v.cmp.base.ID == recs[2].ID, v.tr.Change != nil)
	}
}

// c on the task's oldest run fails with its reason on the status line,
// and leaves no CHANGE column of dashes.
func TestAFailedComparisonHasNoColumn(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	recs := data.Records[task]
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: recs[len(recs)-1].ID, PageSize: 100}), 120, 30)
	m = send(t, m, press("c"))
	view := ansi.Strip(m.View())
	if strings.Contains(view, "CHANGE") || !strings.Contains(view, "oldest run") {
		t.Errorf("c on the oldest run:\n%s", view)
	}
}

// The gone list filters (/) and copies every id shown (Y), as the other
// lists do.
func TestGoneListFiltersAndCopies(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	var clip bytes.Buffer
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100, Clipboard: &clip}), 120, 30)
	m = send(t, m, press("c"))
	m = send(t, m, press("f")) // every row: x needs them
	m = send(t, m, press("f"))
	m = send(t, m, press("x"))
	lv, ok := m.top().(*listView[triage.Row])
	if !ok || lv.list.Total() < 2 {
		t.Fatalf("x opened %T", m.top())
	}
	first, _ := lv.list.Row(0)
	m = send(t, m, press("/"))
	m = typeText(t, m, "id:"+first.DesktopID())
	m = send(t, m, press("enter"))
	if lv.list.Count() != 1 {
		t.Errorf("/id:%s on the gone list: %d shown", first.DesktopID(), lv.list.Count())
	}
	m = send(t, m, press("/"))
	m = send(t, m, tea.KeyMsg{Type: tea.KeyCtrlU})
	m = send(t, m, press("enter"))
	m = send(t, m, press("Y"))
	if want := commas(lv.list.Total()) + " desktop ids"; !strings.Contains(m.note, want) || clip.Len() == 0 {
		t.Errorf("Y: note %q, want %q; %d bytes to the terminal", m.note, want, clip.Len())
	}
	m = send(t, m, press("e"))
	files, _ := filepath.Glob(filepath.Join(m.cfg.ExportDir, "*-gone.csv"))
	if len(files) != 1 {
		t.Fatalf("e on the gone list wrote %v (%s)", files, m.note)
	}
	b, _ := os.ReadFile(files[0])
	if n := strings.Count(string(b), "ONLY_IN_BASELINE"); n != lv.list.Total() {
		t.Errorf("the export has %d gone rows of %d", n, lv.list.Total())
	}
}

// e in a "FAIL · new failure" view writes the columns shown, CHANGE and
// HISTORY among them, to a file named after the view.
func TestExportKeepsTheView(t *testing.T) {
	data := fake.NewDataset(5)
	task := data.Tasks[0].ID
	dir := t.TempDir()
	m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", TaskID: task, RecordID: data.Records[task][0].ID, PageSize: 100,
		ExportDir: dir}), 200, 30)
	for _, k := range []string{"c", "H", "s", "C", "e"} {
		m = send(t, m, press(k))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) != 1 || !strings.HasSuffix(files[0], "-fail-new-failure.csv") {
		t.Fatalf("exported %v", files)
	}
	b, _ := os.ReadFile(files[0])
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if !strings.Contains(lines[0], "change") || !strings.Contains(lines[0], "history") || len(lines)-1 != dl(m).Count() {
		t.Errorf("header %q, %d rows for %d shown", lines[0], len(lines)-1, dl(m).Count())
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, "NEW_FAILURE") {
			t.Errorf("a row not a new failure: %q", l)
			break
		}
	}
}
