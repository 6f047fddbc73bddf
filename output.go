package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/api/filter"
	"github.com/wksrec/wksrec/ui/export"
)

// printDetails is the script mode (-o): fetch every detail of the record,
// keep those matching --status and --filter, print them and exit. The whole
// output is built first, so an error leaves stdout empty rather than half
// written.
func printDetails(c config, getenv func(string) string, stdout, stderr io.Writer) error {
	expr, _ := filter.Parse(c.filter) // checked in parseConfig
	statuses := filter.ParseStatuses(c.statuses)
	client, _, stop, err := connect(c, getenv, stderr)
	if err != nil {
		return err
	}
	defer stop()
	if c.demo && c.taskID == "" {
		c = withDemoRecord(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return client.ListRecordDetails(ctx, c.taskID, c.recordID, offset, limit)
	}
	all, err := api.FetchAll(ctx, fetch, func(d api.Detail) string { return d.ID },
		api.FetchAllOptions{Limit: c.pageSize, Concurrency: c.concurrency})
	if err != nil {
		return fmt.Errorf("fetching the details: %w", err)
	}
	var kept []api.Detail
	for i := range all {
		if statuses.Match(all[i].ExecStatus) && expr.Match(&all[i]) {
			kept = append(kept, all[i])
		}
	}
	var buf bytes.Buffer
	if err := export.Write(&buf, c.output, kept); err != nil {
		return err
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}
