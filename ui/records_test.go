package ui

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
)

func TestShareBar(t *testing.T) {
	for _, tc := range []struct {
		frac float64
		want string
	}{
		{0, "      "},
		{1, "██████"},
		{0.5, "███   "},
		{1.0 / 48, "▏     "},
		{0.11, "▋     "},
		{2, "██████"}, // a count that lies: clamped
		{-1, "      "},
	} {
		if got := shareBar(tc.frac, 6); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.frac, got, tc.want)
		}
	}
	if _, ok := failedShare(api.Record{}); ok {
		t.Error("a run that counted no desktop has a share")
	}
}

// The runs screen draws each run's failed share and, above the table, a
// sparkline of the newest runs' shares, oldest first.
func TestRunsShowTheirFailedShare(t *testing.T) {
	src := &stubSource{details: demoDetails(), records: []api.Record{
		{ID: "newest", StartTime: "2026-11-28 02:00:00", SuccessNum: 1, FailedNum: 1},
		{ID: "middle", StartTime: "2026-11-27 02:00:00", SuccessNum: 4},
		{ID: "oldest", StartTime: "2026-11-26 02:00:00", SuccessNum: 3, FailedNum: 1},
		{ID: "none", StartTime: "2026-11-25 02:00:00"},
	}}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", PageSize: 100}), 120, 30)
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "failed share, last 3 runs: ▅▁█ (highest 50%, newest 50%)") {
		t.Errorf("no sparkline:\n%s", view)
	}
	if !strings.Contains(view, "███     50%") || !strings.Contains(view, "█▌      25%") {
		t.Errorf("no bars:\n%s", view)
	}
}

// Absurd counts (an int sum that wraps) draw a bar and a sparkline, not a
// panic.
func TestRunsWithAbsurdCounts(t *testing.T) {
	src := &stubSource{details: demoDetails(), records: []api.Record{
		{ID: "a", SuccessNum: 1, FailedNum: math.MaxInt},
		{ID: "b", SuccessNum: math.MaxInt, FailedNum: math.MaxInt, SkipNum: math.MaxInt},
		{ID: "c", SuccessNum: -5, FailedNum: 1},
		{ID: "d", SuccessNum: 1, FailedNum: 1},
	}}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: "t", PageSize: 100}), 120, 30)
	if view := ansi.Strip(m.View()); !strings.Contains(view, "failed share, last 4 runs:") {
		t.Errorf("no sparkline:\n%s", view)
	}
}
