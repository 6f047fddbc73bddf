package ui

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// The answers to a batch action: a row a request (its job, followed to
// its end) and a row a desktop the API refused; the line that sums it up.

// actionRow is one line of the result: a request's job, or a desktop the
// API refused.
type actionRow struct {
	key     string
	job     *api.Job // a job, as last asked
	jobID   string
	count   int   // the desktops of the job's request
	err     error // the request's failure, or the job's last asking's
	sent    bool  // the request went out (false: never sent)
	refused *api.FailedOperation
	polls   int
	done    bool // no more asking about the job
}

func actionRowID(r actionRow) string { return r.key }

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
	{title: "WHAT", width: 10, priority: 0, value: func(r actionRow) string {
		switch {
		case r.refused != nil:
			return "refused"
		case r.jobID != "":
			return "job"
		}
		return "request"
	}, style: func(st styles.Styles, r actionRow) lipgloss.Style {
		if r.refused != nil || r.err != nil || !r.sent {
			return st.Status("FAIL")
		}
		return lipgloss.NewStyle()
	}},
	{title: "DESKTOP OR JOB", width: 24, maxWidth: 40, priority: 0, value: func(r actionRow) string {
		if r.refused != nil {
			return sanitize.Line(cmp.Or(r.refused.DesktopName, r.refused.DesktopID))
		}
		return sanitize.Line(orDash(r.jobID))
	}},
	{title: "STATE", width: 30, maxWidth: -1, priority: 0, value: func(r actionRow) string {
		switch {
		case r.refused != nil:
			return sanitize.Line(r.refused.ErrorCode + " " + r.refused.ErrorMsg)
		case !r.sent && r.jobID == "":
			if r.err == nil {
				return fmt.Sprintf("not sent (a request before it failed), %s", plural(r.count, "desktop", "desktops"))
			}
			what, _ := describeError(r.err)
			return "not sent: " + what
		case r.err != nil && r.jobID == "" && (api.ActionRetryable(r.err) || api.ActionHint(r.err) != ""):
			what, _ := describeError(r.err)
			return "not applied: " + what
		case r.err != nil && r.jobID == "":
			what, _ := describeError(r.err)
			return "unknown, it may have been applied: " + what
		case r.err != nil:
			what, _ := describeError(r.err)
			return "could not ask: " + what
		case r.job == nil:
			return fmt.Sprintf("sent, %s", plural(r.count, "desktop", "desktops"))
		}
		progress := plural(r.count, "desktop", "desktops")
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
	}},
}

func actionPaneText(r actionRow, st styles.Styles, width int) string {
	if r.refused != nil {
		return labelled([]field{{"Refused", sanitize.Line(r.refused.DesktopName)}, {"Desktop ID", sanitize.Line(r.refused.DesktopID)},
			{"Code", sanitize.Line(r.refused.ErrorCode)}, {"Message", sanitize.Block(r.refused.ErrorMsg)}}, st, width)
	}
	fields := []field{{"Job", sanitize.Line(orDash(r.jobID))}, {"Desktops", commas(r.count)}}
	if r.job != nil {
		fields = append(fields, field{"Status", sanitize.Line(r.job.Status)}, field{"Type", sanitize.Line(r.job.JobType)},
			field{"Began", sanitize.Line(r.job.BeginTime)}, field{"Ended", sanitize.Line(r.job.EndTime)},
			field{"Error", sanitize.Line(r.job.JobErrorCode)}, field{"Reason", sanitize.Block(r.job.FailReason)})
	}
	if r.err != nil {
		what, hint := describeError(r.err)
		fields = append(fields, field{"Error", what}, field{"Hint", hint})
	}
	return labelled(nonEmpty(fields), st, width)
}

// takeAnswers lists the jobs and the refusals, and starts following the
// jobs.
func (a *actionView) takeAnswers(m actionMsg) tea.Cmd {
	a.stage = stageDone
	if m.err != nil {
		a.chunks = []actions.Chunk{{Err: m.err, DesktopIDs: a.ids}}
		a.list.SetItems([]actionRow{{key: "error", err: m.err, count: len(a.ids)}})
		return nil
	}
	a.chunks = m.chunks
	for _, c := range m.chunks {
		if c.Sent {
			a.desks.forget(c.DesktopIDs) // their state now is not what the pane shows
		}
	}
	var rows []actionRow
	var cmds []tea.Cmd
	for i, c := range m.chunks {
		a.accepted += c.Accepted()
		if !c.Sent && c.Err == nil {
			rows = append(rows, actionRow{key: "chunk" + strconv.Itoa(i), count: len(c.DesktopIDs)}) // not sent, after a failure
			continue
		}
		rows = append(rows, actionRow{key: "chunk" + strconv.Itoa(i), jobID: c.Result.JobID, count: len(c.DesktopIDs) - len(c.Result.Refused), err: c.Err, sent: c.Sent})
		if c.Err == nil && c.Result.JobID != "" {
			cmds = append(cmds, a.tick(c.Result.JobID))
		}
		for j := range c.Result.Refused {
			f := c.Result.Refused[j]
			rows = append(rows, actionRow{key: fmt.Sprintf("refused%d-%d", i, j), refused: &f})
		}
	}
	a.list.SetItems(rows)
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
		if row.jobID == m.jobID && row.refused == nil {
			row.polls++
			if m.err == nil {
				job := m.job
				row.job, row.err = &job, nil
			} else {
				row.err = m.err
			}
			var apiErr *api.APIError
			permanent := errors.As(m.err, &apiErr) && apiErr.Status/100 == 4 && !apiErr.Throttled()
			switch {
			case permanent, m.err == nil && m.job.Finished(), row.polls >= maxJobPolls:
				row.done = true // a 403 or 404 will not change by asking again
			default:
				next = a.tick(m.jobID)
			}
		}
		rows = append(rows, row)
	})
	a.list.SetItems(rows)
	return next
}

func (a *actionView) following() int {
	n := 0
	a.list.Each(func(_ int, r *actionRow) {
		if r.refused == nil && r.jobID != "" && !r.done {
			n++
		}
	})
	return n
}

// statusLine sums the action up.
func (a *actionView) statusLine() (string, bool) {
	if a.stage != stageDone {
		return "", false
	}
	line := fmt.Sprintf("%s: %s of %s accepted", a.action.Label, commas(a.accepted), plural(len(a.ids), "desktop", "desktops"))
	if n := a.following(); n > 0 {
		line += fmt.Sprintf(" · following %s", plural(n, "job", "jobs"))
	}
	for _, c := range a.chunks {
		if c.Err != nil {
			what, _ := describeError(c.Err)
			line = "✗ " + line + " · " + what
			switch hint := api.ActionHint(c.Err); {
			case hint != "":
				line += " – " + hint
			case c.Sent && !api.ActionRetryable(c.Err):
				line += " – it may have been applied: check before sending it again"
			}
			return line + " (the requests after it were not sent)", true
		}
	}
	return line, false
}
