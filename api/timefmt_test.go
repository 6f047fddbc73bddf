package api

import (
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
