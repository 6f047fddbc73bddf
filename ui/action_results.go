package ui

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// The answers to a batch action as they come: a row a request (waiting,
// in flight, answered with its job followed to its end, failed, or not
// sent), a row a desktop the API refused, and the line that sums it up.

// actionRow is one line of the results.
type actionRow struct {
	key     string
	request bool          // a request's row (else a refusal's)
	chunk   actions.Chunk // the request
	err     error         // the audit log could not be opened (no request at all)
	job     *api.Job      // the request's job, as last asked
	jobErr  error         // the last asking's failure
	polls   int
	done    bool // no more asking about the job
	refused *api.FailedOperation
	stray   bool // refused, though the request did not name it
}

func actionRowID(r actionRow) string { return r.key }

// actionColumnsCSV are e's columns for the results: a line a desktop.
var actionColumnsCSV = []string{"request", "desktop_id", "desktop_name", "outcome", "job_id", "error_code", "error"}

// actionItems are the results shown as e writes them: a request's
// desktops, a line each, with its outcome and job; a refusal with its code
// and message.
func actionItems(rows []actionRow) [][]string {
	var out [][]string
	for _, r := range rows {
		if r.refused != nil {
			out = append(out, []string{"", r.refused.DesktopID, r.refused.DesktopName, "REFUSED", "", r.refused.ErrorCode, r.refused.ErrorMsg})
			continue
		}
		outcome := actionRowFields(r)[filter.Status]
		errText := ""
		if r.chunk.Err != nil {
			errText = r.chunk.Err.Error()
		}
		for _, id := range r.chunk.DesktopIDs {
			out = append(out, []string{fmt.Sprint(r.chunk.Index + 1), id, "", outcome, r.chunk.JobID, "", errText})
		}
	}
	return out
}

// actionRowFields are what / looks at: a refusal's desktop, code and
// message (status: refused); a request's desktops, its outcome.
func actionRowFields(r actionRow) map[filter.Field]string {
	if r.refused != nil {
		return map[filter.Field]string{filter.ID: r.refused.DesktopID, filter.Name: r.refused.DesktopName,
			filter.Code: r.refused.ErrorCode, filter.Reason: r.refused.ErrorMsg, filter.Status: "REFUSED"}
	}
	status := map[actions.Outcome]string{actions.Pending: "PENDING", actions.InFlight: "IN_FLIGHT", actions.Answered: "ANSWERED",
		actions.Failed: "FAILED", actions.NotSent: "NOT_SENT"}[r.chunk.Outcome]
	return map[filter.Field]string{filter.ID: strings.Join(r.chunk.DesktopIDs, " "), filter.Status: status}
}

// actionRowIDs are what y copies of a row: a refused desktop's id, or the
// ids a request named, one a line (so that Y on the refusals is a list to
// act on again).
func actionRowIDs(r actionRow) (string, string) {
	if r.refused != nil {
		return r.refused.DesktopID, "desktop id " + shortID(sanitize.Line(r.refused.DesktopID))
	}
	if len(r.chunk.DesktopIDs) == 0 {
		return "", ""
	}
	return strings.Join(r.chunk.DesktopIDs, "\n"), plural(len(r.chunk.DesktopIDs), "desktop id", "desktop ids") + " of the request"
}

// jobTickMsg asks about a job again; jobMsg is its answer.
type jobTickMsg struct {
	id    int64
	jobID string
}

type jobMsg struct {
	id    int64
	jobID string
	job   api.Job
	err   error
}

var actionColumns = []column[actionRow]{
	{title: "WHAT", width: 10, priority: 0, value: actionWhat, style: func(st styles.Styles, r actionRow) lipgloss.Style {
		switch {
		case r.refused != nil || r.err != nil || r.chunk.Outcome == actions.Failed || r.chunk.Outcome == actions.NotSent:
			return st.Status("FAIL")
		case r.chunk.Outcome == actions.InFlight:
			return st.Warn
		}
		return lipgloss.NewStyle()
	}},
	{title: "DESKTOPS OR JOB", width: 24, maxWidth: 40, priority: 0, value: func(r actionRow) string {
		if r.refused != nil {
			return sanitize.Line(cmp.Or(r.refused.DesktopName, r.refused.DesktopID))
		}
		if r.chunk.JobID != "" {
			return sanitize.Line(r.chunk.JobID)
		}
		if r.chunk.TaskID != "" {
			return "task " + sanitize.Line(r.chunk.TaskID)
		}
		return plural(len(r.chunk.DesktopIDs), "desktop", "desktops")
	}},
	{title: "STATE", width: 30, maxWidth: -1, priority: 0, value: actionState},
}

func actionWhat(r actionRow) string {
	switch {
	case r.stray:
		return "refused?"
	case r.refused != nil:
		return "refused"
	case r.err != nil:
		return "audit log"
	}
	return "request " + strconv.Itoa(r.chunk.Index+1)
}

// actionState says where a request stands, in words that keep "may have
// been applied" and "not applied" apart: only the first may not be sent
// again without checking.
func actionState(r actionRow) string {
	c := r.chunk
	switch {
	case r.stray:
		return sanitize.Line("the API refused a desktop this request did not name: " + r.refused.ErrorCode + " " + r.refused.ErrorMsg)
	case r.refused != nil:
		return sanitize.Line(r.refused.ErrorCode + " " + r.refused.ErrorMsg)
	case r.err != nil:
		what, _ := describeError(r.err)
		return "nothing sent: " + what
	case c.Outcome == actions.Pending:
		return "waiting its turn"
	case c.Outcome == actions.InFlight:
		return fmt.Sprintf("sent (try %d), no answer yet: it may be applied", c.Tries)
	case c.Outcome == actions.NotSent:
		return "not sent: " + sanitize.Line(c.Why)
	case c.Outcome == actions.Failed && api.ActionHint(c.Err) != "":
		what, _ := describeError(c.Err)
		return "not applied: " + what
	case c.Outcome == actions.Failed && !api.MayHaveBeenApplied(c.Err):
		what, _ := describeError(c.Err)
		return "not applied: " + what
	case c.Outcome == actions.Failed:
		what, _ := describeError(c.Err)
		return "unknown, it may have been applied: " + what
	case r.jobErr != nil:
		what, _ := describeError(r.jobErr)
		return "could not ask about the job: " + what
	case r.job == nil:
		return fmt.Sprintf("accepted %d of %d", c.Accepted(), len(c.DesktopIDs))
	}
	progress := plural(c.Accepted(), "desktop", "desktops")
	if n := len(r.job.SubJobs); n > 0 {
		done := 0
		for _, sub := range r.job.SubJobs {
			if sub.Finished() {
				done++
			}
		}
		progress = fmt.Sprintf("%d of %d done", done, max(n, r.job.SubJobsTotal))
	}
	return sanitize.Line(fmt.Sprintf("%s · %s", orDash(r.job.Status), progress))
}

func actionPaneText(r actionRow, st styles.Styles, width int) string {
	if r.refused != nil {
		label := "Refused"
		if r.stray {
			label = "Not named"
		}
		return labelled(nonEmpty([]field{{label, sanitize.Line(r.refused.DesktopName)}, {"Desktop ID", sanitize.Line(r.refused.DesktopID)},
			{"Code", sanitize.Line(r.refused.ErrorCode)}, {"Message", sanitize.Block(r.refused.ErrorMsg)}}), st, width)
	}
	if r.err != nil {
		what, hint := describeError(r.err)
		return labelled(nonEmpty([]field{{"Error", what}, {"Hint", hint}}), st, width)
	}
	c := r.chunk
	fields := []field{{"Request", fmt.Sprintf("%d (%s)", c.Index+1, actionState(r))}, {"Job", sanitize.Line(c.JobID)}, {"Task made", sanitize.Line(c.TaskID)},
		{"Desktops", commas(len(c.DesktopIDs))}}
	if c.Tries > 0 {
		fields = append(fields, field{"Tries", strconv.Itoa(c.Tries)})
	}
	if r.job != nil {
		fields = append(fields, field{"Status", sanitize.Line(r.job.Status)}, field{"Type", sanitize.Line(r.job.JobType)},
			field{"Began", sanitize.Line(r.job.BeginTime)}, field{"Ended", sanitize.Line(r.job.EndTime)},
			field{"Error", sanitize.Line(r.job.JobErrorCode)}, field{"Reason", sanitize.Block(r.job.FailReason)})
	}
	for _, err := range []error{c.Err, r.jobErr} {
		if err != nil {
			what, hint := describeError(err)
			fields = append(fields, field{"Error", what}, field{"Hint", cmp.Or(api.ActionHint(err), hint)})
		}
	}
	return labelled(nonEmpty(fields), st, width)
}

// showChunks lists the requests as they stand, and their refusals.
func (a *actionView) showChunks(chunks []actions.Chunk) {
	if a.logErr != nil {
		a.list.SetItems([]actionRow{{key: "log", err: a.logErr}})
		return
	}
	if chunks == nil { // not started: every request waits its turn
		for i, ids := range a.plan.Chunks() {
			chunks = append(chunks, actions.Chunk{Index: i, DesktopIDs: ids})
		}
	}
	var rows []actionRow
	for _, c := range chunks {
		rows = append(rows, actionRow{key: "chunk" + strconv.Itoa(c.Index), request: true, chunk: c})
		for j := range c.Refused {
			f := c.Refused[j]
			rows = append(rows, actionRow{key: fmt.Sprintf("refused%d-%d", c.Index, j), refused: &f, chunk: c})
		}
		for j := range c.Strays {
			f := c.Strays[j]
			rows = append(rows, actionRow{key: fmt.Sprintf("stray%d-%d", c.Index, j), refused: &f, stray: true, chunk: c})
		}
	}
	a.list.SetItems(rows)
}

// finish takes the batch's end: the last rows, and the jobs followed.
func (a *actionView) finish() tea.Cmd {
	a.stage, a.askStop, a.following = stageDone, false, true
	chunks := a.batch.Chunks()
	a.showChunks(chunks)
	var cmds []tea.Cmd
	following := false
	for _, c := range chunks {
		if c.Sent() && a.rerun == nil {
			a.desks.forget(c.DesktopIDs) // their state now is not what the pane shows
		}
		if c.Outcome == actions.Answered && c.TaskID != "" && !following {
			following = true // the first task made: its run opens once it begins
			a.rerunNote = "the re-run task was made: its run opens once it begins…"
			if names := a.rerun.Names(a.plan); len(names) > 0 {
				a.rerunNote = fmt.Sprintf("task %q made, to run about %s: its run opens once it begins…",
					sanitize.Line(names[0]), sanitize.Line(a.rerunAt))
			}
			cmds = append(cmds, a.followRerun(c.TaskID, 0))
		}
		if c.Outcome == actions.Answered && c.JobID != "" {
			cmds = append(cmds, a.tick(c.JobID))
		}
	}
	return tea.Batch(cmds...)
}

func (a *actionView) tick(jobID string) tea.Cmd {
	id := a.id
	return tea.Tick(a.poll, func(time.Time) tea.Msg { return jobTickMsg{id: id, jobID: jobID} })
}

// takeJob updates a job's row, and asks again until it ends (or the asking
// is spent).
func (a *actionView) takeJob(m jobMsg) tea.Cmd {
	var rows []actionRow
	var next tea.Cmd
	a.list.Each(func(_ int, r *actionRow) {
		row := *r
		if row.request && row.chunk.JobID == m.jobID {
			row.polls++
			if m.err == nil {
				job := m.job
				row.job, row.jobErr = &job, nil
			} else {
				row.jobErr = m.err
			}
			var apiErr *api.APIError
			permanent := errors.As(m.err, &apiErr) && apiErr.Status/100 == 4 && apiErr.Status != 429
			switch {
			case permanent, m.err == nil && m.job.Finished(), row.polls >= maxJobPolls:
				row.done = true // a 403 or 404 will not change by asking again
				if m.err == nil && m.job.Finished() {
					// The job is over: its desktops as they are now, for
					// the pane and the NOW column.
					a.desks.forget(row.chunk.DesktopIDs)
					next = a.desks.fetchMany(row.chunk.DesktopIDs)
				}
			default:
				next = a.tick(m.jobID)
			}
		}
		rows = append(rows, row)
	})
	a.list.SetItems(rows)
	return next
}

// jobsFollowed counts the jobs still asked about.
func (a *actionView) jobsFollowed() int {
	n := 0
	a.list.Each(func(_ int, r *actionRow) {
		if r.request && r.chunk.JobID != "" && r.chunk.Outcome == actions.Answered && !r.done {
			n++
		}
	})
	return n
}

// statusLine sums the action up: as it goes, and once it is over.
func (a *actionView) statusLine(int) (string, bool) {
	switch {
	case a.stage < stageSending:
		return "", false
	case a.logErr != nil:
		what, _ := describeError(a.logErr)
		return "✗ " + what, true
	case a.batch == nil:
		return "opening the audit log…", false
	}
	chunks := a.batch.Chunks()
	t := actions.Count(chunks)
	line := t.Summary(a.plan.Action)
	if a.stage == stageSending {
		sent := 0
		for _, c := range chunks {
			if c.Sent() {
				sent++
			}
		}
		line = fmt.Sprintf("request %d of %d · %s", sent, len(chunks), line)
		if a.batch.Stopping() {
			line = "stopping after the request in flight · " + line
		}
		if a.logNotes != "" {
			line += " · " + sanitize.Line(a.logNotes)
		}
		return line, false
	}
	if a.rerunNote != "" {
		line += " · " + a.rerunNote
	}
	if n := a.jobsFollowed(); n > 0 {
		line += fmt.Sprintf(" · following %s", plural(n, "job", "jobs"))
	}
	for _, c := range chunks {
		if c.Outcome != actions.Failed {
			continue
		}
		what, _ := describeError(c.Err)
		line = "✗ " + line + " · " + what
		switch hint := api.ActionHint(c.Err); {
		case hint != "":
			line += " – " + hint
		case api.MayHaveBeenApplied(c.Err):
			line += " – it may have been applied: check before sending it again"
		}
		if t.NotSent > 0 {
			line += " (the requests after it were not sent: Y copies their desktops)"
		}
		return line, true
	}
	if halt := a.batch.Halt(); halt != "" {
		return "✗ " + line + " · " + sanitize.Line(halt) + " (Y copies the desktops not sent)", true
	}
	return line, t.Accepted < t.Desktops
}
