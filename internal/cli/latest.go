package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// Record ids that name a run by when it ran, for scripts that cannot know
// tonight's id: the task's newest run, or its newest finished one.
const (
	latestRun         = "latest"
	latestFinishedRun = "latest-finished"
)

// resolveRun replaces --record-id latest or latest-finished with the
// task's run it names (by start time, as compare orders runs).
func resolveRun(c config.Config, client *api.Client, retry api.RetryPolicy) (config.Config, error) {
	if c.RecordID != latestRun && c.RecordID != latestFinishedRun {
		return c, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := runs.New(client, runs.Options{PageSize: c.PageSize, Concurrency: c.Concurrency, Retry: retry}).List(ctx, c.TaskID)
	if err != nil {
		return c, fmt.Errorf("finding the run %s: %w", c.RecordID, err)
	}
	finished := c.RecordID == latestFinishedRun
	run, ok := compare.Newest(list, finished)
	if !ok {
		what := "no run"
		if finished {
			what = "no finished run"
		}
		return c, fmt.Errorf("task %s has %s yet (--record-id %s)", sanitize.Line(c.TaskID), what, c.RecordID)
	}
	c.RecordID = run.ID
	return c, nil
}
