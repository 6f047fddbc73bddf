package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
)

// chunkReport is what --action prints for each request as soon as it is
// answered (or known not to be sent): one JSON object a line.
type chunkReport struct {
	Action     string                `json:"action"`
	Plan       string                `json:"plan"`
	Chunk      int                   `json:"chunk"`
	DesktopIDs []string              `json:"desktop_ids"`
	Sent       bool                  `json:"sent"`
	JobID      string                `json:"job_id,omitempty"`
	TaskID     string                `json:"task_id,omitempty"` // rerun: the task created
	Refused    []api.FailedOperation `json:"refused,omitempty"`
	// RefusedNotSent are refusals naming desktops the request did not:
	// the API's inconsistency, counted nowhere.
	RefusedNotSent []api.FailedOperation `json:"refused_not_sent,omitempty"`
	Applied        string                `json:"applied,omitempty"` // after an error: "no" or "maybe"
	Error          string                `json:"error,omitempty"`
	NotSentBecause string                `json:"not_sent_because,omitempty"`
}

// Act is --action: the run's desktops that match --status, --filter and
// --change, frozen into a plan. --dry-run prints the plan; otherwise
// --confirm must be its number of desktops or its digest before anything
// is sent. Then the requests go out in chunks of 100, each in the audit
// log and printed as soon as it is answered. SIGINT, SIGTERM or SIGHUP
// stops before the next request (a second one aborts the request in
// flight). It exits 0 when every desktop was accepted and everything was
// logged, 1 otherwise, 128 + the signal's number when stopped by one.
func (e Env) Act(c config.Config) error {
	action, ok := api.PowerActionNamed(c.Action) // checked in config
	if !ok {
		action = actions.Rerun
	}
	sess, err := e.connect(c)
	if err != nil {
		return err
	}
	defer sess.Stop()
	if c, err = e.findRun(c, sess); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.context(), 10*time.Minute)
	defer cancel()
	rows, err := matchingDesktops(ctx, c, sess.Client, e.Retry)
	if err != nil {
		return err
	}
	plan := actions.NewPlan(action, rows)
	if plan.Unusable > 0 {
		fmt.Fprintf(e.Stderr, "wksrec: note: %s no usable desktop id and cannot be acted on\n", numfmt.Plural(plan.Unusable, "matching row has", "matching rows have"))
	}
	var sender actions.Sender = sess.Client
	if action == actions.Rerun {
		plan.ChunkSize = actions.RerunChunk
		rs, err := rerunSender(ctx, c, sess.Client, plan)
		if err != nil {
			return err
		}
		sender = rs
		if c.DryRun {
			defer printRerunTasks(e.Stdout, rs, plan)
		}
	}
	if c.DryRun {
		return printPlan(e.Stdout, plan)
	}
	if !plan.Confirms(c.Confirm) {
		if actions.IsDigest(c.Confirm) {
			return config.Errorf("--confirm %s does not match the plan: what would be sent now is plan %s (%s); run --dry-run again and review it; nothing was sent",
				c.Confirm, plan.Digest(), numfmt.Plural(len(plan.Targets), "desktop", "desktops"))
		}
		return config.Errorf("--confirm %s does not match: %s match; nothing was sent", c.Confirm, numfmt.Plural(len(plan.Targets), "desktop", "desktops"))
	}
	if len(plan.Targets) == 0 {
		return nil // nothing matches, and the user said so
	}
	path, err := actions.AuditPath(e.Getenv)
	if err != nil {
		return fmt.Errorf("%w; nothing was sent", err)
	}
	log, err := actions.OpenAuditLog(path, sess.ProjectID, time.Now, e.Getenv)
	if err != nil {
		return fmt.Errorf("%w; nothing was sent", err)
	}
	defer log.Close()
	log.Via(e.Remote.actor())
	for _, n := range log.Notes {
		fmt.Fprintln(e.Stderr, "wksrec: note: "+n)
	}
	stops, unlist := e.stopSignals()
	defer unlist()
	return sendPlan(context.Background(), sender, plan, log, stops, e.Stdout, e.Stderr)
}

// rerunSender is --action rerun's: the task read (its type, parameters
// and time zone are copied), and the run named by its start.
func rerunSender(ctx context.Context, c config.Config, client *api.Client, plan actions.Plan) (*actions.RerunSender, error) {
	task, err := client.GetTask(ctx, c.TaskID)
	if err != nil {
		return nil, fmt.Errorf("reading the task to run it again: %w; nothing was sent", err)
	}
	rec, err := runs.FindRecord(ctx, client, c.TaskID, c.RecordID, api.MaxRecordLimit)
	if err != nil {
		return nil, fmt.Errorf("finding the run to run it again: %w; nothing was sent", err)
	}
	rs, err := actions.NewRerunSender(client, task, runName(rec), plan)
	if err != nil {
		return nil, config.Errorf("%v; nothing was sent", err)
	}
	return rs, nil
}

// runName is a run as a re-run's name says it: its start to the minute.
func runName(rec api.Record) string {
	start := rec.StartTime
	if len(start) >= 16 {
		start = start[:16]
	}
	return start
}

// printRerunTasks is --dry-run's word on what --action rerun creates.
func printRerunTasks(w io.Writer, rs *actions.RerunSender, plan actions.Plan) {
	for _, name := range rs.Names(plan) {
		fmt.Fprintf(w, "would create the one-off task %q, a minute after it is sent (time zone %s)\n", sanitize.Line(name), sanitize.Line(cmp.Or(rs.Task.TimeZone, "UTC")))
	}
}

// sendPlan sends the plan, printing each request's line as it ends. The
// first of stops (stopSignals) stops it before the next request; a second
// aborts the request in flight.
func sendPlan(ctx context.Context, s actions.Sender, plan actions.Plan, log *actions.AuditLog, stops <-chan os.Signal, stdout, stderr io.Writer) error {
	ctx, abort := context.WithCancel(ctx)
	defer abort()
	// A reader of stdout gone (a pipe's, killed by the same ctrl+c) must
	// not kill wksrec mid-batch by SIGPIPE before the requests not sent are
	// logged: with SIGPIPE caught, the write fails instead, and the batch
	// stops before its next request, since nobody hears of it any more.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	var mu sync.Mutex
	var printErr error
	var b *actions.Batch
	started := make(chan struct{})
	b = actions.Start(ctx, s, plan, log, actions.Options{Throttle: actions.DefaultThrottle, OnChunk: func(ch actions.Chunk) {
		mu.Lock()
		defer mu.Unlock()
		if printErr != nil {
			return
		}
		if printErr = printChunk(stdout, plan.Action, plan.Digest(), ch); printErr != nil {
			<-started
			b.Stop("standard output failed (" + printErr.Error() + ")")
		}
	}})
	close(started)
	// SIGHUP is a dropped SSH session: stop as for the others, so that
	// the requests not sent are printed (where anyone still reads) and
	// logged.
	var stoppedBy syscall.Signal
wait:
	for {
		select {
		case <-b.Done():
			break wait
		case s := <-stops:
			if stoppedBy == 0 {
				stoppedBy = s.(syscall.Signal)
				b.Stop("stopped by " + signalName(stoppedBy))
				fmt.Fprintf(stderr, "wksrec: %s: stopping after the request in flight, sending nothing more (%s again aborts it; it may then have been applied)\n",
					signalName(stoppedBy), signalName(stoppedBy))
				continue
			}
			abort()
		}
	}
	mu.Lock()
	err := printErr
	mu.Unlock()
	chunks := b.Chunks()
	tally := actions.Count(chunks)
	line := tally.Summary(plan.Action) + " (the audit log is " + log.Path() + ")"
	if stoppedBy != 0 {
		return SignalError{stoppedBy, fmt.Errorf("stopped by %s: %s", signalName(stoppedBy), line)}
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w; stopped before the next request: %s", err, line)
	}
	if halt := b.Halt(); halt != "" {
		// Even when every desktop was accepted: a record the audit log
		// lacks is a failure to say.
		return fmt.Errorf("%s: %s", halt, line)
	}
	if tally.Accepted < tally.Desktops {
		return errors.New(line)
	}
	return nil
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// printChunk writes one request's line, escaped as -o json is.
func printChunk(w io.Writer, a api.PowerAction, digest string, ch actions.Chunk) error {
	r := chunkReport{Action: a.Name, Plan: digest, Chunk: ch.Index + 1, DesktopIDs: ch.DesktopIDs, Sent: ch.Sent(), JobID: ch.JobID, TaskID: ch.TaskID,
		Refused: ch.Refused, RefusedNotSent: ch.Strays}
	if ch.Outcome == actions.NotSent {
		r.NotSentBecause = ch.Why
	}
	if ch.Err != nil {
		r.Error, r.Applied = ch.Err.Error(), "no"
		switch hint := api.ActionHint(ch.Err); {
		case hint != "":
			r.Error += " (" + hint + ")"
		case api.MayHaveBeenApplied(ch.Err):
			r.Applied = "maybe"
			r.Error += " (it may have been applied: check the desktops or the jobs before sending it again)"
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(export.EscapeJSON(b), '\n'))
	return err
}

// printPlan is --dry-run: each desktop (id, status, name), then the count
// by status and the digest that --confirm takes to send exactly this.
func printPlan(w io.Writer, p actions.Plan) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "DESKTOP ID\tSTATUS\tNAME")
	for _, t := range p.Targets {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", sanitize.Line(t.ID), sanitize.Line(t.Status), sanitize.Line(t.Name))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verb := p.Action.Label
	if p.Action.Name == actions.Rerun.Name {
		verb += " on" // run the task again on 8 desktops
	}
	fmt.Fprintf(w, "\n%s %s\n", verb, sanitize.Line(p.Summary()))
	if n := p.Succeeded(); n > 0 {
		fmt.Fprintf(w, "warning: %s of them succeeded in this run\n", numfmt.Commas(n))
	}
	if len(p.Targets) > 0 {
		fmt.Fprintf(w, "plan %s: send exactly this with --confirm %s\n", p.Digest(), p.Digest())
	}
	return nil
}

// matchingDesktops are the run's details that match --status, --filter
// and --change (the rows of the run -o would print), as a plan's targets.
func matchingDesktops(ctx context.Context, c config.Config, client *api.Client, retry api.RetryPolicy) ([]actions.Target, error) {
	expr, _ := filter.Parse(c.Filter) // checked in config
	statuses := filter.ParseStatuses(c.Statuses)
	// An action's plan is of what the API says now: no run from the store.
	cmp, err := loadComparison(ctx, c, session.Session{Client: client}, retry)
	if err != nil {
		return nil, err
	}
	var rows []actions.Target
	var details []api.Detail // the run whole: a desktop listed twice gets one label
	err = eachDetail(ctx, c, client, retry, c.RecordID, func(d *api.Detail) { details = append(details, *d) })
	if err == nil && cmp.wholeRun() {
		cmp.noteRun(details)
	}
	if err == nil {
		seen := map[string]int{}
		for i := range details {
			seen[strings.ToUpper(details[i].ExecStatus)]++
		}
		if typos := statuses.Unknown(seen); len(typos) > 0 {
			return nil, config.Errorf("--status %s: no such status; the API's are %s, and this run's rows had %s; nothing was sent",
				sanitize.Line(strings.Join(typos, ",")), strings.Join(filter.KnownStatuses, ", "), sanitize.Line(hadStatuses(seen)))
		}
	}
	for i := range details {
		d := &details[i]
		row, keep := cmp.row(*d)
		if keep && statuses.Match(d.ExecStatus) && expr.MatchChange(d, changeLabel(row.Change)) {
			rows = append(rows, actions.Target{ID: d.DesktopID, Name: d.DesktopName, Status: d.ExecStatus})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("fetching the details: %w; nothing was sent", err)
	}
	// The desktops only the baseline has are not this run's: they are
	// never acted on, whatever --change says.
	return rows, nil
}
