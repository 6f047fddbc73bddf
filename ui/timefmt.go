package ui

import (
	"fmt"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// timeFormat shows API times in the row's own time zone (time_zone), or in
// the local zone with --local-time; in tables, relative to now ("3h ago")
// when T says so. A time that does not parse is shown as it came,
// sanitised. One timeFormat is shared by every table, so T switches them
// all; epoch changes with it, so drawn rows are drawn again.
type timeFormat struct {
	local    bool
	relative bool
	epoch    int
	now      func() time.Time // tests set it
}

const shownLayout = "2006-01-02 15:04:05"

// toggleRelative switches tables between relative and absolute times.
func (f *timeFormat) toggleRelative() {
	f.relative = !f.relative
	f.epoch++
}

func (f *timeFormat) show(value, zone string) string {
	if t, ok := api.ParseTime(value, zone); ok && f.relative {
		return relativeTime(t, f.clock())
	}
	return f.absolute(value, zone)
}

// absolute is show without T: for names, files and filters, which must not
// change with the clock.
func (f *timeFormat) absolute(value, zone string) string {
	t, ok := api.ParseTime(value, zone)
	if !ok {
		return sanitize.Line(value)
	}
	return sanitize.Line(f.in(t, zone).Format(shownLayout)) // derived from API text: sanitised like it
}

// cacheEpoch keys drawn rows: it changes with T, and every minute while
// times are relative, so "5m ago" does not stay 5m.
func (f *timeFormat) cacheEpoch() int {
	if !f.relative {
		return f.epoch
	}
	return f.epoch*1_000_003 + int(f.clock().Unix()/60)
}

// showZoned adds the zone's abbreviation or offset, for the detail pane
// (always absolute: the pane is where the exact time is read).
func (f *timeFormat) showZoned(value, zone string) string {
	t, ok := api.ParseTime(value, zone)
	if !ok {
		return sanitize.Line(value)
	}
	return sanitize.Line(f.in(t, zone).Format(shownLayout + " MST")) // the zone's name came from somewhere
}

func (f *timeFormat) in(t time.Time, zone string) time.Time {
	if f.local {
		return t.In(time.Local)
	}
	if loc, ok := api.Location(zone); ok {
		return t.In(loc)
	}
	return t
}

func (f *timeFormat) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
}

// relativeTime is t from now in its largest unit: "3h ago", "in 20m",
// "just now".
func relativeTime(t, now time.Time) string {
	d := now.Sub(t)
	suffix, prefix := " ago", ""
	if d < 0 {
		d, suffix, prefix = -d, "", "in "
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 60*24*time.Hour:
		s = fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	default:
		s = fmt.Sprintf("%dmo", int(d/(30*24*time.Hour)))
	}
	return prefix + s + suffix
}
