package ui

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/keymap"
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

// Every key, on every screen, over random choices of columns ([columns])
// and random sizes: nothing panics and the screen fits. > once indexed an
// empty list when the details' chosen columns had none to sort by.
func TestEveryKeyOverRandomColumns(t *testing.T) {
	var keys []string
	k := keymap.Default()
	v := reflect.ValueOf(k)
	for i := 0; i < v.NumField(); i++ {
		for _, name := range v.Field(i).Interface().(key.Binding).Keys() {
			// Not quit; nor W, whose ticks the synchronous harness would
			// wait out in real time.
			if name != "q" && name != "ctrl+c" && name != "shift+drag" && name != "W" {
				keys = append(keys, name)
			}
		}
	}
	keys = append(keys, "r", "R", "s", "x", "h", "1", "enter", "esc", "esc") // the action menu's letters, a count
	data := fake.NewDataset(5)
	for seed := uint64(0); seed < 24; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 7))
			columns := map[string][]string{}
			for screen, titles := range triage.ColumnTitles {
				if rng.IntN(3) == 0 {
					continue // every column
				}
				perm := rng.Perm(len(titles))
				for _, i := range perm[:1+rng.IntN(len(titles))] {
					columns[screen] = append(columns[screen], titles[i])
				}
			}
			if seed%4 == 0 { // the details with no column to sort by, as the attack chose
				columns["details"] = []string{"desktop id", "fail reason"}
			}
			w, h := 1+rng.IntN(200), 1+rng.IntN(60)
			m := start(t, New(Config{Source: &dataSource{d: data}, ProjectID: "p", PageSize: 100, Columns: columns,
				AuditPath: filepath.Join(t.TempDir(), "actions.log"), DesktopRest: time.Nanosecond, JobPoll: time.Nanosecond}), w, h)
			m = send(t, m, press("enter"))
			m = send(t, m, press("enter"))
			for step := 0; step < 80; step++ {
				var msg tea.Msg = press(keys[rng.IntN(len(keys))])
				if rng.IntN(10) == 0 {
					w, h = 1+rng.IntN(200), 1+rng.IntN(60)
					msg = tea.WindowSizeMsg{Width: w, Height: h}
				}
				m = send(t, m, msg)
				lines := strings.Split(m.View(), "\n")
				if len(lines) > h {
					t.Fatalf("columns %v, step %d (%v): %d lines at height %d", columns, step, msg, len(lines), h)
				}
				for _, line := range lines {
					if ansi.StringWidth(line) > w {
						t.Fatalf("columns %v, step %d (%v): a line of %d cells at width %d", columns, step, msg, ansi.StringWidth(line), w)
					}
				}
			}
		})
	}
}
