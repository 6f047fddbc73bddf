// Package export writes execution details as JSON, CSV or TSV, for -o and
// for the e key.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/ui/sanitize"
)

// Formats are the accepted -o values.
var Formats = []string{"json", "csv", "tsv"}

// Columns are the API's own field names, in the API's order.
var Columns = []string{"id", "record_id", "desktop_id", "desktop_name", "exec_status", "exec_script_id",
	"result_code", "fail_reason", "start_time", "end_time", "time_zone"}

func cells(d api.Detail) []string {
	return []string{d.ID, d.RecordID, d.DesktopID, d.DesktopName, d.ExecStatus, d.ExecScriptID,
		d.ResultCode, d.FailReason, d.StartTime, d.EndTime, d.TimeZone}
}

// Write writes details in format. JSON is an array of objects with the
// API's field names and raw values (for programs); CSV and TSV have a header
// row and cells made safe for terminals and spreadsheets (for people).
func Write(w io.Writer, format string, details []api.Detail) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if details == nil {
			details = []api.Detail{}
		}
		return enc.Encode(details)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(Columns)
		for _, d := range details {
			_ = cw.Write(safeCells(d))
		}
		cw.Flush()
		return cw.Error()
	case "tsv":
		var b strings.Builder
		b.WriteString(strings.Join(Columns, "\t") + "\n")
		for _, d := range details {
			b.WriteString(strings.Join(safeCells(d), "\t") + "\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	return fmt.Errorf("unknown format %q: use json, csv or tsv", format)
}

func safeCells(d api.Detail) []string {
	c := cells(d)
	for i := range c {
		c[i] = Neutralize(sanitize.Line(c[i])) // one line each: no tabs or newlines survive
	}
	return c
}

// Neutralize defuses spreadsheet formula injection: a cell starting with
// = + - @ (or a tab or CR, which some spreadsheets skip first) is prefixed
// with a quote, so it is shown as text and never evaluated (OWASP's advice).
func Neutralize(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
