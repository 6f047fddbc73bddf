package ui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
)

// exportName names an export after the task and run on screen and the rows
// shown: wksrec-nightly-reboot-2026-11-28-02-00-00-failed.
func exportName(task, run, rows string) string {
	return "wksrec-" + fileSafe(task, "task") + "-" + fileSafe(run, "run") + "-" + fileSafe(rows, "rows")
}

// exportOrSay is e: write runs the export into the directory files go to, or
// the host says why nothing is written (over SSH, on the server), and
// what prints the same rows instead: args, -o's flags for them (nil when
// -o has none).
func exportOrSay(h host, args []string, write func(dir string) tea.Cmd) tea.Cmd {
	if why := h.exportRefused(args); why != "" {
		h.setNote(why)
		return nil
	}
	return write(h.exportDir())
}

// outputArgs are -o's flags for the rows shown: the run, and the
// failed-only switch, status and text filter that narrow it (a failure
// group or a change has no flag of -o's that says it: they are left out,
// and -o prints more than is shown).
func outputArgs(taskID, recordID string, tr triage.Criteria) []string {
	args := []string{"--task-id", taskID, "--record-id", recordID}
	switch {
	case tr.Status != "":
		args = append(args, "--status", tr.Status)
	case tr.FailedOnly:
		args = append(args, "--status", "FAIL")
	}
	if !tr.Text.Empty() {
		args = append(args, "--filter", tr.Text.String())
	}
	return args
}

// sshCommand is the command line that runs wksrec with args on the
// server reach names ("ssh -p 2222 10.0.0.5 --") and saves its CSV here.
// Its words are quoted twice: ssh joins the arguments it is given with
// spaces, and the server splits them again as a shell does, so a word
// with a space must reach the server still quoted. The server's quoting
// is in double quotes where it can be (readable), and the whole is one
// word of the local shell, in single quotes (no $, ` or ! of the local
// shell's reaches it).
func sshCommand(reach string, args []string) string {
	words := make([]string, len(args))
	plain := true
	for i, a := range args {
		words[i] = remoteWord(a)
		plain = plain && words[i] == a
	}
	line := strings.Join(words, " ") + " -o csv"
	if !plain {
		line = "'" + strings.ReplaceAll(line, "'", `'\''`) + "'"
	}
	return reach + " " + line + " > rows.csv"
}

// remoteWord is s as one word of the server's split: as it is when no
// character of it is special, else in double quotes, else (a ", \, $ or
// ` in it) in single quotes.
func remoteWord(s string) string {
	switch {
	case s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:,/@=+") == "":
		return s
	case !strings.ContainsAny(s, "\"\\$`"):
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// exportCSV returns a Cmd writing rows to a new CSV file name.csv in dir,
// for spreadsheets (name-2.csv and so on when that exists: nothing is
// overwritten), and saying where.
func exportCSV(dir, name string, rows []export.Row, extra export.Extra) tea.Cmd {
	return func() tea.Msg {
		path, err := writeNewFile(dir, name, ".csv", func(w io.Writer) error {
			// A UTF-8 byte order mark: without it spreadsheets read the
			// file in the local code page and CJK names come out garbled.
			// (-o csv, for programs, has none.)
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return err
			}
			x, err := export.NewWriterWith(w, "csv", extra)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if err := x.WriteRow(r); err != nil {
					return err
				}
			}
			return x.Close()
		})
		if err != nil {
			return noteMsg("export failed, nothing written: " + err.Error())
		}
		return noteMsg(fmt.Sprintf("exported %s to %s", plural(len(rows), "row", "rows"), path))
	}
}

// exportItems returns a Cmd writing rows other than details (an action's
// results) to a new CSV file name.csv in dir, as exportCSV does: columns
// the header, each item's cells made safe by the export package.
func exportItems(dir, name string, columns []string, items [][]string) tea.Cmd {
	return func() tea.Msg {
		path, err := writeNewFile(dir, name, ".csv", func(w io.Writer) error {
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return err
			}
			x, err := export.NewListWriter(w, "csv", columns)
			if err != nil {
				return err
			}
			for _, cells := range items {
				if err := x.WriteItem(nil, cells); err != nil {
					return err
				}
			}
			return x.Close()
		})
		if err != nil {
			return noteMsg("export failed, nothing written: " + err.Error())
		}
		return noteMsg(fmt.Sprintf("exported %s to %s", plural(len(items), "row", "rows"), path))
	}
}

// writeNewFile writes a new file name+ext in dir (name-2+ext and so on
// when that exists) whole or not at all: write fills a temporary file in
// dir, which takes the name only once written and closed. A failure (a
// full disk) leaves no file, not a truncated one.
func writeNewFile(dir, name, ext string, write func(io.Writer) error) (string, error) {
	tmp, err := os.CreateTemp(dir, "."+name+"-*"+ext+".part")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // once linked to its name, or failed: not left behind
	werr := write(tmp)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return "", werr
	}
	for n := 1; n <= 100; n++ {
		path := filepath.Join(dir, name+ext)
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, n, ext))
		}
		// A hard link takes the name only if it is free: nothing is
		// overwritten, even by an export running alongside.
		err := os.Link(tmp.Name(), path)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s%s and 99 more names like it exist already", name, ext)
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
