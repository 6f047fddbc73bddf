// Package sanitize makes untrusted text (everything the API returns) safe to
// put on a terminal: no control character, escape sequence or bidi override
// survives, so a desktop name cannot set the window title, write the
// clipboard (OSC 52), clear the screen or reorder what is shown.
//
// Controls are replaced by visible stand-ins rather than deleted, so an
// operator sees that a name holds something odd: ESC shows as ␛, BEL as ␇.
// Invisible characters (format characters such as U+200B and U+00AD,
// variation selectors, separators) show as ␦, so look-alike names differ
// on screen.
//
// Width: the layout measures text by grapheme cluster, as lipgloss does,
// while terminals and tmux add up each code point's wcwidth
// (TerminalWidth). Where the two
// disagree (an emoji with a skin tone, a ZWJ sequence, a soft hyphen) a
// line would overflow or wrap and push the screen up. So the output holds
// no cluster whose two widths differ: such a cluster keeps its first
// character (unless that too is disputed) and shows the rest as ␦.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
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
	return agreeOnWidth(replaceControls(s, keepNewlines))
}

// StandIn shows an invisible or disallowed character, and invalid UTF-8.
// It is U+2426 (␦, the control picture for SUBSTITUTE), not U+FFFD: that
// one is East Asian ambiguous, two cells on terminals set to treat those as
// wide, and the stand-in must measure the same on every terminal.
const StandIn = '␦'

const standIn = StandIn

func replaceControls(s string, keepNewlines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(standIn) // invalid UTF-8
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
		case r >= 0x80 && r <= 0x9f, isBidiControl(r), isInvisible(r):
			b.WriteRune(standIn) // C1 controls (8-bit CSI, OSC…), bidi and format characters
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// agreeOnWidth makes every grapheme cluster of s as wide by wcwidth as by
// grapheme width (see the package comment).
func agreeOnWidth(s string) string {
	var b *strings.Builder // nil until a cluster has to change
	for i := 0; i < len(s); {
		cluster, gw := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		at := i
		i += len(cluster)
		if len(cluster) == 1 || gw == TerminalWidth(cluster) {
			if b != nil {
				b.WriteString(cluster)
			}
			continue
		}
		if b == nil {
			b = &strings.Builder{}
			b.Grow(len(s))
			b.WriteString(s[:at])
		}
		first, size := utf8.DecodeRuneInString(cluster)
		if alone := cluster[:size]; ansi.StringWidth(alone) != TerminalWidth(alone) {
			first = standIn // disputed even alone (half a flag)
		}
		b.WriteRune(first)
		for range utf8.RuneCountInString(cluster[size:]) {
			b.WriteRune(standIn)
		}
	}
	if b == nil {
		return s
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

// wcwidth is go-runewidth with East Asian ambiguous characters narrow
// whatever the locale (its default reads LANG, and tmux and lipgloss count
// them narrow).
var wcwidth = &runewidth.Condition{EastAsianWidth: false}

// TerminalWidth is how many cells a terminal moves the cursor for s: the
// sum of each code point's wcwidth, as tmux 3.3 measures (checked there by
// printing each of the test's width traps and reading the cursor). ANSI
// sequences are not skipped: s is text.
func TerminalWidth(s string) int {
	n := 0
	for _, r := range s {
		n += wcwidth.RuneWidth(r)
	}
	return n
}

// isInvisible reports what shows nothing or moves text: format characters
// (U+00AD soft hyphen, U+200B–U+200D zero-width space and joiners, U+2060
// word joiner, U+FEFF, tags, interlinear annotations…), line and paragraph
// separators (terminals treat them as line breaks), and variation
// selectors (they change an emoji's width on some terminals only).
func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029 ||
		(r >= 0xfe00 && r <= 0xfe0f) || (r >= 0xe0100 && r <= 0xe01ef) || r == 0x180b || r == 0x180c || r == 0x180d || r == 0x180f ||
		r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0 // Hangul fillers: blank, and as wide as a CJK character
}
