package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// hostile holds every kind of character that must not reach a terminal
// raw: C0 controls that move the cursor (CR, VT, FF), escape sequences,
// C1 (NEL, 8-bit CSI), line and paragraph separators, bidi overrides,
// invisible and width-disputed characters.
const hostile = "a\r\v\fb\u0085c\u2028d\u2029e\x1b[2J\x1b]0;t\x07\u009b31mf\u202eg\u200bh\u00adi\ufeffj\x00\x7fk👍🏽l❤\ufe0f"

// hostileZone parses (the offset is read after trimming) yet is wrapped in
// characters that move the cursor: it once reached the screen as the
// zone's name.
const hostileZone = "\v\fGMT+08:00\r\u2028\u0085"

// poison sets every string field of *v to its own name plus hostile,
// except the fields keep lists, which get keepVal.
func poison(v any, keep map[string]string) {
	rv := reflect.ValueOf(v).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		if f.Kind() != reflect.String {
			continue
		}
		name := rv.Type().Field(i).Name
		if val, ok := keep[name]; ok {
			f.SetString(val)
		} else {
			f.SetString(name + hostile)
		}
	}
}

// hostileSource serves one task, one record and one detail, each field
// poisoned; fail makes the details call fail with a poisoned API error.
type hostileSource struct {
	keep map[string]string
	fail bool
}

func (s hostileSource) ListTasks(context.Context, string, int, int) (api.Page[api.Task], error) {
	var t api.Task
	poison(&t, s.keep)
	return api.Page[api.Task]{Items: []api.Task{t}, Total: 1}, nil
}

func (s hostileSource) ListRecords(context.Context, string, int, int) (api.Page[api.Record], error) {
	var r api.Record
	poison(&r, s.keep)
	r.FailedNum = 1
	older := r // a run before it, to compare with
	older.ID += "2"
	if _, ok := s.keep["StartTime"]; ok {
		older.StartTime = "2026-11-27 02:00:00"
	}
	return api.Page[api.Record]{Items: []api.Record{r, older}, Total: 2}, nil
}

func (s hostileSource) ListRecordDetails(context.Context, string, string, int, int) (api.Page[api.Detail], error) {
	if s.fail {
		return api.Page[api.Detail]{}, &api.APIError{Status: 400, Code: "WKS" + hostile, Message: "msg" + hostile, RequestID: "req" + hostile}
	}
	var d api.Detail
	poison(&d, s.keep)
	d.ExecStatus = "FAIL" + hostile
	return api.Page[api.Detail]{Items: []api.Detail{d}, Total: 1}, nil
}

// GetDesktop is a desktop now, each field poisoned: the pane shows it.
func (s hostileSource) GetDesktop(context.Context, string) (api.Desktop, error) {
	var d api.Desktop
	poison(&d, s.keep)
	d.IPAddresses = []string{"10.0.0.1" + hostile}
	return d, nil
}

// DesktopAction refuses every desktop with a poisoned reason.
func (s hostileSource) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	r := api.ActionResult{JobID: "job" + hostile}
	for _, id := range ids[:1] {
		r.Refused = append(r.Refused, api.FailedOperation{DesktopID: id + hostile, DesktopName: "name" + hostile, ErrorCode: "WKS" + hostile, ErrorMsg: "msg" + hostile})
	}
	return r, nil
}

// GetJob is a poisoned job.
func (s hostileSource) GetJob(context.Context, string) (api.Job, error) {
	var j api.Job
	poison(&j, s.keep)
	j.Status = "SUCCESS"
	return j, nil
}

// assertSafeScreen fails when screen holds anything but text, newlines and
// SGR colour sequences, or a line wider than width to a terminal.
func assertSafeScreen(t *testing.T, what, screen string, width int) {
	t.Helper()
	for n, line := range strings.Split(screen, "\n") {
		var text strings.Builder
		for i := 0; i < len(line); {
			if line[i] == 0x1b { // only ESC [ params m may pass
				j := i + 1
				if j < len(line) && line[j] == '[' {
					j++
					for j < len(line) && (line[j] == ';' || (line[j] >= '0' && line[j] <= '9')) {
						j++
					}
					if j < len(line) && line[j] == 'm' {
						i = j + 1
						continue
					}
				}
				t.Fatalf("%s: line %d has a raw escape sequence: %q", what, n, line)
			}
			r, size := utf8.DecodeRuneInString(line[i:])
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Cf, r) || (r >= 0xfe00 && r <= 0xfe0f) {
				t.Fatalf("%s: line %d holds %U raw: %q", what, n, r, line)
			}
			text.WriteString(line[i : i+size])
			i += size
		}
		if w := sanitize.TerminalWidth(text.String()); w > width {
			t.Fatalf("%s: line %d is %d cells on a %d-cell terminal: %q", what, n, w, width, text.String())
		}
	}
}

// Every string field of every type, and every derived string (zone names,
// formatted times, errors, ids given on the command line), reaches the
// screen sanitised, on every screen and at every layout.
func TestEveryFieldIsSanitisedOnEveryScreen(t *testing.T) {
	t.Parallel() // a model and sources of its own
	validTimes := map[string]string{"StartTime": "2026-11-28 02:00:00", "EndTime": "2026-11-28 02:03:00",
		"NextExecutionTime": "2026-11-29 02:00:00", "ExpireTime": "2027-01-01 00:00:00", "TimeZone": hostileZone,
		"DesktopID": "desk-1"} // an id a request can carry: a batch is sent, and its poisoned answers drawn
	for name, src := range map[string]hostileSource{
		"every field hostile":        {},
		"valid times, hostile zone":  {keep: validTimes},
		"hostile error from the API": {keep: validTimes, fail: true},
	} {
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
			what := func(screen string) string { return fmt.Sprintf("%s, %s at %dx%d", name, screen, size[0], size[1]) }
			m := start(t, New(Config{Source: src, ProjectID: "proj" + hostile, PageSize: 100, RetryBackoff: time.Millisecond,
				DesktopRest: time.Nanosecond, JobPoll: time.Nanosecond, AuditPath: filepath.Join(t.TempDir(), "actions.log"),
				Where: Where{Endpoint: "host" + hostile, Profile: "profile" + hostile}, ReadOnly: name == "hostile error from the API"}), size[0], size[1])
			assertSafeScreen(t, what("tasks"), m.View(), size[0])
			m = send(t, m, press("enter"))
			assertSafeScreen(t, what("records"), m.View(), size[0])
			m = send(t, m, press("j"))
			m = send(t, m, press("m")) // the older run: the baseline
			assertSafeScreen(t, what("records with a mark"), m.View(), size[0])
			m = send(t, m, press("k"))
			m = send(t, m, press("enter"))
			assertSafeScreen(t, what("details"), m.View(), size[0])
			sawResults := false
			// "#" types the number of desktops the menu holds: the batch is
			// sent, and its refusals and jobs are drawn.
			for _, k := range []string{"tab", "esc", "C", "x", "esc", "C", "C", ">", "O", "c", "c", "H", "a", "r", "#", "enter", "j", "tab", "esc", "esc", "w", "enter", "?"} {
				if a, ok := m.top().(*actionView); ok && k == "#" {
					m = typeText(t, m, commas(len(a.targets)))
					continue
				}
				m = send(t, m, press(k))
				assertSafeScreen(t, what("details after "+k), m.View(), size[0])
				if a, ok := m.top().(*actionView); ok && a.stage == stageDone {
					sawResults = true
				}
			}
			if sawResults != (name == "valid times, hostile zone") { // the others have no id to act on, or are read-only
				t.Errorf("%s: the results of a batch drawn: %v", what("details"), sawResults)
			}
		}
	}
	// Ids given on the command line are shown in the breadcrumb.
	m := start(t, New(Config{Source: hostileSource{keep: validTimes}, ProjectID: "p" + hostile, TaskID: "t" + hostile,
		RecordID: "r" + hostile, PageSize: 100, RetryBackoff: time.Millisecond}), 200, 30)
	assertSafeScreen(t, "breadcrumb from ids", m.View(), 200)
}
