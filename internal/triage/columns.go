package triage

import (
	"fmt"
	"slices"
	"strings"
)

// ColumnTitles are the columns of each screen, in the order drawn: what
// the config file's [columns] may choose among (titles, any case). The
// browser's column definitions carry these titles (a test holds them to
// it); the columns a comparison or the history add are not chosen.
var ColumnTitles = map[string][]string{
	"tasks":   {"TASK", "TYPE", "SCHEDULE", "LAST", "NEXT RUN", "ON"},
	"runs":    {"STARTED", "STATUS", "SUCCESS", "FAILED", "SKIPPED", "FAILED SHARE", "TYPE", "RECORD ID"},
	"details": {"DESKTOP", "STATUS", "CODE", "STARTED", "TOOK", "DESKTOP ID", "FAIL REASON"},
}

// CheckColumns says what is wrong with the columns chosen for screen: a
// column it has not, or one named twice.
func CheckColumns(screen string, chosen []string) error {
	have, ok := ColumnTitles[screen]
	if !ok {
		return fmt.Errorf("no screen %q", screen)
	}
	seen := map[int]bool{}
	for _, c := range chosen {
		i := IndexTitle(have, c)
		switch {
		case i < 0:
			return fmt.Errorf("no column %q; the %s have %s", c, screen, strings.Join(have, ", "))
		case seen[i]:
			return fmt.Errorf("%s is named twice", have[i])
		}
		seen[i] = true
	}
	return nil
}

// IndexTitle is where name is among titles (any case), or -1.
func IndexTitle(titles []string, name string) int {
	return slices.IndexFunc(titles, func(t string) bool { return strings.EqualFold(t, strings.TrimSpace(name)) })
}
