package ui

import (
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// timeFormat shows API times in the row's own time zone (time_zone), or in
// the local zone with --local-time. A time that does not parse is shown as
// it came, sanitised.
type timeFormat struct{ local bool }

const shownLayout = "2006-01-02 15:04:05"

func (f timeFormat) show(value, zone string) string {
	t, ok := api.ParseTime(value, zone)
	if !ok {
		return sanitize.Line(value)
	}
	return sanitize.Line(f.in(t, zone).Format(shownLayout)) // derived from API text: sanitised like it
}

// showZoned adds the zone's abbreviation or offset, for the detail pane.
func (f timeFormat) showZoned(value, zone string) string {
	t, ok := api.ParseTime(value, zone)
	if !ok {
		return sanitize.Line(value)
	}
	return sanitize.Line(f.in(t, zone).Format(shownLayout + " MST")) // the zone's name came from somewhere
}

func (f timeFormat) in(t time.Time, zone string) time.Time {
	if f.local {
		return t.In(time.Local)
	}
	if loc, ok := api.Location(zone); ok {
		return t.In(loc)
	}
	return t
}
