// Package filter is the text filter over execution details that both the
// "/" prompt and --filter use. The API cannot filter details, so wksrec
// filters on the client.
//
// Syntax: space-separated terms, all of which must match; "|" separates
// alternatives ("reason:agent | reason:quota": either). A term is
// [!][field:]value; a value with spaces is quoted ("task conflict").
// Fields: name (desktop name), id (desktop id), code (result code), reason
// (fail reason), status (exec status, exact) and change (how the row
// changed against a baseline run, when runs are compared: new, still,
// recovered, unchanged, added, or words of "new failure", "still failing",
// "new desktop"). Without a field a term matches name, id, code or reason. Matching ignores case; values other
// than status match as substrings. "!" negates a term.
package filter

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/wksrec/wksrec/api"
)

// Field is what a term looks at.
type Field int

// The fields a term can name.
const (
	Any Field = iota
	Name
	ID
	Code
	Reason
	Status
	Change
	Now // the desktop's state now (N): its status, "user" when one is logged in, "maintenance"
)

var fieldNames = map[string]Field{"name": Name, "id": ID, "code": Code, "reason": Reason, "status": Status, "change": Change, "now": Now}

// Term is one condition.
type Term struct {
	Field  Field
	Value  string // lower-cased
	Negate bool
}

// Expr is a parsed filter: alternatives, each the conjunction of its
// terms. The zero Expr matches everything.
type Expr struct {
	Alts [][]Term
	src  string
}

// String is the filter as the user typed it.
func (e Expr) String() string { return e.src }

// Empty reports whether e matches everything.
func (e Expr) Empty() bool { return len(e.Alts) == 0 }

// Parse reads a filter. Errors say where the text went wrong.
func Parse(s string) (Expr, error) {
	e := Expr{src: strings.TrimSpace(s)}
	rest := s
	var alt []Term
	bar := false // a | was read: an alternative must follow
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			if len(alt) == 0 && bar {
				return Expr{}, fmt.Errorf("nothing after the last |")
			}
			if len(alt) > 0 {
				e.Alts = append(e.Alts, alt)
			}
			return e, nil
		}
		if rest[0] == '|' {
			if len(alt) == 0 {
				return Expr{}, fmt.Errorf("nothing before a |")
			}
			e.Alts, alt, bar, rest = append(e.Alts, alt), nil, true, rest[1:]
			continue
		}
		var t Term
		if rest[0] == '!' {
			t.Negate = true
			rest = rest[1:]
		}
		if i := strings.IndexAny(rest, ": \t\""); i > 0 && rest[i] == ':' {
			f, ok := fieldNames[strings.ToLower(rest[:i])]
			if !ok {
				return Expr{}, fmt.Errorf("unknown field %q; the fields are name, id, code, reason, status, change and now", rest[:i])
			}
			t.Field, rest = f, rest[i+1:]
		}
		value, after, err := word(rest)
		if err != nil {
			return Expr{}, err
		}
		if value == "" {
			return Expr{}, fmt.Errorf("a term has no value after %q", strings.TrimSpace(s[:len(s)-len(rest)]))
		}
		t.Value, rest = strings.ToLower(value), after
		alt = append(alt, t)
	}
}

// word reads one value: up to the next space or |, or a quoted string.
func word(s string) (value, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", fmt.Errorf("a quote is not closed: %s", s)
		}
		return s[1 : end+1], s[end+2:], nil
	}
	end := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '|' })
	if end < 0 {
		return s, "", nil
	}
	return s[:end], s[end:], nil
}

// Match reports whether d passes every term of some alternative.
func (e Expr) Match(d *api.Detail) bool { return e.MatchChange(d, "") }

// MatchChange is Match for a row whose change against a baseline run is
// change (its label, "new failure"; "" when runs are not compared, which
// no change: term matches).
func (e Expr) MatchChange(d *api.Detail, change string) bool { return e.MatchRow(d, change, "") }

// MatchRow is MatchChange for a row whose desktop's state now is now
// ("shutoff", "active user": "" when not known, which no now: term
// matches).
func (e Expr) MatchRow(d *api.Detail, change, now string) bool {
	if len(e.Alts) == 0 {
		return true
	}
	for _, alt := range e.Alts {
		if matchAll(alt, d, change, now) {
			return true
		}
	}
	return false
}

// UsesChange reports whether a term looks at the change.
func (e Expr) UsesChange() bool { return e.uses(Change) }

// UsesNow reports whether a term looks at the desktops' state now.
func (e Expr) UsesNow() bool { return e.uses(Now) }

func (e Expr) uses(f Field) bool {
	for _, alt := range e.Alts {
		for _, t := range alt {
			if t.Field == f {
				return true
			}
		}
	}
	return false
}

// changeWords are the short words change: takes for a change that its
// label's words would make ambiguous ("new" is in two labels).
var changeWords = map[string]string{"new": "new failure", "still": "still failing", "added": "new desktop"}

func matchChange(change, value string) bool {
	if change == "" {
		return false
	}
	if label, ok := changeWords[value]; ok {
		return change == label
	}
	return contains(change, value)
}

// MatchFields is Match over a row that is not a detail (a task, a run, a
// failure group): fields maps the field names the row has to their text;
// a term without a field looks at them all, a term naming a field the row
// lacks looks at them all too.
func (e Expr) MatchFields(fields map[Field]string) bool {
	if len(e.Alts) == 0 {
		return true
	}
	for _, alt := range e.Alts {
		ok := true
		for _, t := range alt {
			if t.matchFields(fields) == t.Negate {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (t Term) matchFields(fields map[Field]string) bool {
	if v, ok := fields[t.Field]; ok && t.Field != Any {
		if t.Field == Status {
			return strings.EqualFold(v, t.Value)
		}
		return contains(v, t.Value)
	}
	for _, v := range fields {
		if contains(v, t.Value) {
			return true
		}
	}
	return false
}

func matchAll(terms []Term, d *api.Detail, change, now string) bool {
	for _, t := range terms {
		if t.match(d, change, now) == t.Negate {
			return false
		}
	}
	return true
}

func (t Term) match(d *api.Detail, change, now string) bool {
	switch t.Field {
	case Change:
		return matchChange(change, t.Value)
	case Now:
		return now != "" && contains(now, t.Value)
	case Name:
		return contains(d.DesktopName, t.Value)
	case ID:
		return contains(d.DesktopID, t.Value)
	case Code:
		return contains(d.ResultCode, t.Value)
	case Reason:
		return contains(d.FailReason, t.Value)
	case Status:
		return strings.EqualFold(d.ExecStatus, t.Value)
	}
	return contains(d.DesktopName, t.Value) || contains(d.DesktopID, t.Value) ||
		contains(d.ResultCode, t.Value) || contains(d.FailReason, t.Value)
}

// contains is a case-insensitive substring test; needle is lower-case.
func contains(haystack, needle string) bool {
	if len(needle) > len(haystack) {
		return false
	}
	if isASCII(needle) {
		// Folding ASCII bytes is exact for an ASCII needle: UTF-8 bytes of
		// other characters are all >= 0x80 and never match.
		return indexFoldASCII(haystack, needle)
	}
	return strings.Contains(strings.ToLower(haystack), needle)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// indexFoldASCII finds needle (lower-case ASCII) in haystack ignoring ASCII
// case, without allocating: filters run over every row on every change.
// Candidates are found with IndexByte (assembly) on the first byte's two
// cases, then compared.
func indexFoldASCII(haystack, needle string) bool {
	if needle == "" {
		return true
	}
	lo, up := needle[0], needle[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - ('a' - 'A')
	}
	last := len(haystack) - len(needle)
	for i := 0; i <= last; {
		rest := haystack[i : last+1]
		j := strings.IndexByte(rest, lo)
		if up != lo {
			if k := strings.IndexByte(rest, up); k >= 0 && (j < 0 || k < j) {
				j = k
			}
		}
		if j < 0 {
			return false
		}
		i += j
		if equalFoldASCII(haystack[i:i+len(needle)], needle) {
			return true
		}
		i++
	}
	return false
}

func equalFoldASCII(s, lower string) bool {
	for i := 1; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// IsFailed reports the statuses "failed" means: FAIL and FAILED.
func IsFailed(status string) bool {
	return strings.EqualFold(status, "FAIL") || strings.EqualFold(status, "FAILED")
}

// InProgress reports a status of work not finished yet: a run or a row
// RUNNING or WAITING, whose details or outcome may still change.
func InProgress(status string) bool {
	return strings.EqualFold(status, "RUNNING") || strings.EqualFold(status, "WAITING")
}

// Statuses is a set of exec statuses (upper-case); empty means any.
type Statuses map[string]bool

// ParseStatuses reads a comma-separated list such as "FAIL,SKIP".
func ParseStatuses(s string) Statuses {
	set := Statuses{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToUpper(strings.TrimSpace(p)); p != "" {
			set[p] = true
		}
	}
	return set
}

// KnownStatuses are the exec statuses the API is known to use (its
// documentation lists only SUCCESS; see API.md): any other is kept, as
// the API's strings are open, but only if the data has it.
var KnownStatuses = []string{"SUCCESS", "FAIL", "FAILED", "SKIP", "RUNNING", "WAITING"}

// Unknown are the values of the set that are neither a known status nor
// one the rows had (seen, upper-case): typos, such as FIAL, which must not
// pass as "no rows".
func (s Statuses) Unknown(seen map[string]int) []string {
	var out []string
	for want := range s {
		if slices.Contains(KnownStatuses, want) {
			continue
		}
		hit := false
		for status := range seen {
			hit = hit || strings.EqualFold(status, want)
		}
		if !hit {
			out = append(out, want)
		}
	}
	slices.Sort(out)
	return out
}

// Match reports whether status is in the set (any status when it is empty).
//
// FAIL and FAILED are one status, as for f: either name matches both.
func (s Statuses) Match(status string) bool {
	if len(s) == 0 {
		return true
	}
	up := strings.ToUpper(status)
	if IsFailed(up) {
		return s["FAIL"] || s["FAILED"]
	}
	return s[up]
}
