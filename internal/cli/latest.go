package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// resolveRun replaces --record-id latest or latest-finished with the
// task's run it names (by start time, as compare orders runs).
func (e Env) resolveRun(c config.Config, client *api.Client) (config.Config, error) {
	name, ok := compare.RunName(c.RecordID)
	if !ok {
		return c, nil
	}
	ctx, cancel := context.WithTimeout(e.context(), time.Minute)
	defer cancel()
	list, err := runs.New(client, runs.Options{PageSize: c.PageSize, Concurrency: c.Concurrency, Retry: e.Retry}).List(ctx, c.TaskID)
	if err != nil {
		return c, fmt.Errorf("finding the run %s: %w", c.RecordID, err)
	}
	run, ok := compare.Named(list, name)
	if !ok {
		what := "no run"
		if name == compare.LatestFinishedRun {
			what = "no finished run"
		}
		return c, fmt.Errorf("task %s has %s yet (--record-id %s)", sanitize.Line(c.TaskID), what, c.RecordID)
	}
	c.RecordID = run.ID
	return c, nil
}

// resolveTask sets --task NAME's task id: the task whose name is NAME,
// else the one task whose name starts with it (any case), among the
// scheduled and the trigger tasks. None or several is a config error
// (exit 2) naming the candidates.
func (e Env) resolveTask(c config.Config, client *api.Client) (config.Config, error) {
	if c.TaskName == "" {
		return c, nil
	}
	ctx, cancel := context.WithTimeout(e.context(), time.Minute)
	defer cancel()
	var tasks []api.Task
	for _, kind := range []string{"", api.ScheduledTypeLifeCycle} {
		some, err := api.FetchAll(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Task], error) {
			return client.ListTasks(ctx, kind, offset, limit)
		}, func(t api.Task) string { return t.ID }, api.FetchAllOptions{Limit: api.MaxTaskLimit, Concurrency: c.Concurrency, Retry: e.Retry})
		if err != nil {
			return c, fmt.Errorf("finding the task %q: %w", sanitize.Line(c.TaskName), err)
		}
		tasks = append(tasks, some...)
	}
	task, err := findTask(tasks, c.TaskName)
	if err != nil {
		return c, err
	}
	c.TaskID, c.TaskName = task.ID, task.TaskName // the whole name, for the screen and alerts
	return c, nil
}

// findTask is the task named name: exactly, else the one whose name
// starts with it in any case.
func findTask(tasks []api.Task, name string) (api.Task, error) {
	var prefixed []api.Task
	for _, t := range tasks {
		if t.TaskName == name {
			return t, nil
		}
		if strings.HasPrefix(strings.ToLower(t.TaskName), strings.ToLower(name)) {
			prefixed = append(prefixed, t)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0], nil
	}
	var names []string
	for _, t := range prefixed {
		names = append(names, fmt.Sprintf("%q", sanitize.Line(t.TaskName)))
	}
	if len(prefixed) == 0 {
		for _, t := range tasks {
			names = append(names, fmt.Sprintf("%q", sanitize.Line(t.TaskName)))
		}
		return api.Task{}, config.Errorf("--task %q: no task of that name; the tasks are %s", sanitize.Line(name), strings.Join(names, ", "))
	}
	return api.Task{}, config.Errorf("--task %q names %d tasks: %s; give more of the name, or --task-id", sanitize.Line(name), len(prefixed), strings.Join(names, ", "))
}
