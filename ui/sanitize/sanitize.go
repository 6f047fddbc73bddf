// Package sanitize makes untrusted text (everything the API returns) safe to
// put on a terminal: no control character, escape sequence or bidi override
// survives, so a desktop name cannot set the window title, write the
// clipboard (OSC 52), clear the screen or reorder what is shown.
//
// Controls are replaced by visible stand-ins rather than deleted, so an
// operator sees that a name holds something odd: ESC shows as ␛, BEL as ␇.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Line returns s safe for a single-line cell: newlines and tabs become spaces.
func Line(s string) string { return clean(s, false) }

// Block returns s safe for a multi-line pane: newlines are kept (CR LF and
// lone CR become LF), tabs become spaces.
func Block(s string) string { return clean(s, true) }

func clean(s string, keepNewlines bool) string {
	if isPlain(s) {
		return s // the common case: printable ASCII, no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError) // invalid UTF-8
		case r == '\r':
			if keepNewlines {
				if i < len(s) && s[i] == '\n' {
					continue // CR LF: the LF is written next
				}
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\n':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // C0 control pictures: ␀ … ␛ …
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r <= 0x9f, isBidiControl(r), isInvisibleFormat(r):
			b.WriteRune(utf8.RuneError) // C1 controls (8-bit CSI, OSC…), bidi controls
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// isBidiControl reports the characters that change display order (the
// "Trojan Source" set) and the implicit direction marks.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, // LRE RLE PDF LRO RLO
		r >= 0x2066 && r <= 0x2069,            // LRI RLI FSI PDI
		r == 0x200e, r == 0x200f, r == 0x061c: // LRM RLM ALM
		return true
	}
	return false
}

// isInvisibleFormat reports line/paragraph separators, which terminals treat
// as line breaks, and the interlinear annotation and tag characters that
// hide text.
func isInvisibleFormat(r rune) bool {
	return r == 0x2028 || r == 0x2029 || (r >= 0xfff9 && r <= 0xfffb) || (r >= 0xe0000 && r <= 0xe007f)
}
