package filter

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    []Term
		wantErr string
	}{
		{"", nil, ""},
		{"   ", nil, ""},
		{"quota", []Term{{Any, "quota", false}}, ""},
		{"Quota  desk", []Term{{Any, "quota", false}, {Any, "desk", false}}, ""},
		{"name:研发 !code:WKS.0001", []Term{{Name, "研发", false}, {Code, "wks.0001", true}}, ""},
		{`reason:"task conflict" status:FAIL`, []Term{{Reason, "task conflict", false}, {Status, "fail", false}}, ""},
		{`!"two words"`, []Term{{Any, "two words", true}}, ""},
		{"ID:abc", []Term{{ID, "abc", false}}, ""},
		{"a:b:c", nil, `unknown field "a"`},
		{"url:http://x", nil, `unknown field "url"`},
		{"name:", nil, "has no value"},
		{"!", nil, "has no value"},
		{`reason:"open`, nil, "quote is not closed"},
		{`""`, nil, "has no value"},
	}
	for _, tc := range tests {
		e, err := Parse(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%q) err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(allTerms(e), tc.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, allTerms(e), err, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	d := &api.Detail{DesktopName: "研发-桌面-017", DesktopID: "9DF5-ab", ExecStatus: "FAILED",
		ResultCode: "WKS.00010017", FailReason: "Insufficient quota: the snapshot could not be created."}
	tests := []struct {
		expr string
		want bool
	}{
		{"", true},
		{"quota", true},
		{"QUOTA", true},
		{"9df5", true},
		{"研发", true},
		{"name:quota", false},
		{"reason:quota code:10017", true},
		{"reason:quota !code:10017", false},
		{"!quota", false},
		{"!nothing-like-it", true},
		{"status:failed", true},
		{"status:fail", false}, // status is exact
		{`reason:"could not be created"`, true},
		{"id:9df5 name:研发 status:FAILED", true},
		{"id:9df5 name:wks", false},
	}
	for _, tc := range tests {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Match(d); got != tc.want {
			t.Errorf("%q matched %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestStatuses(t *testing.T) {
	s := ParseStatuses(" fail, SKIP ,,")
	if !s.Match("FAIL") || !s.Match("skip") || s.Match("SUCCESS") || len(s) != 2 {
		t.Errorf("set %v", s)
	}
	if !ParseStatuses("").Match("ANYTHING") {
		t.Error("an empty set must match everything")
	}
	if !IsFailed("FAIL") || !IsFailed("failed") || IsFailed("SKIP") {
		t.Error("IsFailed")
	}
}

// FuzzParse: any input parses or errors without panicking, and a parsed
// filter matches consistently whatever the case of the data.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "quota", `reason:"task conflict" !status:FAIL`, "a:b", `"`, "!", "name:研发 id:x", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			return
		}
		d := &api.Detail{DesktopName: "Wks-Dev-0042", DesktopID: "ABC", ResultCode: "WKS.1", FailReason: "Reason Text", ExecStatus: "FAIL"}
		lower := &api.Detail{DesktopName: strings.ToLower(d.DesktopName), DesktopID: "abc", ResultCode: "wks.1", FailReason: "reason text", ExecStatus: "fail"}
		if e.Match(d) != e.Match(lower) {
			t.Errorf("%q: matching depends on case", s)
		}
		for _, term := range allTerms(e) {
			if term.Value == "" || term.Value != strings.ToLower(term.Value) {
				t.Errorf("%q: term %+v", s, term)
			}
		}
	})
}

func TestContainsFold(t *testing.T) {
	for _, tc := range []struct {
		haystack, needle string
		want             bool
	}{
		{"Insufficient QUOTA: x", "quota", true},
		{"qquota", "quota", true},
		{"quot", "quota", false},
		{"QuOtA", "quota", true},
		{"研发-QUOTA-桌面", "quota", true},
		{"研发-桌面", "桌面", true},
		{"研发-桌面", "quota", false},
		{"abc", "", true},
		{"a-b-c", "-c", true},
		{"x", "xy", false},
	} {
		if got := contains(tc.haystack, tc.needle); got != tc.want {
			t.Errorf("contains(%q, %q) = %v", tc.haystack, tc.needle, got)
		}
	}
}

// FuzzContains: the fast path agrees with lower-casing both sides, for
// ASCII needles.
func FuzzContains(f *testing.F) {
	f.Add("Insufficient QUOTA", "quota")
	f.Add("研发-QUOTA", "uot")
	f.Fuzz(func(t *testing.T, haystack, needle string) {
		needle = strings.ToLower(needle)
		if !isASCII(needle) || strings.ContainsRune(haystack, 'K') || strings.ContainsRune(haystack, 'ſ') {
			return // Unicode folds that map to ASCII letters are out of scope
		}
		if got, want := contains(haystack, needle), strings.Contains(strings.ToLower(haystack), needle); got != want && isASCII(haystack) {
			t.Errorf("contains(%q, %q) = %v, want %v", haystack, needle, got, want)
		}
	})
}

// --status FAILED matches what f matches, and so does FAIL.
func TestStatusesFailIsFailed(t *testing.T) {
	for _, list := range []string{"FAILED", "fail", "SKIP,FAILED"} {
		s := ParseStatuses(list)
		if !s.Match("FAIL") || !s.Match("FAILED") || s.Match("SUCCESS") {
			t.Errorf("--status %s: FAIL %v, FAILED %v, SUCCESS %v", list, s.Match("FAIL"), s.Match("FAILED"), s.Match("SUCCESS"))
		}
	}
}

// allTerms is every term of e, alternatives run together.
func allTerms(e Expr) []Term {
	var out []Term
	for _, alt := range e.Alts {
		out = append(out, alt...)
	}
	return out
}

// Alternatives: either side of a | may match; each side is a conjunction.
func TestAlternatives(t *testing.T) {
	agent := &api.Detail{FailReason: "The agent did not respond", DesktopName: "lab-1"}
	quota := &api.Detail{FailReason: "Insufficient quota", DesktopName: "lab-2"}
	other := &api.Detail{FailReason: "Disk full", DesktopName: "lab-3"}
	for _, tc := range []struct {
		in               string
		agent, quo, othr bool
	}{
		{"reason:agent | reason:quota", true, true, false},
		{"reason:agent|reason:quota", true, true, false},
		{"reason:agent name:lab-2 | reason:quota", false, true, false},
		{`reason:"disk full" | !lab`, false, false, true},
	} {
		e, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if e.Match(agent) != tc.agent || e.Match(quota) != tc.quo || e.Match(other) != tc.othr {
			t.Errorf("%q: agent %v quota %v other %v", tc.in, e.Match(agent), e.Match(quota), e.Match(other))
		}
	}
	for _, bad := range []string{"| reason:x", "reason:x |", "a || b"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestMatchFields(t *testing.T) {
	task := map[Field]string{Name: "Nightly reboot", Status: "FAIL", Reason: "Reboots every desktop"}
	for in, want := range map[string]bool{
		"nightly":              true,
		"status:fail":          true,
		"status:fai":           false, // status is exact
		"name:reboot !weekly":  true,
		"code:reboot":          true, // a field the row lacks: any field
		"weekly | every":       true,
		"weekly | status:skip": false,
	} {
		e, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.MatchFields(task); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

// change: looks at the row's change against a baseline run: the short
// words pick one change, other words match the labels.
func TestChangeTerms(t *testing.T) {
	d := &api.Detail{DesktopName: "lab-1"}
	for _, tc := range []struct {
		expr, change string
		want         bool
	}{
		{"change:new", "new failure", true},
		{"change:new", "new desktop", false},
		{"change:added", "new desktop", true},
		{"change:still", "still failing", true},
		{"change:fail", "still failing", true},
		{"change:fail", "new failure", true},
		{"change:recovered", "recovered", true},
		{"change:gone", "gone", true},
		{"!change:unchanged", "unchanged", false},
		{"change:new", "", false}, // runs not compared
		{"lab change:new | change:recovered", "recovered", true},
	} {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.MatchChange(d, tc.change); got != tc.want {
			t.Errorf("%q on %q: %v", tc.expr, tc.change, got)
		}
		if !e.UsesChange() {
			t.Errorf("%q uses change", tc.expr)
		}
	}
	if e, _ := Parse("name:x"); e.UsesChange() {
		t.Error("name:x does not use change")
	}
}
