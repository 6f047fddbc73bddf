package ui

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/anmitsu/go-shlex"

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
// failed-only switch, status and text filter.
func TestOutputArgs(t *testing.T) {
	text, err := filter.Parse(`code:WKS.00010131 !name:lab`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tr   triage.Criteria
		want string
	}{
		{triage.Criteria{}, "--task-id t1 --record-id r1"},
		{triage.Criteria{FailedOnly: true}, "--task-id t1 --record-id r1 --status FAIL"},
		{triage.Criteria{FailedOnly: true, Status: "SKIP"}, "--task-id t1 --record-id r1 --status SKIP"},
		{triage.Criteria{Text: text}, "--task-id t1 --record-id r1 --filter code:WKS.00010131 !name:lab"},
	} {
		if got := strings.Join(outputArgs("t1", "r1", tc.tr), " "); got != tc.want {
			t.Errorf("%+v: %s; want %s", tc.tr, got, tc.want)
		}
	}
}

// The command e shows over SSH gives the server exactly the words meant:
// through this machine's shell (sh), which hands ssh its arguments, ssh,
// which joins them with spaces, and the server's split (shlex, as the
// session's command line is split).
func TestSSHCommandRoundTrip(t *testing.T) {
	for _, filterText := range []string{
		"code:WKS.00010131", "code:WKS.00010131 !name:lab", `reason:"it's down" !name:lab`,
		"name:$(id) `id` $HOME", `reason:a\b "c"`, "name:研发 desktop!",
	} {
		args := []string{"--task-id", "t1", "--record-id", "r1", "--filter", filterText}
		line := sshCommand("printf '%s\\0'", args) // the local shell runs printf in ssh's place
		line = strings.TrimSuffix(line, " > rows.csv")
		out, err := exec.Command("sh", "-c", line).Output()
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		sent := strings.Join(strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00"), " ") // as ssh joins them
		got, err := shlex.Split(sent, true)
		if err != nil {
			t.Fatalf("%s: the server cannot split %q: %v", line, sent, err)
		}
		if want := append(args, "-o", "csv"); !slices.Equal(got, want) {
			t.Errorf("%s\nreaches the server as %q; want %q", line, got, want)
		}
	}
}
