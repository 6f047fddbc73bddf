package alert

import (
	"fmt"
	"strings"

	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// Title and Body are the alert for people (a desktop notification, the
// screen's note): short, the task first. They are sanitised here, and
// again by whatever shows them.

// Title is "wksrec: <task> finished FAIL" or "wksrec: <task>: 3 new failures".
func (e Event) Title() string {
	name := e.Task.Name
	if name == "" {
		id := e.Run.ID
		if len(id) > 8 {
			id = id[:8] + "…" // a uuid's first group tells runs apart
		}
		name = "run " + id
	}
	name = sanitize.Line(name)
	if e.Kind == Finished {
		return fmt.Sprintf("wksrec: %s finished %s", name, sanitize.Line(e.Run.Status))
	}
	return fmt.Sprintf("wksrec: %s: %s", name, numfmt.Plural(e.NewFailureCount, "new failure", "new failures"))
}

// Body is the counts and the first new failures by name.
func (e Event) Body() string {
	c := e.Counts
	s := fmt.Sprintf("%d succeeded · %d failed · %d skipped", c.Success, c.Failed, c.Skipped)
	if e.NewFailureCount == 0 {
		return s
	}
	var names []string
	for _, d := range e.NewFailures[:min(len(e.NewFailures), 3)] {
		name := d.Name
		if name == "" {
			name = d.ID
		}
		names = append(names, sanitize.Line(name))
	}
	more := ""
	if e.NewFailureCount > len(names) {
		more = fmt.Sprintf(" and %d more", e.NewFailureCount-len(names))
	}
	return fmt.Sprintf("%s; new: %s%s", s, strings.Join(names, ", "), more)
}
