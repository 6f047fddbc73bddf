package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// wrapText breaks s into lines of at most width cells: at spaces between
// words, after hyphens, and between any two wide (CJK) characters, which need no space to
// break, so a Chinese or Japanese fail reason fills its lines instead of
// leaving half of one empty. A word longer than a line is cut. CJK closing
// punctuation stays with the character before it (a line never starts with
// 。 or ，). Text with escape sequences (a styled value) is left to
// ansi.Wrap. Newlines in s are kept.
func wrapText(s string, width int) string {
	if width < 1 || strings.Contains(s, "\x1b") {
		return ansi.Wrap(s, max(width, 1), "")
	}
	paras := strings.Split(s, "\n")
	for i, p := range paras {
		paras[i] = wrapLine(p, width)
	}
	return strings.Join(paras, "\n")
}

// wrapLine wraps one line (no newline in it).
func wrapLine(s string, width int) string {
	var (
		out   strings.Builder
		line  strings.Builder
		lineW int
	)
	newline := func() {
		out.WriteString(strings.TrimRight(line.String(), " "))
		out.WriteByte('\n')
		line.Reset()
		lineW = 0
	}
	for _, tok := range breakTokens(s) {
		w := ansi.StringWidth(tok)
		if tok == " " {
			if lineW > 0 && lineW < width {
				line.WriteByte(' ')
				lineW++
			}
			continue
		}
		if lineW+w > width && lineW > 0 {
			newline()
		}
		for w > width { // longer than a line: cut it
			head := ansi.Truncate(tok, width, "")
			out.WriteString(head)
			out.WriteByte('\n')
			tok = strings.TrimPrefix(tok, head)
			w = ansi.StringWidth(tok)
		}
		line.WriteString(tok)
		lineW += w
	}
	out.WriteString(strings.TrimRight(line.String(), " "))
	return out.String()
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
		case w == 2 && isClosingPunct(g) && len(toks) > 0 && word.Len() == 0 && toks[len(toks)-1] != " ":
			toks[len(toks)-1] += g // no line starts with 。
		case w == 2 && isClosingPunct(g) && word.Len() > 0:
			word.WriteString(g)
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
	return strings.Contains("。，、：；！？）」』】〕》〉", g) && g != ""
}
