package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
)

// comparison is what -o adds to a run's details when --compare-to or
// --history is given: the baseline run's outcomes by desktop and the
// desktops' history over the runs before, both loaded before the run's own
// rows stream, so each row is printed as it arrives.
type comparison struct {
	base    *compare.Baseline // nil without --compare-to
	changes map[compare.Change]bool
	hist    *compare.History // nil without --history
	present map[string]bool  // the run's desktops, to list those gone
	// failed are the run's desktops with a failed row: a desktop listed
	// twice gets one label, as failed if either row failed (noteRun).
	failed map[string]bool
}

// wholeRun reports a comparison that must see the run's rows before it
// labels one: a desktop listed twice (FAIL, then SUCCESS) must get one
// label, not STILL_FAILING and RECOVERED.
func (cmp *comparison) wholeRun() bool { return cmp != nil && cmp.base != nil }

// noteRun takes in the run's rows, before they are labelled.
func (cmp *comparison) noteRun(rows []api.Detail) {
	cmp.failed = map[string]bool{}
	for _, d := range rows {
		if filter.IsFailed(d.ExecStatus) {
			cmp.failed[d.DesktopID] = true
		}
	}
}

// loadComparison reads what c asks to compare the run with; nil when it
// asks for nothing. The runs are read through internal/runs, as the
// browser's c and H read them.
func loadComparison(ctx context.Context, c config.Config, sess session.Session, retry api.RetryPolicy) (*comparison, error) {
	if c.CompareTo == "" && !c.HistoryOut {
		return nil, nil
	}
	cmp := &comparison{present: map[string]bool{}}
	cmp.changes, _ = compare.ParseChanges(c.Changes) // checked in config
	reader := runs.New(sess.Client, runs.Options{PageSize: c.PageSize, Concurrency: c.Concurrency, Retry: retry, Store: sess.Store})
	notListed := func(err error) error {
		if errors.Is(err, runs.ErrNotListed) {
			return fmt.Errorf("run %s is not among the runs of task %s", sanitize.Line(c.RecordID), sanitize.Line(c.TaskID))
		}
		return err
	}
	if c.CompareTo != "" {
		baseRun := api.Record{ID: c.CompareTo}
		if c.CompareTo == "previous" {
			before, err := reader.Before(ctx, c.TaskID, c.RecordID, 1)
			switch {
			case err != nil:
				return nil, notListed(err)
			case len(before) == 0:
				return nil, fmt.Errorf("run %s is the task's oldest run: there is no run before it to compare to", sanitize.Line(c.RecordID))
			}
			baseRun = before[0]
		}
		keepRows := len(cmp.changes) == 0 || cmp.changes[compare.OnlyInBaseline]
		base, err := reader.Read(ctx, c.TaskID, baseRun, keepRows, nil)
		if err != nil {
			return nil, fmt.Errorf("fetching the baseline run %s: %w", sanitize.Line(baseRun.ID), err)
		}
		if m := base.Missing(); m > 0 {
			return nil, fmt.Errorf("the baseline run %s is incomplete: %s of its rows did not come from the API; comparing would guess which desktops are new or gone; try again", sanitize.Line(baseRun.ID), numfmt.Commas(m))
		}
		cmp.base = base
	}
	if c.HistoryOut {
		hist, _, short, err := reader.History(ctx, c.TaskID, c.RecordID, c.History, nil)
		if err != nil {
			return nil, fmt.Errorf("the history: %w", notListed(err))
		}
		if len(short) > 0 {
			return nil, fmt.Errorf("the history: run %s is incomplete: %s of its rows did not come from the API; try again", sanitize.Line(short[0].Run.ID), numfmt.Commas(short[0].Missing))
		}
		cmp.hist = hist
	}
	return cmp, nil
}

// eachDetail streams every detail of run to f.
func eachDetail(ctx context.Context, c config.Config, client *api.Client, retry api.RetryPolicy, run string, f func(*api.Detail)) error {
	_, err := api.Stream(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return client.ListRecordDetails(ctx, c.TaskID, run, offset, limit)
	}, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: c.PageSize, Concurrency: c.Concurrency, Retry: retry},
		func(d api.Detail) error { f(&d); return nil })
	return err
}

// extra is the fields the output gains.
func (cmp *comparison) extra() export.Extra {
	if cmp == nil {
		return export.Extra{}
	}
	return export.Extra{Change: cmp.base != nil, History: cmp.hist != nil}
}

// row is d with its change and history; keep is false when --change
// leaves it out.
func (cmp *comparison) row(d api.Detail) (row export.Row, keep bool) {
	row = export.Row{Detail: d}
	if cmp == nil {
		return row, true
	}
	cmp.present[d.DesktopID] = true
	if cmp.base != nil {
		status := d.ExecStatus
		if cmp.failed[d.DesktopID] && d.DesktopID != "" {
			status = "FAIL" // the desktop failed in another of its rows
		}
		change := cmp.base.Classify(d.DesktopID, status)
		row.Change = change.Wire()
		if len(cmp.changes) > 0 && !cmp.changes[change] {
			return row, false
		}
	}
	if cmp.hist != nil {
		row.History = cmp.hist.Statuses(d.DesktopID)
		row.History[0] = d.ExecStatus // this run: the row itself
	}
	return row, true
}

// changeLabel is the label of a change's wire name ("" for none), what
// --filter 'change:…' looks at.
func changeLabel(wireName string) string {
	for c := range compare.NumChanges {
		if c.Wire() == wireName {
			return c.String()
		}
	}
	return ""
}

// gone returns the baseline's desktops the run lacks, with their
// baseline fields, when --change lets them through.
func (cmp *comparison) gone() []export.Row {
	if cmp == nil || cmp.base == nil || (len(cmp.changes) > 0 && !cmp.changes[compare.OnlyInBaseline]) {
		return nil
	}
	details, _ := cmp.base.Gone(func(id string) bool { return cmp.present[id] })
	rows := make([]export.Row, len(details))
	for i, d := range details {
		rows[i] = export.Row{Detail: d, Change: compare.OnlyInBaseline.Wire()}
		if cmp.hist != nil {
			rows[i].History = cmp.hist.Statuses(d.DesktopID) // "" for this run: absent
		}
	}
	return rows
}
