package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/internal/triage"
)

// PrintDetails is the script mode (-o): page through every detail of the
// record, keep those matching --status and --filter, and print them as
// they arrive. Memory stays one window of pages plus the ids seen, whatever
// the run's size. Nothing is printed before the first row, so an error on
// the first page leaves stdout empty; an error later leaves the output
// incomplete (a JSON array without its closing bracket) and says so.
func (e Env) PrintDetails(c config.Config) (printed int, err error) {
	stdout := e.Stdout
	expr, _ := filter.Parse(c.Filter) // checked in parseConfig
	statuses := filter.ParseStatuses(c.Statuses)
	sess, err := e.connect(c)
	if err != nil {
		return 0, err
	}
	defer sess.Stop()
	if c, err = e.findRun(c, sess); err != nil {
		return 0, err
	}
	if c.RecordID == "" {
		return e.printList(c, sess, stdout)
	}
	ctx, cancel := context.WithTimeout(e.context(), 10*time.Minute)
	defer cancel()
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return sess.Client.ListRecordDetails(ctx, c.TaskID, c.RecordID, offset, limit)
	}
	cmp, err := loadComparison(ctx, c, sess, e.Retry)
	if err != nil {
		return 0, err
	}
	buf := bufio.NewWriter(stdout)
	extra := cmp.extra()
	extra.ScriptOutput = c.ScriptOutput
	out, err := export.NewWriterWith(buf, c.Output, extra)
	if err != nil {
		return 0, err
	}
	written := 0
	seen := map[string]int{}      // rows by status, to say what --status missed
	var scripts map[string]string // --script-output: by failed desktop
	printRow := func(d api.Detail) error {
		seen[strings.ToUpper(d.ExecStatus)]++
		row, keep := cmp.row(d)
		if filter.IsFailed(d.ExecStatus) {
			row.ScriptOutput = scripts[d.DesktopID]
		}
		if !keep || !statuses.Match(d.ExecStatus) || !expr.MatchChange(&d, changeLabel(row.Change)) {
			return nil
		}
		written++
		return out.WriteRow(row)
	}
	// Compared with a baseline, the run is read whole before a row is
	// labelled (a desktop listed twice gets one label): memory is then the
	// run's rows. Otherwise each row is printed as it arrives.
	// With --script-output too: the failed desktops' outputs are read
	// (concurrently) before the first row is printed.
	var whole []api.Detail
	emit := printRow
	readWhole := cmp.wholeRun() || c.ScriptOutput
	if readWhole {
		emit = func(d api.Detail) error { whole = append(whole, d); return nil }
	}
	stats, err := runDetails(ctx, c, sess, e, fetch, emit)
	var scriptErr error
	if err == nil && c.ScriptOutput {
		scripts, scriptErr = scriptOutputs(ctx, c, sess, whole)
		if scripts == nil && scriptErr != nil {
			return 0, scriptErr // nothing printed: not a script's run, or its records could not be listed
		}
	}
	if err == nil && readWhole {
		if cmp.wholeRun() {
			cmp.noteRun(whole)
		}
		for _, d := range whole {
			if err = printRow(d); err != nil {
				break
			}
		}
	}
	debugListing(sess.Debug, stats, written)
	if err != nil {
		flushErr := buf.Flush()
		if written > 0 && flushErr == nil {
			return written, fmt.Errorf("fetching the details: %w (the output above is incomplete: %d rows)", err, written)
		}
		return written, fmt.Errorf("fetching the details: %w", err)
	}
	gone, err := writeGone(out, cmp, statuses, expr)
	if written += gone; err != nil {
		return written, err
	}
	if typos := statuses.Unknown(seen); len(typos) > 0 && written == 0 {
		return 0, checkStatusesSeen(statuses, seen, e.Stderr, "this run's rows") // before the header: a file named by > is left empty
	}
	if err := out.Close(); err != nil {
		return written, err
	}
	if err := buf.Flush(); err != nil {
		return written, err
	}
	if err := checkStatusesSeen(statuses, seen, e.Stderr, "this run's rows"); err != nil {
		return written, err
	}
	return written, scriptErr // some outputs could not be read: exit 1, the rows printed
}

// runDetails hands every detail of the run to emit: from the store when
// it holds the run (no detail request), else from the API, storing the
// run as it streams when its record says it is finished (kept only if
// the rows agree with the record's counts).
func runDetails(ctx context.Context, c config.Config, sess session.Session, e Env,
	fetch func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error), emit func(api.Detail) error) (api.FetchStats, error) {
	stored, err := sess.Store.Read(c.TaskID, c.RecordID)
	if err != nil && !errors.Is(err, store.ErrNotStored) {
		fmt.Fprintln(e.Stderr, "wksrec: note: "+sanitize.Line(err.Error()))
	}
	if err == nil {
		for _, d := range stored.Details {
			if err := emit(d); err != nil {
				return api.FetchStats{}, err
			}
		}
		n := len(stored.Details)
		return api.FetchStats{Rows: n, Emitted: n}, nil
	}
	var keep *store.Writer
	if sess.Store != nil {
		reader := runs.New(sess.Client, runs.Options{PageSize: c.PageSize, Concurrency: c.Concurrency, Retry: e.Retry})
		if rec, err := reader.Find(ctx, c.TaskID, c.RecordID); err == nil {
			keep = sess.Store.Writer(c.TaskID, rec) // nil unless finished
		}
	}
	stats, err := api.Stream(ctx, fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: c.PageSize, Concurrency: c.Concurrency, Retry: e.Retry},
		func(d api.Detail) error { keep.Add(&d); return emit(d) })
	if err != nil {
		keep.Abort()
		return stats, err
	}
	if err := keep.Commit(); err != nil && !errors.Is(err, store.ErrNotFinished) {
		fmt.Fprintln(e.Stderr, "wksrec: note: "+sanitize.Line(err.Error()))
	}
	return stats, nil
}

// hadStatuses names the statuses the rows had, with their counts.
func hadStatuses(seen map[string]int) string {
	var had []string
	for status, n := range seen {
		had = append(had, fmt.Sprintf("%s (%d)", status, n))
	}
	sort.Strings(had)
	if len(had) == 0 {
		return "none"
	}
	return strings.Join(had, ", ")
}

// unmatchedStatuses names the --status values no row had, and the
// statuses the rows did have ("" when every value matched some row).
func unmatchedStatuses(statuses filter.Statuses, seen map[string]int) string {
	var missed []string
	for want := range statuses {
		hit := false
		for status := range seen {
			hit = hit || filter.Statuses{want: true}.Match(status)
		}
		if !hit {
			missed = append(missed, want)
		}
	}
	if len(missed) == 0 {
		return ""
	}
	sort.Strings(missed)
	var had []string
	for status, n := range seen {
		had = append(had, fmt.Sprintf("%s (%d)", status, n))
	}
	sort.Strings(had)
	if len(had) == 0 {
		had = []string{"none: the run has no rows"}
	}
	return fmt.Sprintf("--status %s matched no row; the run's statuses: %s", strings.Join(missed, ","), strings.Join(had, ", "))
}

// printList is -o without --record-id: the project's tasks (scheduled,
// then trigger tasks), or with --task-id the task's runs, every page,
// kept by --status (a task's last status, a run's status) and --filter
// (the fields the browser's / looks at on those lists).
func (e Env) printList(c config.Config, sess session.Session, stdout io.Writer) (int, error) {
	expr, _ := filter.Parse(c.Filter) // checked in config
	statuses := filter.ParseStatuses(c.Statuses)
	ctx, cancel := context.WithTimeout(e.context(), 10*time.Minute)
	defer cancel()
	buf := bufio.NewWriter(stdout)
	opts := api.FetchAllOptions{Concurrency: c.Concurrency, Retry: e.Retry}
	written := 0
	seen := map[string]int{} // the statuses the list had, to judge --status
	var out *export.Writer
	var err error
	if c.TaskID == "" {
		if out, err = export.NewListWriter(buf, c.Output, export.TaskColumns); err != nil {
			return 0, err
		}
		opts.Limit = min(c.PageSize, api.MaxTaskLimit)
		for _, kind := range []string{"", api.ScheduledTypeLifeCycle} {
			_, err = api.Stream(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Task], error) {
				return sess.Client.ListTasks(ctx, kind, offset, limit)
			}, func(t api.Task) string { return t.ID }, opts, func(t api.Task) error {
				seen[strings.ToUpper(t.LastStatus)]++
				if !statuses.Match(t.LastStatus) || !expr.MatchFields(triage.TaskFields(t)) {
					return nil
				}
				written++
				return out.WriteItem(t, export.TaskCells(t))
			})
			if err != nil {
				return written, listError("the tasks", err, written, buf)
			}
		}
	} else {
		if out, err = export.NewListWriter(buf, c.Output, export.RecordColumns); err != nil {
			return 0, err
		}
		opts.Limit = min(c.PageSize, api.MaxRecordLimit)
		tf := &triage.TimeFormat{Local: c.LocalTime}
		_, err = api.Stream(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Record], error) {
			return sess.Client.ListRecords(ctx, c.TaskID, offset, limit)
		}, func(r api.Record) string { return r.ID }, opts, func(r api.Record) error {
			// name: is the start time as the browser shows it: one filter,
			// one answer in both.
			seen[strings.ToUpper(r.Status)]++
			if !statuses.Match(r.Status) || !expr.MatchFields(triage.RecordFields(r, tf)) {
				return nil
			}
			written++
			return out.WriteItem(r, export.RecordCells(r))
		})
		if err != nil {
			return written, listError("the task's runs", err, written, buf)
		}
	}
	what := "the tasks"
	if c.TaskID != "" {
		what = "the task's runs"
	}
	if written == 0 { // a typo is said before anything is printed, even a header
		if err := checkStatusesSeen(statuses, seen, io.Discard, what); err != nil {
			return 0, err
		}
	}
	if err := out.Close(); err != nil {
		return written, err
	}
	if err := buf.Flush(); err != nil {
		return written, err
	}
	return written, checkStatusesSeen(statuses, seen, io.Discard, what)
}

// listError says what failed, and that the output is incomplete when rows
// were printed before it.
func listError(what string, err error, written int, buf *bufio.Writer) error {
	if written > 0 && buf.Flush() == nil {
		return fmt.Errorf("fetching %s: %w (the output above is incomplete: %d rows)", what, err, written)
	}
	return fmt.Errorf("fetching %s: %w", what, err)
}

// checkStatusesSeen is --status against the rows the run had: a status
// neither the API's nor the run's is a typo (exit 2); one the run lacks
// is a note.
func checkStatusesSeen(statuses filter.Statuses, seen map[string]int, stderr io.Writer, what string) error {
	if typos := statuses.Unknown(seen); len(typos) > 0 {
		return config.Errorf("--status %s: no such status; the API's are %s, and %s had %s",
			sanitize.Line(strings.Join(typos, ",")), strings.Join(filter.KnownStatuses, ", "), what, sanitize.Line(hadStatuses(seen)))
	}
	if note := unmatchedStatuses(statuses, seen); note != "" {
		fmt.Fprintln(stderr, "wksrec: note: "+sanitize.Line(note))
	}
	return nil
}

// debugListing is --debug's last line of a listing.
func debugListing(debug io.Writer, stats api.FetchStats, written int) {
	if debug == nil {
		return
	}
	fmt.Fprintf(debug, "%s listing pages=%d rows_sent=%d rows_kept=%d duplicates_dropped=%d printed=%d throttled=%d window=%d\n",
		time.Now().UTC().Format(time.RFC3339Nano), stats.Pages, stats.Rows, stats.Emitted, stats.Duplicates, written, stats.Throttled, stats.Window)
}

// writeGone writes the baseline's desktops this run lacks that the
// filters keep, and says how many.
func writeGone(out *export.Writer, cmp *comparison, statuses filter.Statuses, expr filter.Expr) (int, error) {
	n := 0
	for _, row := range cmp.gone() {
		if statuses.Match(row.ExecStatus) && expr.MatchChange(&row.Detail, compare.OnlyInBaseline.String()) {
			if err := out.WriteRow(row); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
