package ui

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
)

// failedIn is the ids (or, for rows without one, desktop ids) of the
// failed rows of details, in order.
func failedIn(details []api.Detail) []string {
	var out []string
	for _, d := range details {
		if filter.IsFailed(d.ExecStatus) {
			out = append(out, d.ID+d.DesktopID)
		}
	}
	return out
}

func shownKeys(m Model) []string {
	var out []string
	for _, d := range shownRows(dv(m)) {
		out = append(out, d.ID+d.DesktopID)
	}
	return out
}

// Pages longer than asked (150 rows for a limit of 100): every row is
// shown at its place, counted and filtered, and the extra rows save the
// requests they answer.
func TestPagesLongerThanAskedKeepEveryRow(t *testing.T) {
	src := &stubSource{details: demoDetails(), extra: 50}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("f")) // loads every page
	l := dl(m)
	if l.Total() != len(src.details) || l.LoadedRows() < len(src.details) {
		t.Fatalf("total %d, %d loaded; want all %d", l.Total(), l.LoadedRows(), len(src.details))
	}
	for pos, want := range src.details {
		if got, ok := l.Row(pos); !ok || got.Detail().ID != want.ID {
			t.Fatalf("row %d is %q (loaded %v), want %q", pos, got.Detail().ID, ok, want.ID)
		}
	}
	if got, want := shownKeys(m), failedIn(src.details); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("failed only: %d rows, want %d", len(got), len(want))
	}
}

// A server that ignores paging and sends its whole listing (150 rows) to
// every request: the rows past the limit are the rows after the first
// page, not rows to drop.
func TestWholeListingInOnePageIsKept(t *testing.T) {
	src := &stubSource{details: demoDetails()[:150], whole: true}
	m := start(t, newTestModel(src, 100), 100, 30)
	m = send(t, m, press("f"))
	if got, want := shownKeys(m), failedIn(src.details); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("failed only: %d rows, want %d", len(got), len(want))
	}
	if l := dl(m); l.Total() != 150 || l.LoadedRows() != 150 {
		t.Errorf("total %d, %d rows held; want 150 and 150", l.Total(), l.LoadedRows())
	}
}

// Rows without an id are rows, each of its own: counted, filtered and
// exported, not collapsed into one.
func TestRowsWithoutIDsAreEachARow(t *testing.T) {
	details := append([]api.Detail(nil), demoDetails()[:250]...)
	for i := range details {
		details[i].ID = ""
	}
	dir := t.TempDir()
	src := &stubSource{details: details}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100,
		RetryBackoff: time.Millisecond, ExportDir: dir}), 250, 30)
	m = send(t, m, press("f"))
	want := failedIn(details)
	if got := shownKeys(m); len(got) != len(want) || len(want) < 2 {
		t.Fatalf("failed only: %d rows shown, want %d", len(got), len(want))
	}
	if !strings.Contains(ansi.Strip(m.View()), "of 250") {
		t.Errorf("counts do not cover the 250 rows:\n%s", ansi.Strip(m.View()))
	}
	m = send(t, m, press("e"))
	match := regexp.MustCompile(`exported ([0-9,]+) rows to (\S+\.csv)`).FindStringSubmatch(ansi.Strip(m.View()))
	if match == nil {
		t.Fatalf("no export note:\n%s", ansi.Strip(m.View()))
	}
	f, err := os.Open(filepath.Clean(match[2]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows)-1 != len(want) {
		t.Errorf("%d rows exported (err %v), want %d", len(rows)-1, err, len(want))
	}
}
