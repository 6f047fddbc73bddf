package api

import (
	"fmt"
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
	if len(value) == len(localLayout) && value[10] == ' ' {
		// The documented form, on every row: none of the zoned layouts
		// can match it, and each failed try costs an error value.
		t, err := time.ParseInLocation(localLayout, value, location(zone))
		return t, err == nil
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

// Zone lookups are cached, but the cache is bounded: a hostile API can send
// a new zone name on every row.
const (
	maxZoneName   = 64  // longer than any IANA name or offset form: unknown, not cached
	maxZonesCache = 256 // distinct names kept; the cache starts over when full
)

var zones struct {
	sync.Mutex
	byName map[string]*time.Location // nil value: the name is unknown
}

// Location resolves an IANA zone name such as Asia/Shanghai, or an offset
// such as GMT+08:00; ok is false for an empty or unknown name.
func Location(zone string) (loc *time.Location, ok bool) {
	if zone == "" || len(zone) > maxZoneName {
		return nil, false
	}
	zones.Lock()
	loc, found := zones.byName[zone]
	zones.Unlock()
	if found {
		return loc, loc != nil
	}
	loc = lookupZone(zone)
	zones.Lock()
	if zones.byName == nil || len(zones.byName) >= maxZonesCache {
		zones.byName = make(map[string]*time.Location, 16)
	}
	zones.byName[zone] = loc
	zones.Unlock()
	return loc, loc != nil
}

func lookupZone(zone string) *time.Location {
	if isZoneName(zone) {
		if loc, err := time.LoadLocation(zone); err == nil {
			return loc
		}
	}
	return fixedZone(zone)
}

// isZoneName reports the characters IANA names use (Asia/Shanghai,
// Etc/GMT+8, America/Port-au-Prince); anything else is not asked of the
// zone database.
func isZoneName(zone string) bool {
	for _, c := range zone {
		if !(c == '/' || c == '_' || c == '-' || c == '+' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			return false
		}
	}
	return !strings.Contains(zone, "..")
}

// fixedZone reads zones written as offsets: GMT+08:00, UTC-05, +0530. The
// zone is named by its offset as wksrec writes it, never by the text that
// came from the API, since a formatted time prints the name.
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
	return time.FixedZone(fmt.Sprintf("GMT%c%02d:%02d", s[0], h, m), sign*(h*3600+m*60))
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
