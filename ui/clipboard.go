package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"time"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/internal/numfmt"
)

// maxClipboardBytes is the largest OSC 52 sequence sent. Terminals cap it
// (xterm and tmux near 100 kB, others lower) and silently drop or cut what
// is longer, so a larger copy is refused with a note instead.
const maxClipboardBytes = 100_000

// tmuxTimeout bounds the tmux command a copy runs.
const tmuxTimeout = 3 * time.Second

// noteMsg is a one-line message for the status line.
type noteMsg string

// clipboard puts text on the user's clipboard over SSH, with no clipboard
// daemon:
//   - inside tmux, by handing it to tmux (load-buffer -w): tmux keeps it in
//     its paste buffer and sends it on to the outer terminal's clipboard,
//     under tmux's default settings. An application's own OSC 52 is not a
//     way in: tmux 3.3 drops passthrough by default (allow-passthrough
//     off) and refuses applications' clipboard sequences (set-clipboard
//     external);
//   - inside GNU screen, as OSC 52 in screen's DCS passthrough;
//   - elsewhere, as a plain OSC 52.
//
// The note says which was done, so a copy never claims more than happened.
type clipboard struct {
	out          io.Writer // the terminal
	tmux, screen bool      // $TMUX, $STY set
	// runTmux runs tmux with stdin; exec.Command by default.
	runTmux func(ctx context.Context, stdin []byte, args ...string) error
}

// copy returns a Cmd that puts text on the clipboard and says what it did.
// what names the text ("34 desktop ids").
func (c clipboard) copy(text, what string) tea.Cmd {
	run := c.runTmux
	if run == nil {
		run = execTmux
	}
	if c.tmux {
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), tmuxTimeout)
			defer cancel()
			if run(ctx, []byte(text), "load-buffer", "-w", "-") == nil {
				return noteMsg(what + " put in the tmux buffer and sent to the clipboard")
			}
			// Before tmux 3.2, load-buffer has no -w: the buffer only.
			if run(ctx, []byte(text), "load-buffer", "-") == nil {
				return noteMsg(what + " put in the tmux buffer (prefix ] pastes; this tmux cannot reach the clipboard)")
			}
			return c.osc52(text, what, "OSC 52 through tmux, which passes it on only with allow-passthrough on")()
		}
	}
	if c.screen {
		return c.osc52(text, what, "OSC 52 through screen")
	}
	return c.osc52(text, what, "OSC 52")
}

// osc52 writes text to the terminal as an OSC 52 sequence, wrapped for
// the multiplexer if there is one.
func (c clipboard) osc52(text, what, how string) tea.Cmd {
	if c.out == nil {
		return func() tea.Msg { return noteMsg("not copied: no terminal to copy through") }
	}
	seq := osc52.New(text)
	switch {
	case c.tmux:
		seq = seq.Tmux()
	case c.screen:
		seq = seq.Screen()
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
		return noteMsg("sent " + what + " to the terminal's clipboard (" + how + ")")
	}
}

// execTmux runs the tmux that $TMUX names, feeding it stdin.
func execTmux(ctx context.Context, stdin []byte, args ...string) error {
	cmd := exec.CommandContext(ctx, "tmux", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	return cmd.Run()
}

func plural(n int, one, many string) string { return numfmt.Plural(n, one, many) }
