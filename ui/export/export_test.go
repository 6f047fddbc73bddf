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
