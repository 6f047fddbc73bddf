package ui

import (
	"fmt"
	"strings"

	"github.com/wksrec/wksrec/internal/triage"
)

// The columns each screen shows, and in what order, as the config file
// chooses them ([columns] tasks, runs, details: column titles, any case).
// A screen left out keeps every column; the columns a comparison or the
// history add to the details come after the status whatever is chosen.

// ColumnNames are the titles of each screen's columns.
func ColumnNames() map[string][]string {
	tf := &triage.TimeFormat{}
	return map[string][]string{
		"tasks":   titlesOf(taskColumns(tf)),
		"runs":    titlesOf(recordColumns(tf)),
		"details": titlesOf(detailColumns(tf)),
	}
}

func titlesOf[T any](cols []column[T]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.title
	}
	return out
}

// CheckColumns says which chosen column does not exist.
func CheckColumns(chosen map[string][]string) error {
	names := ColumnNames()
	for screen, cols := range chosen {
		have, ok := names[screen]
		if !ok {
			return fmt.Errorf("no screen %q", screen)
		}
		seen := map[int]bool{}
		for _, c := range cols {
			i := indexTitle(have, c)
			switch {
			case i < 0:
				return fmt.Errorf("[columns] %s: no column %q; the %s have %s", screen, c, screen, strings.Join(have, ", "))
			case seen[i]:
				return fmt.Errorf("[columns] %s: %s is named twice", screen, have[i])
			}
			seen[i] = true
		}
	}
	return nil
}

func indexTitle(titles []string, name string) int {
	for i, t := range titles {
		if strings.EqualFold(t, strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// chooseColumns keeps the columns named, in the order named (all of
// them when names is empty).
func chooseColumns[T any](cols []column[T], names []string) []column[T] {
	if len(names) == 0 {
		return cols
	}
	titles := titlesOf(cols)
	var out []column[T]
	for _, n := range names {
		if i := indexTitle(titles, n); i >= 0 {
			out = append(out, cols[i])
		}
	}
	if len(out) == 0 {
		return cols
	}
	return out
}
