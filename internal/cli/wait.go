package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
)

// findRun turns what the command line says of the run into ids: --task
// NAME, the demo's showcase run, --record-id latest or latest-finished;
// then with --wait waits for the run to finish. -o and --action both
// start here.
func (e Env) findRun(c config.Config, sess session.Session) (config.Config, error) {
	c, err := e.resolveTask(c, sess.Client)
	if err != nil {
		return c, err
	}
	if c.Demo && c.TaskID == "" {
		c = session.DemoRecord(c)
	}
	if c, err = e.resolveRun(c, sess.Client); err != nil || !c.Wait || c.RecordID == "" {
		return c, err
	}
	return c, e.wait(c, sess)
}

// wait is --wait: until the run is not RUNNING or WAITING, a line on
// stderr at each look.
func (e Env) wait(c config.Config, sess session.Session) error {
	ctx, cancel := context.WithTimeout(e.context(), c.WaitTimeout+time.Minute)
	defer cancel()
	_, err := runs.Wait(ctx, sess.Client, c.TaskID, c.RecordID, runs.WaitOptions{
		Timeout: c.WaitTimeout, Now: e.Now, Sleep: e.Sleep,
		Progress: func(p runs.Progress) {
			r := p.Record
			fmt.Fprintf(e.Stderr, "wksrec: waiting for run %s: %s, %d succeeded · %d failed · %d skipped so far; waited %s, next look in %s\n",
				sanitize.Line(r.ID), sanitize.Line(r.Status), r.SuccessNum, r.FailedNum, r.SkipNum,
				p.Waited.Round(time.Second), p.Next.Round(time.Second))
		},
	})
	if err != nil {
		return fmt.Errorf("--wait: %w", err)
	}
	return nil
}
