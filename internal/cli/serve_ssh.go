package cli

// --serve-ssh, on the server's side: starting and stopping it, reading
// the keys again, and each session's arguments to main's dispatch. The
// session's side is remote.go.

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	shlex "github.com/anmitsu/go-shlex"
	"github.com/charmbracelet/ssh"
	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
	"github.com/wksrec/wksrec/internal/sshserve"
)

// Run is a command line run to its exit status: main's dispatch, which a
// session's arguments go through as a local command's do.
type Run func(env Env, args []string) int

// ServeSSH serves the browser and the script mode over SSH until SIGTERM
// or SIGINT, which stop every batch going out (accounted for in the
// audit log) and end the sessions. SIGHUP reads the config file's
// [[ssh_user]] again, as sshd reads its configuration: args are the
// command line to read it with.
func (e Env) ServeSSH(c config.Config, fs *pflag.FlagSet, args []string, run Run) error {
	// Caught before the first line says the server is up: a reload sent
	// as soon as it is must not end it (SIGHUP's default).
	sigs := make(chan os.Signal, 3) // a SIGTERM just after a SIGHUP is not lost
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	// The server's stderr gone (a pipe's reader ended) must not kill every
	// session with it, mid-batch and unaccounted for: with SIGPIPE caught
	// (and never read), a write fails instead. Not signal.Ignore: a
	// session's own Notify and Stop for SIGPIPE would undo it.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	srv, err := e.StartSSH(c, fs, run)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "wksrec: serving over SSH on %s to %s; host key %s; sessions logged in %s\n",
		srv.Addr, numfmt.Plural(len(c.SSHUsers), "[[ssh_user]] key", "[[ssh_user]] keys"), srv.srv.HostKey, filepath.Join(srv.stateDir, sshserve.SessionLogName))
	for {
		select {
		case err := <-srv.served:
			srv.Stop("the server failed", syscall.SIGTERM)
			return err
		case s := <-sigs:
			sig := s.(syscall.Signal)
			if sig == syscall.SIGHUP {
				if n, ended, err := srv.Reload(args, e.Getenv); err != nil {
					fmt.Fprintf(e.Stderr, "wksrec: SIGHUP: the keys were not read again, the old ones stay: %s\n", sanitize.Line(err.Error()))
				} else {
					fmt.Fprintf(e.Stderr, "wksrec: SIGHUP: %s read again; %s\n", numfmt.Plural(n, "[[ssh_user]] key", "[[ssh_user]] keys"), endedBy(ended))
				}
				continue
			}
			fmt.Fprintf(e.Stderr, "wksrec: %s: ending %s\n", signalName(sig), numfmt.Plural(srv.srv.Sessions(), "session", "sessions"))
			if !srv.Stop("the server stopped ("+signalName(sig)+")", sig) {
				return SignalError{sig, fmt.Errorf("stopped (%s) while power actions went out: a request did not end within 5 s; it may have been applied (see the audit log)", signalName(sig))}
			}
			return nil
		}
	}
}

// Reload reads the [[ssh_user]] keys again from the config file the
// command line args name: they decide the next logins, and the sessions
// open of a key taken out, or whose role is now read, end (a key removed
// because it was lost must not stay in for hours). It returns how many
// keys there are and who lost their sessions; on an error the keys in
// force stay.
func (s *SSHServer) Reload(args []string, getenv func(string) string) (keys int, ended []string, err error) {
	c, _, err := config.Parse(args, getenv)
	if err != nil {
		return 0, nil, err
	}
	if err := s.srv.SetUsers(c.SSHUsers); err != nil {
		return 0, nil, err
	}
	for _, r := range s.live.remotes() {
		if lost := s.srv.Lost(r.User); lost != "" {
			r.revoke(lost + " (the server read its keys again)")
			ended = append(ended, r.User.Name)
		}
	}
	return len(c.SSHUsers), ended, nil
}

// endedBy says whose sessions a reload ended.
func endedBy(users []string) string {
	if len(users) == 0 {
		return "the sessions open go on"
	}
	slices.Sort(users)
	return fmt.Sprintf("ended %s (%s), whose key was taken out or made read; the others go on",
		numfmt.Plural(len(users), "session", "sessions"), strings.Join(slices.Compact(users), ", "))
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
	s := &SSHServer{pool: session.NewPool(e.session()), live: &liveSessions{open: map[*liveSession]struct{}{}, sessions: map[*Remote]struct{}{}},
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
			r.ctx, r.cancel = context.WithCancel(sess.Context())
			defer r.cancel()
			defer s.live.enter(r)()
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
// when a stopped batch's request did not end in time. A script's batch or
// watch is stopped as sig would stop it run here.
func (s *SSHServer) Stop(why string, sig syscall.Signal) bool {
	all := true
	for r, stopped := range s.live.abortAll(why, sig) { // all stopped first, then each said
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
	all := append(slices.Clone(base), args...)
	if !u.MayAct {
		all = append(all, "--read-only")
	}
	status := run(env, all)
	if why := r.stoppedBy.Load(); why != nil {
		sshserve.Ended(s, *why) // for the session log's end line
		status = max(status, 1) // a watch its key's revocation ended did not end itself
	}
	return status
}

// liveSessions are the sessions served that the server's stop must stop
// itself, each with what stops it: a browser, a script's batch going out
// or its watch. The server's own signals are not theirs (its SIGHUP reads
// the keys again), and a batch stopped must be accounted for before the
// connections close.
type liveSessions struct {
	mu   sync.Mutex
	open map[*liveSession]struct{}
	// sessions are every session, for a reload to end those whose key
	// it took away.
	sessions map[*Remote]struct{}
}

// enter lists a session until the function it returns is called.
func (l *liveSessions) enter(r *Remote) (leave func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sessions[r] = struct{}{}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.sessions, r)
	}
}

func (l *liveSessions) remotes() []*Remote {
	l.mu.Lock()
	defer l.mu.Unlock()
	rs := make([]*Remote, 0, len(l.sessions))
	for r := range l.sessions {
		rs = append(rs, r)
	}
	return rs
}

type liveSession struct {
	r *Remote
	// stop stops the session as sig would locally, and returns the
	// batches it stopped that it does not account for itself.
	stop func(why string, sig syscall.Signal) []*actions.Batch
}

// add lists a session until the function it returns is called.
func (l *liveSessions) add(r *Remote, stop func(why string, sig syscall.Signal) []*actions.Batch) (remove func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ls := &liveSession{r, stop}
	l.open[ls] = struct{}{}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.open, ls)
	}
}

func (l *liveSessions) abortAll(why string, sig syscall.Signal) map[*Remote][]*actions.Batch {
	l.mu.Lock()
	defer l.mu.Unlock()
	stopped := map[*Remote][]*actions.Batch{}
	for ls := range l.open {
		if b := ls.stop(why, sig); len(b) > 0 {
			stopped[ls.r] = append(stopped[ls.r], b...)
		}
	}
	return stopped
}
