package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/triage"
)

// An export is written whole or not at all: a write that fails half-way
// (a full disk) leaves neither a truncated file nor its temporary one;
// names are never overwritten.
func TestAnExportIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	_, err := writeNewFile(dir, "wksrec-x", ".csv", func(w io.Writer) error {
		io.WriteString(w, "half a row,")
		return errors.New("no space left on device")
	})
	if entries, _ := os.ReadDir(dir); err == nil || len(entries) != 0 {
		t.Fatalf("a failed write: %v, files %v", err, entries)
	}
	write := func(text string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, text); return err }
	}
	first, err := writeNewFile(dir, "wksrec-x", ".csv", write("one"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := writeNewFile(dir, "wksrec-x", ".csv", write("two"))
	if err != nil || filepath.Base(first) != "wksrec-x.csv" || filepath.Base(second) != "wksrec-x-2.csv" {
		t.Fatalf("%s, %s, %v", first, second, err)
	}
	if b, _ := os.ReadFile(first); string(b) != "one" {
		t.Errorf("the first was overwritten: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
}

// Over SSH, e says the -o that prints the rows shown: the run, and the
// failed-only switch, status and text filter, each one word for a shell.
func TestOutputArgs(t *testing.T) {
	text := func(s string) filter.Expr {
		e, err := filter.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, tc := range []struct {
		tr   triage.Criteria
		want string
	}{
		{triage.Criteria{}, "--task-id t1 --record-id r1"},
		{triage.Criteria{FailedOnly: true}, "--task-id t1 --record-id r1 --status FAIL"},
		{triage.Criteria{FailedOnly: true, Status: "SKIP"}, "--task-id t1 --record-id r1 --status SKIP"},
		{triage.Criteria{Text: text(`reason:"it's down" !name:lab`)}, `--task-id t1 --record-id r1 --filter 'reason:"it'\''s down" !name:lab'`},
	} {
		if got := outputArgs("t1", "r1", tc.tr); got != tc.want {
			t.Errorf("%+v: %s; want %s", tc.tr, got, tc.want)
		}
	}
	if got := shellWord("$(id)"); got != "'$(id)'" {
		t.Errorf("shellWord: %s", got)
	}
}
