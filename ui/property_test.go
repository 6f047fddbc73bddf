package ui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// Terminal sizes from 1x1 to 300x100 draw without panic and no line wider
// than the terminal or more lines than it has: every width at 24 lines and
// most widths at the heights where the layout changes (one line, no room
// for titles, a short body), and every height at the widths where it
// changes (the side pane appears at 100), for each kind of screen.
func TestEverySizeFits(t *testing.T) {
	screens := map[string][]string{
		"details":        nil,
		"details+filter": {"f", "o"},
		"groups":         {"w"},
		"help":           {"?"},
		"pane focused":   {"tab"},
		"prompt":         {"/"},
	}
	for name, keys := range screens {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			everySizeFits(t, name, keys)
		})
	}
}

func everySizeFits(t *testing.T, name string, keys []string) {
	m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 120, 40)
	for _, k := range keys {
		m = send(t, m, press(k))
	}
	check := func(w, h int) {
		next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		view := next.(Model).View()
		lines := strings.Split(view, "\n")
		if len(lines) > h {
			t.Fatalf("%s at %dx%d: %d lines", name, w, h, len(lines))
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("%s at %dx%d: a line of %d cells", name, w, h, ansi.StringWidth(l))
			}
		}
	}
	for w := 1; w <= 300; w++ {
		check(w, 24)
		if w%3 == 0 || w < 20 { // no room for titles, at every third width
			check(w, 3)
		}
		if w%7 == 0 || w < 20 { // one line, and a short body, at every seventh width
			check(w, 1)
			check(w, 10)
		}
	}
	for h := 1; h <= 100; h++ {
		for _, w := range []int{40, 99, 100} {
			check(w, h)
		}
		if h%5 == 0 {
			check(300, h)
		}
	}
	for n := 1; n <= 12; n++ { // the smallest corners
		check(n, 1)
		check(1, n)
	}
}

// Without colour (NO_COLOR, TERM=dumb: the ASCII profile) and with only 16
// colours, the screen still says everything: statuses written out, the
// selection marked, the error line worded; and 16-colour terminals get
// only the 16 basic colours.
func TestReadableWithoutColourAnd16Colours(t *testing.T) {
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI} {
		lipgloss.SetColorProfile(profile)
		m := start(t, newTestModel(&stubSource{details: demoDetails()}, 100), 100, 30)
		m = send(t, m, press("j"))
		view := m.View()
		plain := ansi.Strip(view)
		for _, want := range []string{"SUCCESS", "FAIL", "SKIP", "▶ ", "row 2 of 2,537"} {
			if !strings.Contains(plain, want) {
				t.Errorf("profile %v: %q missing", profile, want)
			}
		}
		for _, sgr := range regexp.MustCompile(`\x1b\[([0-9;]*)m`).FindAllStringSubmatch(view, -1) {
			if profile == termenv.Ascii {
				t.Fatalf("ASCII profile emitted %q", sgr[0])
			}
			if strings.Contains(sgr[1], "38;") || strings.Contains(sgr[1], "48;") {
				t.Fatalf("16-colour profile emitted an extended colour %q", sgr[0])
			}
		}
	}
}

// With NO_COLOR the screen has no colour at all, but the selected row is
// still in reverse video and bold, so the cursor shows beyond its marker.
func TestNoColorKeepsTheSelectionVisible(t *testing.T) {
	defer lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetColorProfile(termenv.ANSI) // as main sets it under NO_COLOR
	cfg := Config{Source: &stubSource{details: demoDetails()}, ProjectID: "p", TaskID: "t", RecordID: "r", PageSize: 100, NoColor: true}
	m := start(t, New(cfg), 100, 30)
	m = send(t, m, press("j"))
	m = send(t, m, press("/")) // the prompt's placeholder too
	view := m.View()
	reverse := false
	for _, sgr := range regexp.MustCompile(`\x1b\[([0-9;]*)m`).FindAllStringSubmatch(view, -1) {
		for _, p := range strings.Split(sgr[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && ((n >= 30 && n <= 49) || (n >= 90 && n <= 107)) {
				t.Fatalf("NO_COLOR view has a colour: %q", sgr[0])
			}
			reverse = reverse || p == "7"
		}
	}
	if !reverse {
		t.Error("the selected row is not in reverse video")
	}
}
