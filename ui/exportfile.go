package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// exportName names an export after the task and run on screen and the rows
// shown: wksrec-nightly-reboot-2026-11-28-02-00-00-failed.
func exportName(task, run, rows string) string {
	return "wksrec-" + fileSafe(task, "task") + "-" + fileSafe(run, "run") + "-" + fileSafe(rows, "rows")
}

// exportCSV returns a Cmd writing rows to a new CSV file name.csv in dir,
// for spreadsheets
// (name-2.csv and so on when that exists: nothing is overwritten), and
// saying where.
func exportCSV(dir, name string, rows []api.Detail) tea.Cmd {
	return func() tea.Msg {
		var buf bytes.Buffer
		// A UTF-8 byte order mark: without it spreadsheets read the file
		// in the local code page and CJK names come out garbled. (-o csv,
		// for programs, has none.)
		buf.WriteString("\ufeff")
		if err := export.Write(&buf, "csv", rows); err != nil {
			return noteMsg("export failed: " + err.Error())
		}
		var (
			f    *os.File
			path string
			err  error
		)
		for n := 1; n <= 100; n++ {
			path = filepath.Join(dir, name+".csv")
			if n > 1 {
				path = filepath.Join(dir, fmt.Sprintf("%s-%d.csv", name, n))
			}
			f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if !errors.Is(err, fs.ErrExist) {
				break
			}
		}
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

// fileSafe makes s a piece of a file name: ASCII letters and digits, runs
// of anything else as one '-', at most 40 characters; fallback when
// nothing is left (a name all in CJK, say).
func fileSafe(s, fallback string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(sanitize.Line(s)) {
		if ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || r == '_' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= 40 {
				break
			}
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}
