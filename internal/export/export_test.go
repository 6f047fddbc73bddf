package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
)

var sample = []api.Detail{
	{ID: "1", RecordID: "r", DesktopID: "d1", DesktopName: "=HYPERLINK(\"http://evil\",\"x\")", ExecStatus: "FAIL",
		ResultCode: "+cmd|' /C calc'!A0", FailReason: "line one\nline two\ttabbed", StartTime: "2026-11-28 02:00:00", TimeZone: "Asia/Shanghai"},
	{ID: "2", RecordID: "r", DesktopID: "d2", DesktopName: "研发-桌面-017", ExecStatus: "SUCCESS", ResultCode: "-1", FailReason: "@SUM(A1)"},
	{ID: "3", RecordID: "r", DesktopID: "d3", DesktopName: "evil\x1b]0;PWNED\x07desk", ExecStatus: "SKIP"},
}

func TestCSVNeutralisesFormulasAndControls(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "csv", sample); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], Columns) || len(rows) != 4 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q can be evaluated as a formula", cell)
			}
			if strings.ContainsAny(cell, "\x1b\x07\n\t") {
				t.Errorf("cell %q keeps a control character", cell)
			}
		}
	}
	if rows[1][3] != `'=HYPERLINK("http://evil","x")` || rows[2][6] != "'-1" || rows[1][7] != "line one line two tabbed" {
		t.Errorf("rows %q", rows[1:])
	}
	if rows[2][3] != "研发-桌面-017" || rows[3][3] != "evil␛]0;PWNED␇desk" {
		t.Errorf("names %q %q", rows[2][3], rows[3][3])
	}
}

func TestTSV(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "tsv", sample); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 || lines[0] != strings.Join(Columns, "\t") {
		t.Fatalf("lines %q", lines)
	}
	for _, l := range lines {
		if n := strings.Count(l, "\t"); n != len(Columns)-1 {
			t.Errorf("line %q has %d tabs", l, n)
		}
	}
}

func TestJSONKeepsRawValues(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", sample); err != nil {
		t.Fatal(err)
	}
	var back []api.Detail
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sample) {
		t.Errorf("JSON changed the values:\n%+v", back)
	}
	if !strings.Contains(b.String(), `"desktop_name"`) || !strings.Contains(b.String(), `"fail_reason"`) {
		t.Error("JSON does not use the API's field names")
	}
	b.Reset()
	if err := Write(&b, "json", nil); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("no rows: %q %v", b.String(), err)
	}
	if err := Write(&b, "xml", nil); err == nil {
		t.Error("unknown format accepted")
	}
}

// Formula characters hidden behind spaces, tabs, CR, invisible characters
// or in full-width form are defused too.
func TestNeutralizeLooksPastWhatSpreadsheetsSkip(t *testing.T) {
	for _, cell := range []string{" =1+1", "\t=1+1", "\r=1+1", "  @SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)",
		"\u200b=1+1", "\ufeff=1+1", "\u00ad+1", "\u3000=1", "﹦1", "\t", "\rplain"} {
		if got := Neutralize(cell); !strings.HasPrefix(got, "'") {
			t.Errorf("Neutralize(%q) = %q, not defused", cell, got)
		}
	}
	for _, cell := range []string{"plain", "研发-桌面", "a=b", "", " spaced"} {
		if got := Neutralize(cell); got != cell {
			t.Errorf("Neutralize(%q) = %q, want it unchanged", cell, got)
		}
	}
	// Through the whole CSV path (sanitised first), no such cell survives.
	var b bytes.Buffer
	if err := Write(&b, "csv", []api.Detail{{DesktopName: "\u200b=cmd", FailReason: " +1", ResultCode: "＝1"}}); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&b).ReadAll()
	for _, cell := range []string{rows[1][3], rows[1][6], rows[1][7]} {
		if !strings.HasPrefix(cell, "'") {
			t.Errorf("cell %q not defused", cell)
		}
	}
}

// -o json escapes what encoding/json leaves raw but a terminal acts on,
// and still decodes to the API's exact values.
func TestJSONEscapesTerminalControls(t *testing.T) {
	d := api.Detail{ID: "x", DesktopName: "a\u009b2Jb\x7fc\u202ed\u2028e\u200bf\U000e0041g", FailReason: "ok 研发"}
	var b bytes.Buffer
	if err := Write(&b, "json", []api.Detail{d}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, raw := range []string{"\u009b", "\x7f", "\u202e", "\u2028", "\u200b", "\U000e0041"} {
		if strings.Contains(out, raw) {
			t.Errorf("output holds %U raw", []rune(raw)[0])
		}
	}
	if !strings.Contains(out, `\u009b`) || !strings.Contains(out, `\udb40\udc41`) || !strings.Contains(out, "研发") {
		t.Errorf("escapes or plain text wrong:\n%s", out)
	}
	var back []api.Detail
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back) != 1 || back[0] != d {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

// Nothing is written before the first row or Close: a listing that fails
// at once leaves stdout empty. An empty listing is still valid output.
func TestWriterWritesNothingUntilARow(t *testing.T) {
	for _, f := range Formats {
		var b bytes.Buffer
		x, err := NewWriter(&b, f)
		if err != nil {
			t.Fatal(err)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %q written before any row", f, b.String())
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		if f == "json" && b.String() != "[]\n" {
			t.Errorf("empty json = %q", b.String())
		}
		if f != "json" && !strings.HasPrefix(b.String(), "id") {
			t.Errorf("empty %s = %q, want the header", f, b.String())
		}
	}
}
