package api

import (
	"strings"
	"sync"
	"time"
)

// Time layouts seen in the API: the documented "yyyy-MM-dd HH:mm:ss" with a
// separate time_zone, RFC 3339, a UTC form with milliseconds, and a form
// with a GMT offset used for next_execution_time.
// (A layout with "MST" is deliberately absent: Go resolves such
// abbreviations through the local machine's zone, so "CST" would mean
// China on one host and Chicago on another.)
var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z",
	"2006-01-02 15:04:05 GMT-07:00",
	"2006-01-02 15:04:05 UTC",
	"2006-01-02 15:04:05 GMT",
}

const localLayout = "2006-01-02 15:04:05"

// ParseTime parses an API time. zone is the record's IANA time zone, used
// when the value carries none (UTC if empty or unknown). ok is false when the
// value matches no known layout; callers then show it as it came.
func ParseTime(value, zone string) (t time.Time, ok bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, false
	}
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, value); err == nil {
			return t, true
		}
	}
	if t, err := time.ParseInLocation(localLayout, value, location(zone)); err == nil {
		return t, true
	}
	return time.Time{}, false
}

var locations sync.Map // zone name -> *time.Location, or nil when unknown

// Location resolves an IANA zone name such as Asia/Shanghai; ok is false
// for an empty or unknown name.
func Location(zone string) (loc *time.Location, ok bool) {
	if zone == "" {
		return nil, false
	}
	if v, found := locations.Load(zone); found {
		loc, _ = v.(*time.Location)
		return loc, loc != nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = fixedZone(zone)
	}
	locations.Store(zone, loc)
	return loc, loc != nil
}

// fixedZone reads zones written as offsets: GMT+08:00, UTC-05, +0530.
func fixedZone(zone string) *time.Location {
	s := strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(zone)), "GMT"), "UTC")
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return nil
	}
	sign, digits := 1, strings.ReplaceAll(s[1:], ":", "")
	if s[0] == '-' {
		sign = -1
	}
	var h, m int
	switch len(digits) {
	case 1, 2:
		h = atoi(digits)
	case 3, 4:
		h, m = atoi(digits[:len(digits)-2]), atoi(digits[len(digits)-2:])
	default:
		return nil
	}
	if h < 0 || h > 14 || m < 0 || m > 59 {
		return nil
	}
	return time.FixedZone(zone, sign*(h*3600+m*60))
}

// atoi is strconv.Atoi for short digit strings, -1 on anything else.
func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func location(zone string) *time.Location {
	if loc, ok := Location(zone); ok {
		return loc
	}
	return time.UTC
}
