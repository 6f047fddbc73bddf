package triage

import (
	"testing"
	"time"
)

func TestRelativeTime(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Second: "just now", -20 * time.Minute: "in 20m", 3 * 24 * time.Hour: "3d ago", 90 * 24 * time.Hour: "3mo ago",
		3*time.Hour + 20*time.Minute: "3h 20m ago", 27 * time.Hour: "1d 3h ago", -(30*time.Hour + 5*time.Minute): "in 1d 6h", 15 * time.Hour: "15h ago",
		12 * 24 * time.Hour: "12d ago", 2 * time.Hour: "2h ago"} {
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if got := relativeTime(now.Add(-d), now); got != want {
			t.Errorf("%s before: %q, want %q", d, got, want)
		}
	}
}
