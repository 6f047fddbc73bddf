// Package wrap breaks text into lines of a display width, for the
// terminal: the detail pane's long fail reasons, CJK included.
package wrap

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text breaks s into lines of at most width cells: at spaces between
// words, after hyphens, and between any two wide (CJK) characters, which
// need no space to break, so a Chinese or Japanese fail reason fills its
// lines instead of leaving half of one empty. A word longer than a line is
// cut. CJK closing punctuation is kept off the start of a line (no line
// starts with 。 or ，): the character before it goes down with it, unless
// that character is all the line holds.
// Spaces that begin a line of s are kept (indentation); those at a break
// are dropped. Text with escape sequences (a styled value) is left to
// ansi.Wrap. Newlines in s are kept. Time is linear in len(s).
func Text(s string, width int) string {
	if strings.Contains(s, "\x1b") {
		return ansi.Wrap(s, max(width, 1), "")
	}
	width = max(width, 1)
	paras := strings.Split(s, "\n")
	for i, p := range paras {
		paras[i] = wrapLine(p, width)
	}
	return strings.Join(paras, "\n")
}

// lineBuf is the line being filled: its text, width, and last character
// (which may have to go down to the next line with closing punctuation).
type lineBuf struct {
	text    []byte
	width   int
	last    string
	lastW   int
	wrapped bool // the line began at a break: spaces at its start are dropped
	out     *strings.Builder
	maxW    int
}

func (b *lineBuf) add(g string, w int) {
	b.text = append(b.text, g...)
	b.width += w
	b.last, b.lastW = g, w
}

// breakLine ends the line here; carry, when set, moves the line's last
// character down to the next line.
func (b *lineBuf) breakLine(carry bool) {
	var moved string
	var movedW int
	if carry && b.last != "" && len(b.text) > len(b.last) {
		moved, movedW = b.last, b.lastW
		b.text = b.text[:len(b.text)-len(moved)]
		b.width -= movedW
	}
	b.out.WriteString(strings.TrimRight(string(b.text), " "))
	b.out.WriteByte('\n')
	b.text, b.width, b.last, b.lastW, b.wrapped = b.text[:0], 0, "", 0, true
	if moved != "" {
		b.add(moved, movedW)
	}
}

// place puts one character on the line, breaking first when it does not fit.
func (b *lineBuf) place(g string, w int) {
	if b.width+w > b.maxW && b.width > 0 {
		b.breakLine(isClosingPunct(g))
	}
	b.add(g, w) // a character wider than the line stands alone on one
}

// wrapLine wraps one line (no newline in it).
func wrapLine(s string, width int) string {
	var out strings.Builder
	b := &lineBuf{out: &out, maxW: width}
	for _, tok := range breakTokens(s) {
		if tok == " " {
			switch {
			case b.width == 0 && b.wrapped:
				// a break: the space is dropped
			case b.width+1 > width:
				b.breakLine(false)
			default:
				b.add(" ", 1)
			}
			continue
		}
		w := ansi.StringWidth(tok)
		switch {
		case b.width+w <= width:
			b.text = append(b.text, tok...)
			b.width += w
			b.last, b.lastW = lastGrapheme(tok)
		case w <= width:
			b.breakLine(false)
			b.text = append(b.text, tok...)
			b.width += w
			b.last, b.lastW = lastGrapheme(tok)
		default: // longer than a line: character by character
			for rest := tok; rest != ""; {
				g, gw := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
				rest = rest[len(g):]
				b.place(g, gw)
			}
		}
	}
	out.WriteString(strings.TrimRight(string(b.text), " "))
	return out.String()
}

// lastGrapheme is the last character of tok and its width.
func lastGrapheme(tok string) (string, int) {
	var g string
	var w int
	for rest := tok; rest != ""; {
		g, w = ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		rest = rest[len(g):]
	}
	return g, w
}

// breakTokens splits s where a line may break: a run of narrow characters
// (a word, or up to and including a hyphen), a single space, or one wide
// character with any closing punctuation after it.
func breakTokens(s string) []string {
	var toks []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			toks = append(toks, word.String())
			word.Reset()
		}
	}
	for rest := s; rest != ""; {
		g, w := ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		rest = rest[len(g):]
		switch {
		case g == " ":
			flush()
			toks = append(toks, " ")
		case isClosingPunct(g) && word.Len() > 0:
			word.WriteString(g) // with the word before it
			flush()
		case isClosingPunct(g) && len(toks) > 0 && toks[len(toks)-1] != " ":
			toks[len(toks)-1] += g // with the character before it
		case w == 2:
			flush()
			toks = append(toks, g)
		default:
			word.WriteString(g)
			if g == "-" {
				flush() // a line may break after a hyphen (ids are long)
			}
		}
	}
	flush()
	return toks
}

// isClosingPunct reports CJK punctuation that must not begin a line.
func isClosingPunct(g string) bool {
	return g != "" && strings.Contains("。，、：；！？）」』】〕》〉", g)
}

// Words breaks s into lines of at most width cells at its spaces only:
// a command line or an id shown whole must not break where a hyphen is
// (copied from the terminal, "--record-id" split after "--" is another
// argument). A word wider than a line is broken as Text breaks it.
// Newlines in s are kept; runs of spaces at a break are dropped.
func Words(s string, width int) string {
	width = max(width, 1)
	paras := strings.Split(s, "\n")
	for i, p := range paras {
		var lines []string
		cur, curW := "", 0
		for _, w := range strings.Fields(p) {
			ww := ansi.StringWidth(w)
			switch {
			case cur != "" && curW+1+ww <= width:
				cur, curW = cur+" "+w, curW+1+ww
			case ww <= width:
				if cur != "" {
					lines = append(lines, cur)
				}
				cur, curW = w, ww
			default:
				if cur != "" {
					lines = append(lines, cur)
				}
				broken := strings.Split(Text(w, width), "\n")
				lines = append(lines, broken[:len(broken)-1]...)
				cur = broken[len(broken)-1]
				curW = ansi.StringWidth(cur)
			}
		}
		paras[i] = strings.Join(append(lines, cur), "\n")
	}
	return strings.Join(paras, "\n")
}
