package ui

import (
	"context"
	"errors"
	"fmt"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
)

// runReader reads a task's runs and their details in the background (a
// baseline, a history), every page, within the loaders' share of the
// request budget. It is made on the UI's goroutine and used on the
// command's.
type runReader struct {
	src                  Source
	taskID               string
	pageSize, concurrent int
	retry                api.RetryPolicy
	budget, background   requestBudget
}

func (b views) runReader(taskID string) runReader {
	return runReader{src: b.src, taskID: taskID, pageSize: min(b.pageSize, api.MaxDetailLimit), concurrent: b.concurrency,
		retry: b.retry(), budget: b.budget, background: b.background}
}

// runsBefore are up to n runs that started before runID, the nearest first.
func (r runReader) runsBefore(ctx context.Context, runID string, n int) ([]api.Record, error) {
	runs, err := api.FetchAll(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Record], error) {
		release, err := acquireBackground(ctx, r.background, r.budget)
		if err != nil {
			return api.Page[api.Record]{}, err
		}
		defer release()
		return r.src.ListRecords(ctx, r.taskID, offset, limit)
	}, recordID, api.FetchAllOptions{Limit: api.MaxRecordLimit, Concurrency: r.concurrent, Retry: r.retry, MaxPages: maxRunPages})
	if err != nil {
		return nil, fmt.Errorf("listing the task's runs: %w", err)
	}
	before, found := compare.Before(runs, runID, n)
	if !found {
		return nil, errors.New("this run is not among the task's runs any more")
	}
	return before, nil
}

// details hands each detail of run to each, and each page's total_count
// to total.
func (r runReader) details(ctx context.Context, runID string, total func(int), each func(*api.Detail)) error {
	_, err := api.Stream(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		release, err := acquireBackground(ctx, r.background, r.budget)
		if err != nil {
			return api.Page[api.Detail]{}, err
		}
		defer release()
		p, err := r.src.ListRecordDetails(ctx, r.taskID, runID, offset, limit)
		if err == nil && total != nil {
			total(p.Total)
		}
		return p, err
	}, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: r.pageSize, Concurrency: r.concurrent, Retry: r.retry},
		func(d api.Detail) error { each(&d); return nil })
	return err
}
