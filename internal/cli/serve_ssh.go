package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	shlex "github.com/anmitsu/go-shlex"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/notify"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
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
	// stoppedBy says why the server ended the session ("" while it has
	// not): the client is told.
	stoppedBy atomic.Pointer[string]
	// keyPressed puts the idle limit off (set before input is read).
	keyPressed func()
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

// Run is a command line run to its exit status: main's dispatch, which a
// session's arguments go through as a local command's do.
type Run func(env Env, args []string) int

// ServeSSH serves the browser and the script mode over SSH until SIGTERM
// or SIGINT, which stop every batch going out (accounted for in the
// audit log) and end the sessions. SIGHUP reads the config file's
// [[ssh_user]] again, as sshd reads its configuration: args are the
// command line to read it with.
func (e Env) ServeSSH(c config.Config, fs *pflag.FlagSet, args []string, run Run) error {
	srv, err := e.StartSSH(c, fs, run)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "wksrec: serving over SSH on %s to %s; host key %s; sessions logged in %s\n",
		srv.Addr, numfmt.Plural(len(c.SSHUsers), "[[ssh_user]] key", "[[ssh_user]] keys"), srv.srv.HostKey, filepath.Join(srv.stateDir, sshserve.SessionLogName))
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	for {
		select {
		case err := <-srv.served:
			srv.Stop("the server failed")
			return err
		case s := <-sigs:
			sig := s.(syscall.Signal)
			if sig == syscall.SIGHUP {
				if n, err := srv.Reload(args, e.Getenv); err != nil {
					fmt.Fprintf(e.Stderr, "wksrec: SIGHUP: the keys were not read again, the old ones stay: %s\n", sanitize.Line(err.Error()))
				} else {
					fmt.Fprintf(e.Stderr, "wksrec: SIGHUP: %s read again; the sessions open go on\n", numfmt.Plural(n, "[[ssh_user]] key", "[[ssh_user]] keys"))
				}
				continue
			}
			fmt.Fprintf(e.Stderr, "wksrec: %s: ending %s\n", signalName(sig), numfmt.Plural(srv.srv.Sessions(), "session", "sessions"))
			if !srv.Stop("the server stopped (" + signalName(sig) + ")") {
				return SignalError{sig, fmt.Errorf("stopped (%s) while power actions went out: a request did not end within 5 s; it may have been applied (see the audit log)", signalName(sig))}
			}
			return nil
		}
	}
}

// Reload reads the [[ssh_user]] keys again from the config file the
// command line args name: they decide the next logins. It returns how
// many there are; on an error the keys in force stay.
func (s *SSHServer) Reload(args []string, getenv func(string) string) (int, error) {
	c, _, err := config.Parse(args, getenv)
	if err != nil {
		return 0, err
	}
	return len(c.SSHUsers), s.srv.SetUsers(c.SSHUsers)
}

// connGrace is how much longer than a session's idle and whole-session
// limits its connection may last: the browser ends itself at its limit,
// and the connection is cut a minute later if the client lingers.
const connGrace = time.Minute

// SSHServer is --serve-ssh started: Addr is where it listens.
type SSHServer struct {
	Addr      net.Addr
	srv       *sshserve.Server
	pool      *session.Pool
	live      *liveSessions
	auditPath string
	stateDir  string
	stderr    io.Writer
	served    chan error
}

// StartSSH starts serving over SSH: every session through one pool of
// API sessions (one client, so one rate budget, per place and
// credentials, and one store), as its key's role allows. fs holds the
// server's own settings, which go under each session's.
func (e Env) StartSSH(c config.Config, fs *pflag.FlagSet, run Run) (*SSHServer, error) {
	addr, err := config.SSHAddress(c.ServeSSH)
	if err != nil {
		return nil, err
	}
	auditPath, err := actions.AuditPath(e.Getenv)
	if err != nil {
		return nil, config.Errorf("--serve-ssh keeps its host key and session log beside the audit log: %v", err)
	}
	s := &SSHServer{pool: session.NewPool(e.session()), live: &liveSessions{open: map[*Remote]func(string) []*actions.Batch{}},
		auditPath: auditPath, stateDir: filepath.Dir(auditPath), stderr: e.Stderr, served: make(chan error, 1)}
	if _, err := s.pool.Connect(c); err != nil {
		s.pool.Close()
		return nil, err // the server's own credentials, checked before anyone logs in
	}
	base := serverArgs(c, fs)
	s.srv, err = sshserve.New(sshserve.Options{Addr: addr, Users: c.SSHUsers, StateDir: s.stateDir,
		Idle: c.SSHIdle + connGrace, Max: c.SSHMaxSession + connGrace, MaxSessions: c.SSHMaxSessions,
		Handler: func(sess ssh.Session, u sshserve.User) int {
			r := &Remote{Session: sess, User: u, Hint: reachedAs(sess.LocalAddr()), Idle: c.SSHIdle, Max: c.SSHMaxSession, serverLog: e.Stderr, live: s.live}
			return e.sshSession(r, base, run, s.pool)
		}})
	if err != nil {
		s.pool.Close()
		return nil, err
	}
	for _, n := range s.srv.Notes {
		fmt.Fprintln(e.Stderr, "wksrec: note: "+n)
	}
	if s.Addr, err = s.srv.Listen(); err != nil {
		s.srv.Close()
		s.pool.Close()
		return nil, err
	}
	go func() { s.served <- s.srv.Serve() }()
	return s, nil
}

// Stop stops every batch going out and accounts for it, then ends the
// sessions (waiting 10 s at most) and releases the API sessions; false
// when a stopped batch's request did not end in time.
func (s *SSHServer) Stop(why string) bool {
	all := true
	for r, stopped := range s.live.abortAll(why) { // all stopped first, then each said
		all = account(stopped, why+" ("+r.User.Name+")", s.auditPath, s.stderr) && all
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Drain(ctx); err != nil {
		fmt.Fprintf(s.stderr, "wksrec: %s\n", err)
	}
	s.pool.Close()
	return all
}

// serverArgs are the flags the server was given, for each session's
// command line to go under: not --serve-ssh and its bounds, not the
// alert outlets (a session's watch does not set off the server's), and
// not what the config file or the environment set (a session reads
// those again, as a command does).
func serverArgs(c config.Config, fs *pflag.FlagSet) []string {
	var args []string
	fs.Visit(func(f *pflag.Flag) {
		switch {
		case c.Sources[f.Name] != "flag", f.Name == "serve-ssh", strings.HasPrefix(f.Name, "ssh-"),
			f.Name == "notify-cmd", f.Name == "webhook":
			return
		}
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

// sshSession runs one session: its arguments checked against what a
// session may set and the key's role, then main's dispatch with the
// session's terminal, the pool's API sessions, and a read key's
// --read-only.
func (e Env) sshSession(r *Remote, base []string, run Run, pool *session.Pool) int {
	s, u := r.Session, r.User
	// Split as the ssh library splits it (Command), but with its error:
	// an unclosed quote is not an empty command line.
	args, err := shlex.Split(s.RawCommand(), true)
	if err != nil {
		fmt.Fprintf(s.Stderr(), "wksrec: the arguments cannot be read (%s): check the quotes\n", sanitize.Line(err.Error()))
		return 2
	}
	if err := config.CheckRemoteArgs(args, u.MayAct); err != nil {
		fmt.Fprintf(s.Stderr(), "wksrec: %s\n", sanitize.Line(err.Error()))
		return 2
	}
	env := e
	env.Stdout, env.Stderr, env.Connect = s, s.Stderr(), pool.Connect
	env.Remote = r
	// --wait and --watch end with the session, not hours after it.
	env.Sleep = func(ctx context.Context, d time.Duration) error {
		ctx, cancel := context.WithCancel(ctx)
		defer context.AfterFunc(s.Context(), cancel)()
		defer cancel()
		err := runs.Sleep(ctx, d)
		if err != nil && s.Context().Err() != nil {
			return fmt.Errorf("the SSH session ended")
		}
		return err
	}
	all := append(slices.Clone(base), args...)
	if !u.MayAct {
		all = append(all, "--read-only")
	}
	return run(env, all)
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
	r.live.add(r, func(why string) []*actions.Batch {
		r.stoppedBy.Store(&why)
		b := running.Abort(why)
		stopped <- b
		p.Kill()
		return b
	})
	defer r.live.remove(r)
	defer r.limits(p, running)()
	ctx, cancel := context.WithCancel(s.Context())
	defer cancel()
	go func() {
		p.Send(tea.WindowSizeMsg{Width: pty.Window.Width, Height: pty.Window.Height})
		for {
			select {
			case <-ctx.Done():
				p.Kill() // the client went, or the connection's time ran out
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
		sshserve.Ended(s, why)
	}
	var all []*actions.Batch // first those the server's stop said on its stderr
	select {
	case all = <-stopped:
	default:
	}
	if ended := running.Abort(why); len(ended) > 0 {
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
	var idle *time.Timer
	idle = time.AfterFunc(r.Idle, func() {
		if running.Sending() {
			idle.Reset(r.Idle)
			return
		}
		end(fmt.Sprintf("no key was pressed for %s (--ssh-idle-timeout)", r.Idle))
	})
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
	opts := []termenv.OutputOption{termenv.WithEnvironment(sessionEnviron(getenv)), termenv.WithUnsafe(), termenv.WithTTY(true)}
	r := lipgloss.NewRenderer(w, opts...)
	r.SetColorProfile(colourProfile(termenv.NewOutput(w, opts...), getenv))
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

// liveSessions are the browsers served, each with what stops it: a
// signal to the server stops every batch going out and accounts for it
// before the connections close.
type liveSessions struct {
	mu   sync.Mutex
	open map[*Remote]func(why string) []*actions.Batch
}

func (l *liveSessions) add(r *Remote, stop func(string) []*actions.Batch) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open[r] = stop
}

func (l *liveSessions) remove(r *Remote) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.open, r)
}

func (l *liveSessions) abortAll(why string) map[*Remote][]*actions.Batch {
	l.mu.Lock()
	defer l.mu.Unlock()
	stopped := map[*Remote][]*actions.Batch{}
	for r, stop := range l.open {
		if b := stop(why); len(b) > 0 {
			stopped[r] = b
		}
	}
	return stopped
}
