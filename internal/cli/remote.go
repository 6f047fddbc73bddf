package cli

// A session served over SSH (--serve-ssh), on the session's side: who it
// is, its terminal and environment, and the browser in it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"

	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/notify"
	"github.com/wksrec/wksrec/internal/sshserve"
	"github.com/wksrec/wksrec/ui"
)

// Remote is an SSH session a command runs in (--serve-ssh): the client's
// terminal and environment, and who the key that authenticated is.
type Remote struct {
	Session ssh.Session
	User    sshserve.User
	// Hint is how this server is reached, for what e says instead of
	// writing a file: "ssh -p 2222 10.0.0.5 --".
	Hint string
	// Idle and Max end the browser itself, cleanly (the terminal
	// restored, and the client told), before the connection's own
	// limits, a minute longer, would cut it off mid-screen.
	Idle, Max time.Duration
	// serverLog is the server's stderr: what a session's end stopped is
	// said there too.
	serverLog io.Writer
	live      *liveSessions
	// ctx is the session's, ended early when the server takes its key
	// away (revoke): what a session asks of the API ends with it.
	ctx    context.Context
	cancel context.CancelFunc
	// stoppedBy says why the server ended the session ("" while it has
	// not): the client is told.
	stoppedBy atomic.Pointer[string]
	// browsing is set while the browser runs, which says why it ended on
	// its way out (the alternate screen would swallow it before).
	browsing atomic.Bool
	// keyPressed puts the idle limit off (set before input is read).
	keyPressed func()
}

// revoke ends the session: its key was taken out of [[ssh_user]], or its
// role lowered, and the server read its keys again. Its batches stop
// before their next request, its reads end, and the client is told why.
func (r *Remote) revoke(why string) {
	r.stoppedBy.Store(&why)
	if !r.browsing.Load() {
		fmt.Fprintf(r.Session.Stderr(), "wksrec: %s\n", why)
	}
	r.cancel()
}

// Own is what of c a command takes for its own: all of it here; over SSH
// not the server's alert outlets (its --notify-cmd runs on the server,
// its --webhook carries the server's token), which a session's watch must
// not set off.
func (e Env) Own(c config.Config) config.Config {
	if e.Remote != nil {
		c.NotifyCmd, c.Webhook = "", ""
	}
	return c
}

// hasTerminal reports whether the client asked for a terminal (ssh -t).
func (r *Remote) hasTerminal() bool {
	_, _, ok := r.Session.Pty()
	return ok
}

// actor is who acts, for the audit log: nobody but the local user when
// there is no SSH session.
func (r *Remote) actor() actions.Remote {
	if r == nil {
		return actions.Remote{}
	}
	return actions.Remote{User: r.User.Name, Fingerprint: r.User.Fingerprint}
}

// getenv is the client's environment: TERM from its pty request, and
// what it sent (COLORTERM, NO_COLOR, LC_TERMINAL where sshd's AcceptEnv
// equivalent lets it: this server takes any variable, and reads only
// these).
func (r *Remote) getenv(name string) string {
	env := r.Session.Environ()
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == name {
			return v
		}
	}
	return ""
}

// reachedAs is the ssh command line that reaches this server.
func reachedAs(local net.Addr) string {
	host, port, err := net.SplitHostPort(local.String())
	if err != nil {
		return "ssh HOST --"
	}
	if port == "22" {
		return "ssh " + host + " --"
	}
	return "ssh -p " + port + " " + host + " --"
}

// browseRemote runs the browser in the SSH session's terminal: its own
// size, colour profile (the client's TERM, COLORTERM and NO_COLOR), and
// screen; copies go to the client's terminal as OSC 52; e writes nothing
// on the server; no : switch to other credentials of the server's.
func (e Env) browseRemote(c config.Config, cfg ui.Config) error {
	r := e.Remote
	s := r.Session
	pty, windows, _ := s.Pty()
	getenv := r.getenv
	if getenv("TERM") == "" {
		getenv = func(name string) string {
			if name == "TERM" {
				return pty.Term
			}
			return r.getenv(name)
		}
	}
	cfg.Renderer = sessionRenderer(s, c.Theme, getenv)
	cfg.Clipboard, cfg.NoColor = s, getenv("NO_COLOR") != ""
	// The server's tmux is not the client's: a copy is OSC 52 to the
	// client's terminal, and no notification asks a tmux anything.
	cfg.InTmux, cfg.InScreen = false, false
	t := notify.Terminal{Getenv: getenv, Tmux: func() (string, bool) { return "", false }}
	cfg.Notification = func(title, body string) string { return notify.TerminalSequence(t, title, body) }
	cfg.ExportOverSSH = r.Hint
	cfg.NoSwitchWhy = ": over SSH a session reads where the server's settings say, with its credentials only"
	cfg.Remote = r.actor()
	if !r.User.MayAct {
		cfg.ReadOnlyWhy = "this key's role is read"
	}
	opts := []tea.ProgramOption{tea.WithInput(r), tea.WithOutput(s), tea.WithAltScreen(), tea.WithoutSignalHandler(),
		tea.WithEnvironment(append(s.Environ(), "TERM="+getenv("TERM")))}
	if c.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(ui.New(cfg), opts...)
	running := cfg.Running
	stopped := make(chan []*actions.Batch, 1) // what the server's stop aborted
	defer r.live.add(r, func(why string, _ syscall.Signal) []*actions.Batch {
		r.stoppedBy.Store(&why)
		b := running.Abort(why)
		stopped <- b
		p.Kill()
		return b
	})()
	defer r.limits(p, running)()
	r.browsing.Store(true)
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	go func() {
		p.Send(tea.WindowSizeMsg{Width: pty.Window.Width, Height: pty.Window.Height})
		for {
			select {
			case <-ctx.Done():
				p.Kill() // the client went, the connection's time ran out, or the key was revoked
				return
			case w := <-windows:
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
	_, err := p.Run()
	why := "the SSH session ended"
	if w := r.stoppedBy.Load(); w != nil {
		why = *w
	}
	var all []*actions.Batch // first those the server's stop said on its stderr
	select {
	case all = <-stopped:
	default:
	}
	// A batch the server's stop took may still be going out (its request
	// in flight not yet ended): it is said once.
	ended := slices.DeleteFunc(running.Abort(why), func(b *actions.Batch) bool { return slices.Contains(all, b) })
	if len(ended) > 0 {
		// Said on the server first: the client may be gone.
		account(ended, why+" ("+r.User.Name+")", cfg.AuditPath, r.serverLog)
		all = append(all, ended...)
	}
	if len(all) > 0 {
		account(all, why, cfg.AuditPath, e.Stderr)
		return fmt.Errorf("%s while power actions went out: they were stopped; what was and was not sent is in the server's audit log", why)
	}
	if r.stoppedBy.Load() != nil {
		return errors.New(why)
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// limits ends the browser at the session's limits, as q would (the
// terminal restored, the client told why): after Idle with no key
// pressed (not while power actions go out), and after Max whatever it
// does. It returns what stops the timers.
func (r *Remote) limits(p *tea.Program, running *actions.Running) (stop func()) {
	end := func(why string) {
		r.stoppedBy.Store(&why)
		p.Quit()
	}
	var (
		mu   sync.Mutex // idle is set before its own function reads it
		idle *time.Timer
	)
	mu.Lock()
	idle = time.AfterFunc(r.Idle, func() {
		mu.Lock()
		defer mu.Unlock()
		if running.Sending() {
			idle.Reset(r.Idle)
			return
		}
		end(fmt.Sprintf("no key was pressed for %s (--ssh-idle-timeout)", r.Idle))
	})
	mu.Unlock()
	r.keyPressed = func() { idle.Reset(r.Idle) }
	most := time.AfterFunc(r.Max, func() { end(fmt.Sprintf("the session reached its limit, %s (--ssh-max-session)", r.Max)) })
	return func() {
		idle.Stop()
		most.Stop()
	}
}

// Read is the session's input, which is what tells the idle limit that a
// key was pressed.
func (r *Remote) Read(b []byte) (int, error) {
	n, err := r.Session.Read(b)
	if n > 0 && r.keyPressed != nil {
		r.keyPressed()
	}
	return n, err
}

// sessionRenderer is lipgloss for the client's terminal: its colour
// profile from its TERM, COLORTERM and NO_COLOR (which, as here, takes
// colour away and keeps bold and reverse video), its background from
// --theme or COLORFGBG. The terminal is not asked: an answer consumes
// what the user types meanwhile, and many never answer.
func sessionRenderer(w io.Writer, theme string, getenv func(string) string) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w, termenv.WithEnvironment(sessionEnviron(getenv)), termenv.WithUnsafe(), termenv.WithTTY(true))
	r.SetColorProfile(colourProfile(r.Output(), getenv))
	r.SetHasDarkBackground(darkBackground(theme, getenv, func(time.Duration) (bool, bool) { return false, false }))
	return r
}

// sessionEnviron is getenv as termenv reads an environment.
type sessionEnviron func(string) string

func (g sessionEnviron) Getenv(name string) string { return g(name) }

func (g sessionEnviron) Environ() []string {
	var env []string
	for _, k := range []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORFGBG"} {
		if v := g(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}
