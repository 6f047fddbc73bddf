package notify

import (
	"context"
	"fmt"
	"hash/fnv"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Terminal is what TerminalSequence knows of the terminal it writes to.
// Both are functions so tests can describe any terminal without touching the
// process's environment or running tmux.
type Terminal struct {
	// Getenv reads the environment; os.Getenv in the program.
	Getenv func(string) string
	// Tmux reports, when running inside tmux, the outer terminal's name
	// (tmux's client_termname) and whether tmux lets escape sequences pass
	// through to it. The program passes a closure over TmuxInfo; nil means
	// nothing can be learnt from tmux.
	Tmux func() (outerTerm string, passthrough bool)
}

// kind is the desktop-notification escape a terminal understands.
type kind int

const (
	bellOnly kind = iota
	osc9          // iTerm2, ghostty: one text
	osc99         // kitty: title and body as separate chunks
	osc777        // WezTerm, foot, rxvt-unicode: notify;title;body
)

// TerminalSequence returns what to write to the terminal for an alert: the
// bell always, and a desktop notification only where the terminal is known
// to show one. A terminal that does not know an escape may print it as
// stray text over the screen, and Windows Terminal reads OSC 9 as ConEmu's
// commands, so anything unrecognised gets the bell alone.
//
// Title and body are untrusted (desktop names come from the API): controls
// and format characters are removed and each is cut to about 200 runes, so
// neither can end the sequence early or start another.
func TerminalSequence(t Terminal, title, body string) string {
	title, body = oneLine(title), oneLine(body)
	if title == "" && body == "" {
		return "\a"
	}
	getenv := t.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	term, termProgram := getenv("TERM"), getenv("TERM_PROGRAM")

	switch {
	case getenv("TMUX") != "":
		// tmux sets its own TERM and TERM_PROGRAM; the terminal it is drawn
		// on is its client's. Without passthrough tmux swallows the escape,
		// but it forwards the bell itself.
		if t.Tmux == nil {
			return "\a"
		}
		outer, passthrough := t.Tmux()
		seq := notification(identify(getenv, outer, ""), title, body)
		if !passthrough || seq == "" {
			return "\a"
		}
		return "\a" + ansi.TmuxPassthrough(seq)

	case getenv("STY") != "" || strings.HasPrefix(term, "screen"):
		// GNU screen sets its own TERM but leaves TERM_PROGRAM and the
		// markers of the terminal it was started in, and it hands a DCS
		// string's contents to that terminal. It cuts long strings, hence
		// the chunks.
		seq := notification(identify(getenv, "", termProgram), title, body)
		if seq == "" {
			return "\a"
		}
		return "\a" + ansi.ScreenPassthrough(seq, 768)

	case strings.HasPrefix(term, "tmux") || termProgram == "tmux":
		// tmux whose TMUX variable was lost (sudo, env -i): it cannot be
		// asked about passthrough, so the bell only.
		return "\a"
	}
	return "\a" + notification(identify(getenv, term, termProgram), title, body)
}

// identify names the notification escape of the terminal described by its
// TERM, its TERM_PROGRAM and the markers in the environment. TERM and
// TERM_PROGRAM are set by the terminal itself, so they are asked first;
// KITTY_WINDOW_ID and LC_TERMINAL are inherited by whatever runs inside (and
// LC_TERMINAL crosses SSH), so they count only when TERM_PROGRAM names no
// other terminal.
func identify(getenv func(string) string, term, termProgram string) kind {
	if getenv("WT_SESSION") != "" {
		return bellOnly // Windows Terminal: OSC 9 is ConEmu's there
	}
	switch {
	case term == "xterm-kitty":
		return osc99
	case term == "xterm-ghostty":
		return osc9
	case term == "foot" || term == "foot-extra", strings.HasPrefix(term, "rxvt-unicode"):
		return osc777
	}
	switch termProgram {
	case "ghostty", "iTerm.app":
		return osc9
	case "WezTerm":
		return osc777
	case "":
	default:
		return bellOnly // Apple_Terminal, vscode, …: another terminal
	}
	switch {
	case getenv("KITTY_WINDOW_ID") != "":
		return osc99
	case getenv("LC_TERMINAL") == "iTerm2":
		return osc9
	}
	return bellOnly // xterm, the Linux console, VTE and the unknown
}

// notification builds the escape of kind k, or "" for bellOnly. Title and
// body are already one clean line each.
func notification(k kind, title, body string) string {
	switch k {
	case osc9:
		// One text. ';' would make "4;…" read as a ConEmu command (a
		// progress bar) in terminals that understand those.
		text := title
		if title != "" && body != "" {
			text = title + ": " + body
		} else if title == "" {
			text = body
		}
		return ansi.Notify(strings.ReplaceAll(text, ";", ","))
	case osc777:
		// ';' separates the fields.
		return ansi.URxvtExt("notify", strings.ReplaceAll(title, ";", ","), strings.ReplaceAll(body, ";", ","))
	case osc99:
		// kitty's payload runs to the terminator, so ';' may stay. The
		// identifier ties the title chunk (d=0: more to come) to the body
		// chunk; it is derived from the text so that the same alert shown
		// again replaces itself while different alerts stand side by side.
		if title == "" {
			title, body = body, ""
		}
		id := "i=" + alertID(title, body)
		if body == "" {
			return ansi.DesktopNotification(title, id)
		}
		return ansi.DesktopNotification(title, id, "d=0") +
			ansi.DesktopNotification(body, id, "d=1", "p=body")
	}
	return ""
}

func alertID(title, body string) string {
	h := fnv.New32a()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return fmt.Sprintf("wksrec-%08x", h.Sum32())
}

// tmuxCache holds what tmux said, for the life of the process: an alert
// should not cost two processes each time. Only a completed answer is kept,
// so a first call whose context was already cancelled does not decide for
// later ones.
var tmuxCache struct {
	sync.Mutex
	done        bool
	term        string
	passthrough bool
}

// TmuxInfo asks the tmux this process runs in for the name of the terminal
// its client is drawn on and whether allow-passthrough is on. Each question
// has a second to answer; a tmux that is missing, slow or too old for the
// option answers "", false, and the caller falls back to the bell.
//
// The answer is cached for the process, so a client that re-attaches from
// another terminal is not noticed until restart.
func TmuxInfo(ctx context.Context) (outerTerm string, passthrough bool) {
	tmuxCache.Lock()
	defer tmuxCache.Unlock()
	if !tmuxCache.done {
		term, pass := queryTmux(ctx, runTmux)
		if ctx.Err() != nil {
			return term, pass
		}
		tmuxCache.done, tmuxCache.term, tmuxCache.passthrough = true, term, pass
	}
	return tmuxCache.term, tmuxCache.passthrough
}

// queryTmux asks the two questions through run, which tests replace.
func queryTmux(ctx context.Context, run func(context.Context, ...string) string) (string, bool) {
	term := run(ctx, "display-message", "-p", "#{client_termname}")
	// "on" lets a visible pane pass escapes through, "all" any pane.
	pass := run(ctx, "show-options", "-gqv", "allow-passthrough")
	return term, pass == "on" || pass == "all"
}

// runTmux runs tmux directly, never through a shell, and returns its first
// line of output, or "" on any failure.
func runTmux(ctx context.Context, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tmux", args...).Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}
