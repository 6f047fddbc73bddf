package ui

import (
	"github.com/wksrec/wksrec/internal/triage"
)

// The columns each screen shows, and in what order, as the config file
// chooses them ([columns] tasks, runs, details: column titles, any case).
// A screen left out keeps every column; the columns a comparison or the
// history add to the details come after the status whatever is chosen.

func titlesOf[T any](cols []column[T]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.title
	}
	return out
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
		if i := triage.IndexTitle(titles, n); i >= 0 {
			out = append(out, cols[i])
		}
	}
	if len(out) == 0 {
		return cols
	}
	return out
}
