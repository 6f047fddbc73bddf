package triage

import (
	"testing"
	"time"
)

func TestRelativeTime(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Second: "just now", -20 * time.Minute: "in 20m", 3 * 24 * time.Hour: "3d ago", 90 * 24 * time.Hour: "3mo ago"} {
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if got := relativeTime(now.Add(-d), now); got != want {
			t.Errorf("%s before: %q, want %q", d, got, want)
		}
	}
}
