package ui

import (
	"fmt"
	"io"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
)

// maxClipboardBytes is the largest OSC 52 sequence sent. Terminals cap it
// (xterm and tmux near 100 kB, others lower) and silently drop or cut what
// is longer, so a larger copy is refused with a note instead.
const maxClipboardBytes = 100_000

// noteMsg is a one-line message for the status line.
type noteMsg string

// clipboard writes the system clipboard through OSC 52, which works over
// SSH and without a clipboard daemon; in tmux the sequence is wrapped in
// tmux's passthrough.
type clipboard struct {
	out  io.Writer
	tmux bool
}

// copy returns a Cmd that puts text on the clipboard and says what it did.
func (c clipboard) copy(text, what string) tea.Cmd {
	if c.out == nil {
		return func() tea.Msg { return noteMsg("no terminal to copy through") }
	}
	seq := osc52.New(text)
	if c.tmux {
		seq = seq.Tmux()
	}
	s := seq.String()
	if len(s) > maxClipboardBytes {
		return func() tea.Msg {
			return noteMsg(fmt.Sprintf("not copied: %s is %s bytes, over the terminal's %s limit – export with e instead",
				what, commas(len(s)), commas(maxClipboardBytes)))
		}
	}
	out := c.out
	return func() tea.Msg {
		// Written from a Cmd between frames: one short write, no newline.
		if _, err := io.WriteString(out, s); err != nil {
			return noteMsg("copy failed: " + err.Error())
		}
		return noteMsg("copied " + what + " (OSC 52)")
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return commas(n) + " " + many
}
