package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/ui/export"
	"github.com/wksrec/wksrec/ui/sanitize"
)

// exportCSV returns a Cmd writing rows to a new CSV file in dir, named
// after the record and the time, and saying where.
func exportCSV(dir, recordID string, rows []api.Detail, now time.Time) tea.Cmd {
	return func() tea.Msg {
		var buf bytes.Buffer
		if err := export.Write(&buf, "csv", rows); err != nil {
			return noteMsg("export failed: " + err.Error())
		}
		name := fmt.Sprintf("wksrec-%s-%s.csv", fileSafe(shortID(recordID)), now.Format("20060102-150405"))
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return noteMsg("export failed: " + err.Error())
		}
		_, werr := f.Write(buf.Bytes())
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return noteMsg("export failed: " + werr.Error())
		}
		return noteMsg(fmt.Sprintf("exported %s to %s", plural(len(rows), "row", "rows"), path))
	}
}

// fileSafe keeps letters, digits, - and _ of an id for a file name.
func fileSafe(s string) string {
	b := []rune{}
	for _, r := range sanitize.Line(s) {
		if r == '-' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
			b = append(b, r)
		}
	}
	if len(b) == 0 {
		return "record"
	}
	return string(b)
}
