package api

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	shanghai := time.FixedZone("", 8*3600)
	want := time.Date(2022, 12, 31, 9, 0, 0, 0, shanghai)
	tests := []struct {
		value, zone string
		want        time.Time
		ok          bool
	}{
		{"2022-12-31 09:00:00", "Asia/Shanghai", want, true},
		{"2022-12-31 01:00:00", "", want, true},          // no zone: UTC
		{"2022-12-31 01:00:00", "Not/AZone", want, true}, // unknown zone: UTC
		{"2022-12-31 09:00:00", "GMT+08:00", want, true}, // an offset as the zone
		{"2022-12-31 09:00:00", "UTC+8", want, true},
		{"2022-12-30 20:00:00", "-05:00", want, true},
		{"2022-12-31 01:00:00 UTC", "Asia/Shanghai", want, true},
		{"2022-12-31 01:00:00 GMT", "", want, true},
		{"2022-12-31 09:00:00 CST", "", time.Time{}, false}, // ambiguous abbreviation: shown as it came
		{"2022-12-31T09:00:00+08:00", "", want, true},
		{"2022-12-31T01:00:00.000Z", "", want, true},
		{"2022-12-31 09:00:00 GMT+08:00", "", want, true},
		{" 2022-12-31 09:00:00 ", "Asia/Shanghai", want, true},
		{"", "Asia/Shanghai", time.Time{}, false},
		{"yesterday", "", time.Time{}, false},
		{"2022-13-31 09:00:00", "", time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := ParseTime(tc.value, tc.zone)
		if ok != tc.ok || (ok && !got.Equal(tc.want)) {
			t.Errorf("ParseTime(%q, %q) = %v, %v; want %v, %v", tc.value, tc.zone, got, ok, tc.want, tc.ok)
		}
	}
}

// A zone given as an offset is named by its offset, never by the text the
// API sent: that text is printed with every zoned time.
func TestOffsetZonesAreNamedCleanly(t *testing.T) {
	for _, zone := range []string{"GMT+08:00\r", "\v\fUTC+8\u0085", "+0800 ", "\tGMT+8\n"} {
		loc, ok := Location(zone)
		if !ok {
			t.Errorf("zone %q not understood", zone)
			continue
		}
		if name := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Format("MST"); name != "GMT+08:00" {
			t.Errorf("zone %q is named %q", zone, name)
		}
	}
}

// 10,000 distinct zone names leave a bounded cache behind.
func TestZoneCacheIsBounded(t *testing.T) {
	for i := range 10_000 {
		Location(fmt.Sprintf("Zone/%d-%s", i, strings.Repeat("x", 40)))
		Location(fmt.Sprintf("GMT+%d", i%15))
	}
	zones.Lock()
	n := len(zones.byName)
	zones.Unlock()
	if n > maxZonesCache {
		t.Errorf("%d zones cached, bound %d", n, maxZonesCache)
	}
	if _, ok := Location(strings.Repeat("A", 10_000)); ok {
		t.Error("a 10,000-byte zone name resolved")
	}
}
