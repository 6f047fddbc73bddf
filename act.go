package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
)

// chunkReport is what --action prints for each request it sent (or did
// not send): one JSON object a line.
type chunkReport struct {
	Action     string                `json:"action"`
	DesktopIDs []string              `json:"desktop_ids"`
	Sent       bool                  `json:"sent"`
	JobID      string                `json:"job_id,omitempty"`
	Refused    []api.FailedOperation `json:"refused,omitempty"`
	Error      string                `json:"error,omitempty"`
}

// act is --action: the run's desktops that match --status, --filter and
// --change, their number checked against --confirm before anything is
// sent, then the action in chunks of 100, each logged to the audit log.
// It exits 0 when every desktop was accepted, 1 otherwise.
func act(c config.Config, getenv func(string) string, stdout, stderr io.Writer) error {
	action, _ := api.PowerActionNamed(c.Action) // checked in config
	sess, err := connect(c, getenv, stderr)
	if err != nil {
		return err
	}
	defer sess.stop()
	if c.Demo && c.TaskID == "" {
		c = withDemoRecord(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ids, noID, err := matchingDesktops(ctx, c, sess.client)
	if err != nil {
		return err
	}
	if noID > 0 {
		fmt.Fprintf(stderr, "wksrec: note: %d matching rows have no usable desktop id and cannot be acted on\n", noID)
	}
	if len(ids) != c.Confirm {
		return config.Errorf("--confirm %d does not match: %d desktops match; nothing was sent", c.Confirm, len(ids))
	}
	if len(ids) == 0 {
		return nil // nothing matches, and the user said so
	}
	path, err := actions.AuditPath(getenv)
	if err != nil {
		return err
	}
	log, err := actions.OpenAuditLog(path, sess.projectID, time.Now, getenv)
	if err != nil {
		return fmt.Errorf("%w; nothing was sent", err)
	}
	defer log.Close()
	chunks := actions.Send(ctx, sess.client, action, ids, log, actions.DefaultThrottle, time.Now, actions.Sleep)
	accepted := 0
	for _, ch := range chunks {
		r := chunkReport{Action: action.Name, DesktopIDs: ch.DesktopIDs, Sent: ch.Sent, JobID: ch.Result.JobID, Refused: ch.Result.Refused}
		if ch.Err != nil {
			r.Error = ch.Err.Error()
			if hint := api.ActionHint(ch.Err); hint != "" {
				r.Error += " (" + hint + ")"
			} else if ch.Sent && !api.ActionRetryable(ch.Err) {
				r.Error += " (it may have been applied: check the desktops or the jobs before sending it again)"
			}
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := stdout.Write(append(export.EscapeJSON(b), '\n')); err != nil {
			return err
		}
		accepted += ch.Accepted()
	}
	if accepted < len(ids) {
		return fmt.Errorf("%d of %d desktops were not accepted (see each chunk's refused and error; the audit log is %s)", len(ids)-accepted, len(ids), path)
	}
	return nil
}

// matchingDesktops are the desktop ids, each once, of the run's details
// that match --status, --filter and --change (the rows of the run -o would
// print), and how many matching rows have no usable desktop id.
func matchingDesktops(ctx context.Context, c config.Config, client *api.Client) (ids []string, noID int, err error) {
	expr, _ := filter.Parse(c.Filter) // checked in config
	statuses := filter.ParseStatuses(c.Statuses)
	cmp, err := loadComparison(ctx, c, client)
	if err != nil {
		return nil, 0, err
	}
	seen := map[string]bool{}
	take := func(d *api.Detail) {
		switch {
		case d.DesktopID == "" || api.ValidID(d.DesktopID) != nil:
			noID++ // nothing a request could name
		case !seen[d.DesktopID]:
			seen[d.DesktopID] = true
			ids = append(ids, d.DesktopID)
		}
	}
	err = eachDetail(ctx, c, client, c.RecordID, func(d *api.Detail) {
		row, keep := cmp.row(*d)
		if keep && statuses.Match(d.ExecStatus) && expr.MatchChange(d, changeLabel(row.Change)) {
			take(d)
		}
	})
	if err != nil {
		return nil, 0, fmt.Errorf("fetching the details: %w; nothing was sent", err)
	}
	// The desktops only the baseline has are not this run's: they are
	// never acted on, whatever --change says.
	return ids, noID, nil
}
