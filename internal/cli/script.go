package cli

import (
	"context"
	"fmt"
	"sync"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
)

// scriptOutputs is -o --script-output: what the script printed on each
// failed desktop of the run, by desktop id. The run's record names its
// script-execution task; one listing of that task's records, then one
// request a failed desktop, --concurrency at a time, all within the
// client's rate budget. A desktop whose output could not be read is
// counted in the error, its field left empty.
func scriptOutputs(ctx context.Context, c config.Config, sess session.Session, rows []api.Detail) (map[string]string, error) {
	rec, err := runs.FindRecord(ctx, sess.Client, c.TaskID, c.RecordID, api.MaxRecordLimit)
	if err != nil {
		return nil, fmt.Errorf("finding the run for --script-output: %w", err)
	}
	if rec.ExecuteTaskID == "" {
		return nil, config.Errorf("--script-output: run %s is not a script task's run (its record names no execute_task_id): there is no script output to add", sanitize.Line(rec.ID))
	}
	records, err := runs.ScriptRecords(ctx, sess.Client, rec.ExecuteTaskID)
	if err != nil {
		return nil, err
	}
	var failed []string
	seen := map[string]bool{}
	for _, d := range rows {
		if filter.IsFailed(d.ExecStatus) && d.DesktopID != "" && !seen[d.DesktopID] {
			seen[d.DesktopID] = true
			failed = append(failed, d.DesktopID)
		}
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		out      = map[string]string{}
		missing  int
		firstErr error
	)
	slots := make(chan struct{}, max(c.Concurrency, 1))
	for _, id := range failed {
		sr, ok := records[id]
		if !ok {
			continue // the script never ran there: nothing printed
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			full, err := sess.Client.GetScriptRecord(ctx, sr.ID)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				missing++
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			out[id] = full.Output
		})
	}
	wg.Wait()
	if firstErr != nil {
		return out, fmt.Errorf("the script output of %s could not be read (their script_output is empty): %w",
			numfmt.Plural(missing, "failed desktop", "failed desktops"), firstErr)
	}
	return out, nil
}
