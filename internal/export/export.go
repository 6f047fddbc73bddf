// Package export writes execution details as JSON, CSV or TSV, for -o and
// for the e key. Rows are written one at a time as they come, so a listing
// of any size costs the memory of one row.
package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
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

// Writer writes details one at a time. Nothing is written before the first
// row or Close, so a listing that fails at once leaves its output empty.
// JSON is an array of objects with the API's field names and values (for
// programs), with every character a terminal could act on escaped; CSV and
// TSV have a header row and cells made safe for terminals and spreadsheets
// (for people).
type Writer struct {
	w       io.Writer
	format  string
	started bool
	csv     *csv.Writer
	extra   Extra
	header  []string // a list other than details: its columns
}

// Extra are the fields a comparison of runs adds after the API's: change
// (against a baseline run) and history (the statuses over the runs, newest
// first, "" where the desktop was absent). In CSV and TSV the history is
// one cell, its statuses joined by commas.
//
// ScriptOutput adds what a failed desktop's script printed (-o
// --script-output): JSON keeps it whole, CSV and TSV on one line.
type Extra struct{ Change, History, ScriptOutput bool }

// Row is a detail with what a comparison of runs says of it.
type Row struct {
	api.Detail
	Change       string
	History      []string
	ScriptOutput string
}

// NewWriter returns a Writer of format to w.
func NewWriter(w io.Writer, format string) (*Writer, error) {
	switch format {
	case "json", "tsv":
		return &Writer{w: w, format: format}, nil
	case "csv":
		return &Writer{w: w, format: format, csv: csv.NewWriter(w)}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use json, csv or tsv", format)
}

// NewWriterWith is NewWriter with the fields a comparison adds.
func NewWriterWith(w io.Writer, format string, extra Extra) (*Writer, error) {
	x, err := NewWriter(w, format)
	if x != nil {
		x.extra = extra
	}
	return x, err
}

// Write adds one detail.
func (x *Writer) Write(d api.Detail) error { return x.WriteRow(Row{Detail: d}) }

// NewListWriter returns a Writer of rows other than details (tasks, runs)
// whose header is columns; WriteItem adds them.
func NewListWriter(w io.Writer, format string, columns []string) (*Writer, error) {
	x, err := NewWriter(w, format)
	if x != nil {
		x.header = columns
	}
	return x, err
}

// WriteItem adds one row: v as JSON (with its API field names), cells
// in CSV and TSV (made safe here).
func (x *Writer) WriteItem(v any, cells []string) error {
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = Neutralize(sanitize.Line(c))
	}
	return x.write(v, safe)
}

// TaskColumns and RecordColumns are the API's field names of a task and
// of a run, in the API's order; TaskCells and RecordCells their values.
var (
	TaskColumns = []string{"id", "task_name", "task_type", "scheduled_type", "life_cycle_type", "last_status", "next_execution_time",
		"expire_time", "enable", "description", "priority", "time_zone", "wait_time", "extra_params"}
	RecordColumns = []string{"id", "start_time", "task_type", "scheduled_type", "life_cycle_type", "status", "success_num", "failed_num",
		"skip_num", "time_zone", "execute_task_id", "execute_object_type", "expire_time", "extra_params"}
)

func TaskCells(t api.Task) []string {
	return []string{t.ID, t.TaskName, t.TaskType, t.ScheduledType, t.LifeCycleType, t.LastStatus, t.NextExecutionTime,
		t.ExpireTime, strconv.FormatBool(t.Enable), t.Description, strconv.Itoa(t.Priority), t.TimeZone, strconv.Itoa(t.WaitTime), t.ExtraParams}
}

func RecordCells(r api.Record) []string {
	return []string{r.ID, r.StartTime, r.TaskType, r.ScheduledType, r.LifeCycleType, r.Status, strconv.Itoa(r.SuccessNum), strconv.Itoa(r.FailedNum),
		strconv.Itoa(r.SkipNum), r.TimeZone, r.ExecuteTaskID, r.ExecuteObjectType, r.ExpireTime, r.ExtraParams}
}

// jsonRow is a Row as JSON: the API's fields, then the comparison's.
type jsonRow struct {
	api.Detail
	Change       *string   `json:"change,omitempty"`
	History      *[]string `json:"history,omitempty"`
	ScriptOutput *string   `json:"script_output,omitempty"`
}

// WriteRow adds one detail with the comparison's fields (those the
// Writer's Extra asks for).
func (x *Writer) WriteRow(r Row) error {
	row := jsonRow{Detail: r.Detail}
	if x.extra.Change {
		row.Change = &r.Change
	}
	if x.extra.History {
		history := r.History
		if history == nil {
			history = []string{}
		}
		row.History = &history
	}
	if x.extra.ScriptOutput {
		row.ScriptOutput = &r.ScriptOutput
	}
	return x.write(row, x.safeRow(r))
}

// write adds one row: v as JSON, or cells (safe already).
func (x *Writer) write(v any, cells []string) error {
	first := !x.started
	if err := x.start(); err != nil {
		return err
	}
	switch x.format {
	case "json":
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n  "
		if first {
			sep = "[\n  "
		}
		_, err = x.w.Write(append([]byte(sep), EscapeJSON(b)...))
		return err
	case "csv":
		_ = x.csv.Write(cells)
		return x.csv.Error()
	default:
		_, err := io.WriteString(x.w, strings.Join(cells, "\t")+"\n")
		return err
	}
}

// columns are the header: the API's fields, then the comparison's.
func (x *Writer) columns() []string {
	if x.header != nil {
		return x.header
	}
	cols := Columns
	if x.extra.Change {
		cols = append(cols[:len(cols):len(cols)], "change")
	}
	if x.extra.History {
		cols = append(cols[:len(cols):len(cols)], "history")
	}
	if x.extra.ScriptOutput {
		cols = append(cols[:len(cols):len(cols)], "script_output")
	}
	return cols
}

func (x *Writer) safeRow(r Row) []string {
	c := safeCells(r.Detail)
	if x.extra.Change {
		c = append(c, Neutralize(sanitize.Line(r.Change)))
	}
	if x.extra.History {
		c = append(c, Neutralize(sanitize.Line(strings.Join(r.History, ","))))
	}
	if x.extra.ScriptOutput {
		c = append(c, Neutralize(sanitize.Line(r.ScriptOutput)))
	}
	return c
}

// start writes the CSV or TSV header before the first row.
func (x *Writer) start() error {
	if x.started {
		return nil
	}
	x.started = true
	switch x.format {
	case "csv":
		_ = x.csv.Write(x.columns())
		return x.csv.Error()
	case "tsv":
		_, err := io.WriteString(x.w, strings.Join(x.columns(), "\t")+"\n")
		return err
	}
	return nil
}

// Close ends the output (the JSON array's bracket, the header of an empty
// CSV) and flushes.
func (x *Writer) Close() error {
	wasStarted := x.started
	if err := x.start(); err != nil {
		return err
	}
	switch x.format {
	case "json":
		end := "\n]\n"
		if !wasStarted {
			end = "[]\n"
		}
		_, err := io.WriteString(x.w, end)
		return err
	case "csv":
		x.csv.Flush()
		return x.csv.Error()
	}
	return nil
}

// Write writes details in format, all at once.
func Write(w io.Writer, format string, details []api.Detail) error {
	x, err := NewWriter(w, format)
	if err != nil {
		return err
	}
	for _, d := range details {
		if err := x.Write(d); err != nil {
			return err
		}
	}
	return x.Close()
}

// EscapeJSON escapes, inside encoded JSON, what encoding/json leaves raw
// but a terminal acts on or hides when the output is later cat'ed: DEL, C1
// controls (U+009B is an 8-bit CSI), bidi and other format characters, and
// separators. Outside strings JSON is ASCII, so a rune-level pass is safe.
func EscapeJSON(b []byte) []byte {
	i := bytes.IndexFunc(b, needsEscape)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for _, r := range string(b[i:]) {
		if !needsEscape(r) {
			out = utf8.AppendRune(out, r)
			continue
		}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	return out
}

func needsEscape(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r)
}

func safeCells(d api.Detail) []string {
	c := cells(d)
	for i := range c {
		c[i] = Neutralize(sanitize.Line(c[i])) // one line each: no tabs or newlines survive
	}
	return c
}

// formulaStarts are the characters a spreadsheet may read as the start of
// a formula, with their full-width and small forms, which some spreadsheets
// fold to ASCII.
const formulaStarts = "=+-@＝＋－＠﹦﹢﹣﹫"

// Neutralize defuses spreadsheet formula injection (OWASP's advice): a cell
// whose first visible character could start a formula is prefixed with a
// quote, so it is shown as text and never evaluated. Leading spaces, tabs,
// CR and LF, and invisible format characters (which spreadsheets skip or
// ignore) are looked past.
func Neutralize(cell string) string {
	visible := strings.TrimLeftFunc(cell, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == sanitize.StandIn
	})
	if r, _ := utf8.DecodeRuneInString(visible); visible != "" && strings.ContainsRune(formulaStarts, r) {
		return "'" + cell
	}
	if visible != cell && strings.ContainsAny(cell[:1], "\t\r") {
		return "'" + cell // a leading tab or CR alone is enough for some spreadsheets
	}
	return cell
}
