package runs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/defaults"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// Waiting for a run to finish (--wait): a script started at 02:05 for a
// task that runs at 02:00 wants the run's outcome, not its first rows.

// WaitOptions bound and report Wait. The zero value waits up to
// DefaultWaitTimeout, looking after 5 s, then half as long again each
// time, at most a minute apart.
type WaitOptions struct {
	Timeout time.Duration
	// First and Longest are the first gap between looks and the longest.
	First, Longest time.Duration
	// Now and Sleep are the clock (tests move their own).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress is told of each look at a run still going.
	Progress func(Progress)
	// PageSize is the listing's page (MaxRecordLimit if zero).
	PageSize int
}

// Progress is one look at a run still going.
type Progress struct {
	Record api.Record
	Waited time.Duration // since Wait began
	Next   time.Duration // until the next look
}

// DefaultWaitTimeout is --wait-timeout's default.
const DefaultWaitTimeout = defaults.WaitTimeout

// maxFailedLooks is how many looks in a row may fail (a network blip in a
// two-hour wait) before Wait gives up.
const maxFailedLooks = 5

// WaitTimeoutError says the run was still going when the wait ran out.
type WaitTimeoutError struct {
	Record api.Record
	After  time.Duration
}

func (e *WaitTimeoutError) Error() string {
	r := e.Record
	return fmt.Sprintf("the run %s is still %s after %s (--wait-timeout): %s, %s, %s so far; wait longer with --wait-timeout, or leave out --wait to take the run as it is",
		sanitize.Line(r.ID), sanitize.Line(r.Status), e.After, count(r.SuccessNum, "succeeded"), count(r.FailedNum, "failed"), count(r.SkipNum, "skipped"))
}

func count(n int, what string) string { return fmt.Sprintf("%d %s", n, what) }

// Wait returns the task's run recordID once it is not RUNNING or WAITING:
// at once when it is not, else after looking at it again with a back-off
// until it finishes or opts.Timeout passes (a *WaitTimeoutError). A look
// that fails is tried again at the next, up to maxFailedLooks in a row.
func Wait(ctx context.Context, src Source, taskID, recordID string, opts WaitOptions) (api.Record, error) {
	opts = opts.withDefaults()
	began := opts.Now()
	gap := opts.First
	failed := 0
	for {
		rec, err := FindRecord(ctx, src, taskID, recordID, opts.PageSize)
		switch {
		case err == nil && !filter.InProgress(rec.Status):
			return rec, nil
		case err == nil:
			failed = 0
		case errors.Is(err, ErrNotListed) || ctx.Err() != nil:
			return rec, err
		default:
			if failed++; failed >= maxFailedLooks {
				return rec, fmt.Errorf("waiting for the run: %d looks in a row failed, the last: %w", failed, err)
			}
		}
		waited := opts.Now().Sub(began)
		if waited >= opts.Timeout {
			return rec, &WaitTimeoutError{Record: rec, After: opts.Timeout}
		}
		next := min(gap, opts.Timeout-waited)
		if err == nil && opts.Progress != nil {
			opts.Progress(Progress{Record: rec, Waited: waited, Next: next})
		}
		if err := opts.Sleep(ctx, next); err != nil {
			return rec, err
		}
		gap = min(gap*3/2, opts.Longest)
	}
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultWaitTimeout
	}
	if o.First <= 0 {
		o.First = 5 * time.Second
	}
	if o.Longest <= 0 {
		o.Longest = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = api.Sleep
	}
	if o.PageSize <= 0 {
		o.PageSize = api.MaxRecordLimit
	}
	return o
}

// FindRecord is the task's run recordID as listed now. The listing is
// newest first, and the run waited for is a recent one: pages are read
// until it is found, at most MaxRunPages.
func FindRecord(ctx context.Context, src Source, taskID, recordID string, pageSize int) (api.Record, error) {
	for page := range MaxRunPages {
		p, err := src.ListRecords(ctx, taskID, page*pageSize, pageSize)
		if err != nil {
			return api.Record{}, err
		}
		for _, rec := range p.Items {
			if rec.ID == recordID {
				return rec, nil
			}
		}
		if len(p.Items) < pageSize || (page+1)*pageSize >= p.Total {
			break
		}
	}
	return api.Record{}, fmt.Errorf("run %s: %w", sanitize.Line(recordID), ErrNotListed)
}
