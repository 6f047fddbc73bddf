// Package triage holds what the browser and the scripts both decide about
// rows, without Bubble Tea: how times are shown, what / and --filter look
// at on each list, the packed rows of a run's details, their filters,
// sorts and counts.
package triage

import (
	"fmt"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// TimeFormat shows API times in the row's own time zone (time_zone), or in
// the local zone with --local-time; in tables, relative to now ("3h ago")
// when T says so. A time that does not parse is shown as it came,
// sanitised. One timeFormat is shared by every table, so T switches them
// all; epoch changes with it, so drawn rows are drawn again.
type TimeFormat struct {
	Local    bool
	Relative bool
	epoch    int
	Now      func() time.Time // time.Now when nil; tests set it
}

const ShownLayout = "2006-01-02 15:04:05"

// ToggleRelative switches tables between relative and absolute times.
func (f *TimeFormat) ToggleRelative() {
	f.Relative = !f.Relative
	f.epoch++
}

// Show is a time as tables show it.
func (f *TimeFormat) Show(value, zone string) string {
	if t, ok := api.ParseTime(value, zone); ok && f.Relative {
		return relativeTime(t, f.clock())
	}
	return f.Absolute(value, zone)
}

// Absolute is Show without T: for names, files and filters, which must not
// change with the clock.
func (f *TimeFormat) Absolute(value, zone string) string {
	t, ok := api.ParseTime(value, zone)
	if !ok {
		return sanitize.Line(value)
	}
	return sanitize.Line(f.in(t, zone).Format(ShownLayout)) // derived from API text: sanitised like it
}

// CacheEpoch keys drawn rows: it changes with T, and every minute while
// times are relative, so "5m ago" does not stay 5m.
func (f *TimeFormat) CacheEpoch() int {
	if !f.Relative {
		return f.epoch
	}
	return f.epoch*1_000_003 + int(f.clock().Unix()/60)
}

// ShowZoned adds the zone's abbreviation or offset, for the detail pane
// (always absolute: the pane is where the exact time is read).
func (f *TimeFormat) ShowZoned(value, zone string) string {
	t, ok := api.ParseTime(value, zone)
	if !ok {
		return sanitize.Line(value)
	}
	return sanitize.Line(f.in(t, zone).Format(ShownLayout + " MST")) // the zone's name came from somewhere
}

func (f *TimeFormat) in(t time.Time, zone string) time.Time {
	if f.Local {
		return t.In(time.Local)
	}
	if loc, ok := api.Location(zone); ok {
		return t.In(loc)
	}
	return t
}

func (f *TimeFormat) clock() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// relativeTime is t from now: two units where the second still says
// something ("3h 20m ago", "1d 3h ago", "in 20m"), one past that ("12d
// ago", "3mo ago"), "just now" within the minute.
func relativeTime(t, now time.Time) string {
	d := now.Sub(t)
	suffix, prefix := " ago", ""
	if d < 0 {
		d, suffix, prefix = -d, "", "in "
	}
	two := func(a int, ua string, b int, ub string) string {
		if b == 0 {
			return fmt.Sprintf("%d%s", a, ua)
		}
		return fmt.Sprintf("%d%s %d%s", a, ua, b, ub)
	}
	const day = 24 * time.Hour
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 10*time.Hour:
		s = two(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "m")
	case d < day:
		s = fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 10*day:
		s = two(int(d/day), "d", int(d%day/time.Hour), "h")
	case d < 60*day:
		s = fmt.Sprintf("%dd", int(d/day))
	default:
		s = fmt.Sprintf("%dmo", int(d/(30*day)))
	}
	return prefix + s + suffix
}
