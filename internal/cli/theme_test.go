package cli

import (
	"testing"
	"time"
)

// The terminal is asked only when neither --theme nor the environment
// says the background, and then with the 300 ms bound.
func TestDarkBackgroundAsksOnlyWhenItMust(t *testing.T) {
	for _, c := range []struct {
		name, theme string
		env         []string
		answer      func(time.Duration) (bool, bool)
		want, asked bool
	}{
		{"--theme dark", "dark", nil, nil, true, false},
		{"--theme light", "light", []string{"COLORFGBG", "0;15"}, nil, false, false},
		{"NO_COLOR", "auto", []string{"NO_COLOR", "1"}, nil, true, false},
		{"COLORFGBG light", "auto", []string{"COLORFGBG", "0;15"}, nil, false, false},
		{"COLORFGBG dark, three fields", "auto", []string{"COLORFGBG", "15;default;0"}, nil, true, false},
		{"COLORFGBG unreadable", "auto", []string{"COLORFGBG", "default"}, answerLight, false, true},
		{"terminal answers light", "auto", nil, answerLight, false, true},
		{"terminal silent", "auto", nil, func(time.Duration) (bool, bool) { return false, false }, true, true},
	} {
		asked := false
		ask := func(timeout time.Duration) (bool, bool) {
			asked = true
			if timeout != 300*time.Millisecond {
				t.Errorf("%s: asked with timeout %s", c.name, timeout)
			}
			if c.answer == nil {
				t.Fatalf("%s: asked the terminal", c.name)
			}
			return c.answer(timeout)
		}
		if got := darkBackground(c.theme, env(c.env...), ask); got != c.want || asked != c.asked {
			t.Errorf("%s: dark %v, asked %v; want %v, %v", c.name, got, asked, c.want, c.asked)
		}
	}
}

func answerLight(time.Duration) (bool, bool) { return false, true }

func TestColorFGBG(t *testing.T) {
	for v, want := range map[string]struct{ dark, ok bool }{
		"15;0": {true, true}, "0;7": {false, true}, "7;8": {true, true}, "0;15": {false, true},
		"15;default;4": {true, true}, "": {false, false}, "15;": {false, false}, "15;16": {false, false}, "x;-1": {false, false},
	} {
		if dark, ok := colorFGBGIsDark(v); dark != want.dark || ok != want.ok {
			t.Errorf("COLORFGBG=%q: %v, %v; want %v, %v", v, dark, ok, want.dark, want.ok)
		}
	}
}
