package main

import (
	"bufio"
	"context"
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
	"github.com/wksrec/wksrec/internal/sanitize"
)

// printDetails is the script mode (-o): page through every detail of the
// record, keep those matching --status and --filter, and print them as
// they arrive. Memory stays one window of pages plus the ids seen, whatever
// the run's size. Nothing is printed before the first row, so an error on
// the first page leaves stdout empty; an error later leaves the output
// incomplete (a JSON array without its closing bracket) and says so.
func printDetails(c config.Config, getenv func(string) string, stdout, stderr io.Writer) error {
	expr, _ := filter.Parse(c.Filter) // checked in parseConfig
	statuses := filter.ParseStatuses(c.Statuses)
	sess, err := connect(c, getenv, stderr)
	if err != nil {
		return err
	}
	defer sess.stop()
	if c.Demo && c.TaskID == "" {
		c = withDemoRecord(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return sess.client.ListRecordDetails(ctx, c.TaskID, c.RecordID, offset, limit)
	}
	cmp, err := loadComparison(ctx, c, sess.client)
	if err != nil {
		return err
	}
	buf := bufio.NewWriter(stdout)
	out, err := export.NewWriterWith(buf, c.Output, cmp.extra())
	if err != nil {
		return err
	}
	written := 0
	seen := map[string]int{} // rows by status, to say what --status missed
	stats, err := api.Stream(ctx, fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: c.PageSize, Concurrency: c.Concurrency, Retry: retryPolicy},
		func(d api.Detail) error {
			seen[strings.ToUpper(d.ExecStatus)]++
			row, keep := cmp.row(d)
			if !keep || !statuses.Match(d.ExecStatus) || !expr.MatchChange(&d, changeLabel(row.Change)) {
				return nil
			}
			written++
			return out.WriteRow(row)
		})
	if sess.debug != nil {
		fmt.Fprintf(sess.debug, "%s listing pages=%d rows_sent=%d rows_kept=%d duplicates_dropped=%d printed=%d throttled=%d window=%d\n",
			time.Now().UTC().Format(time.RFC3339Nano), stats.Pages, stats.Rows, stats.Emitted, stats.Duplicates, written, stats.Throttled, stats.Window)
	}
	if err != nil {
		flushErr := buf.Flush()
		if written > 0 && flushErr == nil {
			return fmt.Errorf("fetching the details: %w (the output above is incomplete: %d rows)", err, written)
		}
		return fmt.Errorf("fetching the details: %w", err)
	}
	for _, row := range cmp.gone() { // the baseline's desktops this run lacks
		if statuses.Match(row.ExecStatus) && expr.MatchChange(&row.Detail, compare.OnlyInBaseline.String()) {
			if err := out.WriteRow(row); err != nil {
				return err
			}
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	if note := unmatchedStatuses(statuses, seen); note != "" {
		fmt.Fprintln(stderr, "wksrec: note: "+sanitize.Line(note))
	}
	return buf.Flush()
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

// retryPolicy is -o's retry rule; tests shorten its waits.
var retryPolicy = api.DefaultRetry
