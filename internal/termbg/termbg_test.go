package termbg

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/creack/pty"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		answer   string
		dark, ok bool
	}{
		{"\x1b]11;rgb:0000/0000/0000\x07\x1b[1;1R", true, true},
		{"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[1;1R", false, true},
		{"\x1b]11;rgb:fd/f6/e3\x07\x1b[3;7R", false, true}, // Solarized light, two-digit form
		{"\x1b]11;rgb:2828/2c2c/3434\x07", true, true},
		{"\x1b[1;1R", false, false},             // no OSC 11 support: only the cursor report
		{"\x1b]11;rgb:ffff/ffff", false, false}, // cut short
		{"\x1b]11;not a colour\x07\x1b[1;1R", false, false},
		{"", false, false},
	} {
		dark, ok := parse([]byte(c.answer))
		if dark != c.dark || ok != c.ok {
			t.Errorf("parse(%q) = %v, %v; want %v, %v", c.answer, dark, ok, c.dark, c.ok)
		}
	}
}

// terminalPair is a pseudo-terminal: the program's side, and the side a
// terminal emulator would hold.
func terminalPair(t *testing.T) (tty, emulator *os.File) {
	t.Helper()
	emulator, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emulator.Close(); tty.Close() })
	return tty, emulator
}

// The terminal answers as a light one would, the cursor report last.
func TestIsDarkReadsTheAnswer(t *testing.T) {
	tty, emulator := terminalPair(t)
	asked := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		var got string
		for !strings.Contains(got, "\x1b[6n") {
			n, err := emulator.Read(buf)
			if err != nil {
				return
			}
			got += string(buf[:n])
		}
		asked <- got
		_, _ = emulator.WriteString("\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[12;40R")
	}()
	before, err := term.GetState(tty.Fd())
	if err != nil {
		t.Fatal(err)
	}
	dark, ok := IsDark(tty, tty, 10*time.Second)
	if dark || !ok {
		t.Errorf("IsDark = %v, %v; want false, true", dark, ok)
	}
	if after, _ := term.GetState(tty.Fd()); *after != *before {
		t.Error("the terminal was left in raw mode")
	}
	if q := <-asked; q != "\x1b]11;?\x07\x1b[6n" {
		t.Errorf("asked %q", q)
	}
}

// A terminal that never answers costs the timeout and no more.
func TestIsDarkGivesUpOnASilentTerminal(t *testing.T) {
	tty, _ := terminalPair(t)
	const timeout = 50 * time.Millisecond
	start := time.Now()
	if _, ok := IsDark(tty, tty, timeout); ok {
		t.Error("an answer from a silent terminal")
	}
	if took := time.Since(start); took > 10*timeout {
		t.Errorf("gave up after %s, timeout %s", took, timeout)
	}
}

// Not a terminal: nothing is written, nothing waited for.
func TestIsDarkAsksOnlyTerminals(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, ok := IsDark(r, w, time.Hour); ok {
		t.Error("an answer from a pipe")
	}
	w.Close()
	if written, _ := io.ReadAll(r); len(written) != 0 {
		t.Errorf("wrote %q to a pipe", written)
	}
}
