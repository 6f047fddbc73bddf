// Package numfmt writes counts for people: 12,345 desktops. The browser,
// the action plans and the scripts' messages say numbers the same way.
package numfmt

import "strconv"

// Commas formats n with thousands separators: 12,345.
func Commas(n int) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:] // FormatInt, not -n: the most negative int has no opposite
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// Plural is n with the noun that fits it: "1 desktop", "2,537 desktops".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Commas(n) + " " + many
}
