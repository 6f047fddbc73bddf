package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// A failed desktop's script output, in the details' pane, for a run of
// an EXECUTE_SCRIPT task: its script record (status, code, reason) and
// the end of what the script printed (z shows it all). Fetched when the
// cursor rests on the row, as the desktop's state is; kept for the
// session (a finished script's output does not change). The output is
// untrusted text: sanitised as every field is, so it cannot move the
// cursor or set the title, and bounded.

const (
	// outputTail is how many of the output's last lines the pane shows
	// unzoomed.
	outputTail = 10
	// maxOutputBytes bounds the output kept per desktop: its end, where a
	// script says what went wrong.
	maxOutputBytes = 64 << 10
	// maxScriptsKept bounds the answers kept.
	maxScriptsKept = 256
)

// scripts is the session's script outputs, by script task and desktop.
type scripts struct {
	src     runs.ScriptSource // nil: the source cannot tell
	byKey   map[string]scriptAnswer
	pending map[string]bool
}

type scriptAnswer struct {
	rec api.ScriptRecord
	err error
}

// scriptMsg is a desktop's script record, or why it could not be read.
type scriptMsg struct {
	key string
	rec api.ScriptRecord
	err error
}

func newScripts(src Source) *scripts {
	s := &scripts{byKey: map[string]scriptAnswer{}, pending: map[string]bool{}}
	s.src, _ = src.(runs.ScriptSource)
	return s
}

func scriptKey(scriptTaskID, desktopID string) string { return scriptTaskID + "\x00" + desktopID }

// wants reports a script record worth asking for: not known, not asked.
func (s *scripts) wants(scriptTaskID, desktopID string) bool {
	key := scriptKey(scriptTaskID, desktopID)
	_, known := s.byKey[key]
	return s.src != nil && scriptTaskID != "" && desktopID != "" && !s.pending[key] && !known
}

// fetch asks for the desktop's script record, unless it is known or asked.
func (s *scripts) fetch(scriptTaskID, desktopID string) tea.Cmd {
	if !s.wants(scriptTaskID, desktopID) {
		return nil
	}
	key := scriptKey(scriptTaskID, desktopID)
	s.pending[key] = true
	src := s.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), desktopTimeout)
		defer cancel()
		rec, err := runs.ScriptOutput(ctx, src, scriptTaskID, desktopID)
		return scriptMsg{key: key, rec: rec, err: err}
	}
}

func (s *scripts) take(m scriptMsg) {
	delete(s.pending, m.key)
	if len(s.byKey) >= maxScriptsKept {
		clear(s.byKey)
	}
	if len(m.rec.Output) > maxOutputBytes {
		m.rec.Output = "…" + m.rec.Output[len(m.rec.Output)-maxOutputBytes:]
	}
	s.byKey[m.key] = scriptAnswer{rec: m.rec, err: m.err}
}

// wantsScript reports a row whose script output the pane shows: a failed
// desktop of a run that names its script-execution task.
func (v *detailsView) wantsScript(status string) (scriptTaskID string, ok bool) {
	if v.record == nil || v.record.ExecuteTaskID == "" || !filter.IsFailed(status) {
		return "", false
	}
	return v.record.ExecuteTaskID, true
}

// scriptFields are the pane's lines on the desktop's script, right after
// its fail reason: none for a row that has none to show.
func (v *detailsView) scriptFields(desktopID, status string, st styles.Styles, full bool) []field {
	taskID, ok := v.wantsScript(status)
	s := v.views.scripts
	if !ok || s.src == nil {
		return nil
	}
	key := scriptKey(taskID, desktopID)
	a, known := s.byKey[key]
	switch {
	case !known && s.pending[key]:
		return []field{{"Script", st.Placeholder.Render("asking for its output…")}}
	case !known:
		return []field{{"Script", st.Placeholder.Render("rest on the row to see its output")}}
	case errors.Is(a.err, runs.ErrNoScriptRecord):
		return []field{{"Script", st.Faint.Render("no script record for this desktop")}}
	case a.err != nil:
		what, _ := describeError(a.err)
		return []field{{"Script", st.Error.Render("could not read its output: " + what)}}
	}
	r := a.rec
	head := strings.TrimSpace(sanitize.Line(r.ScriptName) + " " + st.Status(scriptStatusColour(r.Status)).Render(sanitize.Line(r.Status)))
	if r.ResultCode != "" {
		head += " · " + sanitize.Line(r.ResultCode)
	}
	fields := []field{{"Script", head}}
	if r.Reason != "" && r.Reason != v.selectedReason() {
		fields = append(fields, field{"Script says", sanitize.Block(r.Reason)})
	}
	return append(fields, field{"Output", outputText(r.Output, st, full)})
}

// selectedReason is the fail reason of the row under the cursor.
func (v *detailsView) selectedReason() string {
	if r, ok := v.list.Selected(); ok {
		return r.Detail().FailReason
	}
	return ""
}

// outputText is the script's output made safe, its last outputTail lines
// unless full (the pane zoomed), saying how many more there are.
func outputText(out string, st styles.Styles, full bool) string {
	out = strings.TrimRight(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	if strings.TrimSpace(out) == "" {
		return st.Faint.Render("(nothing printed)")
	}
	lines := strings.Split(sanitize.Block(out), "\n")
	if full || len(lines) <= outputTail {
		return strings.Join(lines, "\n")
	}
	above := st.Faint.Render(fmt.Sprintf("… %d lines above: z shows all", len(lines)-outputTail))
	return above + "\n" + strings.Join(lines[len(lines)-outputTail:], "\n")
}

// scriptStatusColour maps a script record's status (the SDK gives none:
// FAILED, SUCCESS, RUNNING are seen) to a run status's colour.
func scriptStatusColour(status string) string {
	switch strings.ToUpper(status) {
	case "FAILED", "FAIL", "ERROR", "TIMEOUT":
		return "FAIL"
	case "SUCCESS", "FINISH":
		return "SUCCESS"
	}
	return status
}
