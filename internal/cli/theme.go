package cli

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wksrec/wksrec/internal/termbg"
)

// backgroundQueryTimeout bounds the one question put to the terminal about
// its background. A terminal that answers does so in a round trip; one that
// never answers (some SSH clients, multiplexers) must not stall the start.
const backgroundQueryTimeout = 300 * time.Millisecond

// setUpColour gives lipgloss the user's terminal. Its colour profile and
// background were worked out while TERM was hidden (see internal/quietinit),
// so both are decided again here, for the TUI only.
func setUpColour(out *termenv.Output, theme string, getenv func(string) string) {
	termenv.SetDefaultOutput(out)
	lipgloss.DefaultRenderer().SetOutput(out)
	lipgloss.SetColorProfile(colourProfile(out, getenv))
	ask := func(timeout time.Duration) (bool, bool) { return termbg.IsDark(os.Stdin, os.Stdout, timeout) }
	lipgloss.SetHasDarkBackground(darkBackground(theme, getenv, ask))
}

// colourProfile is out's colour profile, but NO_COLOR takes colour away,
// not bold and reverse video: the styles carry no colour and the profile
// keeps attributes (termenv would drop those too). A dumb terminal gets
// no escape sequence at all.
func colourProfile(out *termenv.Output, getenv func(string) string) termenv.Profile {
	profile := out.EnvColorProfile()
	if getenv("NO_COLOR") != "" && getenv("TERM") != "dumb" {
		profile = termenv.ANSI
	}
	return profile
}

// darkBackground says whether adaptive colours should suit a dark
// background. --theme dark|light says it; otherwise NO_COLOR (no colour to
// adapt) and COLORFGBG answer it without asking; only then is the terminal
// asked, once, waiting at most backgroundQueryTimeout.
func darkBackground(theme string, getenv func(string) string, ask func(time.Duration) (dark, ok bool)) bool {
	switch theme {
	case "dark":
		return true
	case "light":
		return false
	}
	if getenv("NO_COLOR") != "" {
		return true
	}
	if dark, ok := colorFGBGIsDark(getenv("COLORFGBG")); ok {
		return dark
	}
	dark, ok := ask(backgroundQueryTimeout)
	// No answer: the dark palette, as termenv assumes.
	return dark || !ok
}

// colorFGBGIsDark reads COLORFGBG ("15;0", "default;default;0", set by
// rxvt, Konsole and others): its last field is the background's ANSI colour
// number. Black and the dark colours 1-6 and 8 are dark; 7 and 9-15 light.
func colorFGBGIsDark(v string) (dark, ok bool) {
	if v == "" {
		return false, false
	}
	fields := strings.Split(v, ";")
	bg, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil || bg < 0 || bg > 15 {
		return false, false
	}
	return bg <= 6 || bg == 8, true
}
