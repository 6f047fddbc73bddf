package notify

import (
	"strings"
	"unicode/utf8"

	"github.com/wksrec/wksrec/internal/sanitize"
)

// maxRunes bounds each piece of untrusted text that goes into an alert or an
// error message: a notification shows a line or two, an error is read in a
// status bar, and neither should carry a megabyte someone put in a name.
const maxRunes = 200

// oneLine returns untrusted text (desktop names from the API, a command's
// stderr, a server's answer) as one plain line that any terminal shows as
// text: internal/sanitize's rule, as everywhere else (controls and
// invisible characters become visible stand-ins, so no ESC or BEL can end
// or open an escape sequence), then runs of spaces as one, cut to maxRunes.
func oneLine(s string) string {
	return truncate(strings.Join(strings.Fields(sanitize.Line(s)), " "), maxRunes)
}

// truncate cuts s to at most n runes, on a rune boundary, and marks the cut
// with an ellipsis so a reader knows there was more.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return s[:i] + "…"
}
