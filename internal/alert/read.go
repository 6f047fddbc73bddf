package alert

import (
	"context"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/runs"
)

// ReadOptions are how Read pages through the run.
type ReadOptions struct {
	PageSize, Concurrency int
	Retry                 api.RetryPolicy
}

// Read takes a snapshot of a run now: its record as listed, then every
// row, unless prev (the last snapshot of the same run, or nil) already
// holds them: while the record's status and counts stay the same, its
// failures are the same, and a look costs one request, not one a page.
// A run in progress is never stored, so this is always the API.
func Read(ctx context.Context, src runs.Source, taskID, taskName, recordID string, at time.Time, prev *Snapshot, o ReadOptions) (Snapshot, error) {
	rec, err := runs.FindRecord(ctx, src, taskID, recordID, api.MaxRecordLimit)
	if err != nil {
		return Snapshot{}, err
	}
	if prev != nil && prev.Record == rec {
		s := *prev
		s.At = at
		return s, nil
	}
	rows, err := api.FetchAll(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return src.ListRecordDetails(ctx, taskID, recordID, offset, limit)
	}, func(d api.Detail) string { return d.ID }, api.FetchAllOptions{Limit: o.PageSize, Concurrency: o.Concurrency, Retry: o.Retry})
	if err != nil {
		return Snapshot{}, err
	}
	return NewSnapshot(taskID, taskName, rec, rows, at), nil
}
