// Package termbg asks a terminal whether its background is dark, once and
// with a deadline.
//
// termenv can ask too, but waits up to a fixed five seconds for a terminal
// that never answers (some SSH clients and multiplexers); an operator's
// start must not stall that long, so the deadline here is the caller's.
package termbg

import (
	"bytes"
	"image/color"
	"os"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// maxAnswer bounds what is read: the two answers fit in well under this.
const maxAnswer = 256

// IsDark writes the background-colour query (OSC 11) followed by a cursor
// position request to out, and reads in until the cursor report arrives,
// timeout passes or maxAnswer bytes have come. Every terminal answers the
// cursor request, so it marks the end: one that skips OSC 11 costs a round
// trip, not the timeout. ok is false when there is no usable answer.
func IsDark(in, out *os.File, timeout time.Duration) (dark, ok bool) {
	if !canWait || !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return false, false
	}
	// Raw mode: without it the answer would echo and wait for a newline.
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		return false, false
	}
	defer func() { _ = term.Restore(in.Fd(), state) }()
	if _, err := out.WriteString(ansi.RequestBackgroundColor + ansi.RequestCursorPositionReport); err != nil {
		return false, false
	}
	answer := readAnswer(in, time.Now().Add(timeout))
	return parse(answer)
}

// readAnswer reads until a cursor position report ends the answer.
func readAnswer(in *os.File, deadline time.Time) []byte {
	var got []byte
	buf := make([]byte, 64)
	for len(got) < maxAnswer && !endsWithCursorReport(got) {
		if !waitReadable(in, deadline) {
			break
		}
		n, err := in.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil || n == 0 {
			break
		}
	}
	return got
}

// endsWithCursorReport reports whether b holds a complete ESC [ row ; col R.
func endsWithCursorReport(b []byte) bool {
	i := bytes.LastIndex(b, []byte("\x1b["))
	return i >= 0 && bytes.IndexByte(b[i:], 'R') > 0
}

// parse finds the OSC 11 answer, ESC ] 11 ; rgb:RRRR/GGGG/BBBB ended by BEL
// or ST, and says whether that colour is dark (HSL lightness below half,
// as termenv decides it).
func parse(b []byte) (dark, ok bool) {
	start := bytes.Index(b, []byte("\x1b]11;"))
	if start < 0 {
		return false, false
	}
	rest := b[start+len("\x1b]11;"):]
	end := bytes.IndexAny(rest, "\x07\x1b")
	if end < 0 {
		return false, false
	}
	c := ansi.XParseColor(string(rest[:end]))
	if c == nil {
		return false, false
	}
	return lightness(c) < 0.5, true
}

func lightness(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	hi, lo := max(r, g, b), min(r, g, b)
	return (float64(hi) + float64(lo)) / 2 / 0xffff
}
