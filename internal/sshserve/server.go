// Package sshserve serves wksrec over SSH (--serve-ssh), as soft-serve
// serves git: public keys only, each key a user of the config file's
// [[ssh_user]] with a role; a host key made once and kept; a line per
// session in a log; and bounds on everything a client can hold: idle and
// whole-session times, sessions at once, new connections a second. What a
// session runs (the browser, or the script mode for arguments) is the
// Handler's: this package knows nothing of the API.
package sshserve

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/numfmt"
)

// Handler runs a session of user u and returns its exit status.
type Handler func(s ssh.Session, u User) int

// Options are a server's settings.
type Options struct {
	Addr        string // where to listen, resolved (config.SSHAddress)
	Users       []config.SSHUser
	StateDir    string // the host key and the session log
	Idle, Max   time.Duration
	MaxSessions int
	// ConnEvery and ConnBurst are the rate of new connections from one
	// address: one each ConnEvery, ConnBurst at once (defaults below).
	ConnEvery time.Duration
	ConnBurst int
	Handler   Handler
	Now       func() time.Time // the session log's clock; time.Now if nil
}

// The connection rate's defaults: a team's ssh and scripts (a loop of
// -o calls) pass; a scan or a client stuck reconnecting does not.
const (
	defaultConnEvery = 200 * time.Millisecond
	defaultConnBurst = 20
)

// Server is a running --serve-ssh.
type Server struct {
	o     Options
	srv   *ssh.Server
	users atomic.Pointer[users]
	log   *sessionLog
	limit *connLimit
	ln    net.Listener
	open  atomic.Int64
	seq   atomic.Uint64
	run   string // this run of the server, in the session log
	// running are the sessions in their handler; once draining, no new
	// one starts, and idle is closed when the last has ended (Drain).
	mu       sync.Mutex
	running  int
	draining bool
	idle     chan struct{}
	HostKey  string // the host key's fingerprint, for users to check
	Notes    []string
}

// New reads or makes the host key, opens the session log and sets up the
// server; Listen and Serve start it.
func New(o Options) (*Server, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ConnEvery == 0 {
		o.ConnEvery, o.ConnBurst = defaultConnEvery, defaultConnBurst
	}
	us, err := newUsers(o.Users)
	if err != nil {
		return nil, err
	}
	pemBytes, signer, err := loadHostKey(filepath.Join(o.StateDir, HostKeyName))
	if err != nil {
		return nil, err
	}
	log, notes, err := openSessionLog(filepath.Join(o.StateDir, SessionLogName), o.Now)
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, log: log, limit: newConnLimit(o.ConnEvery, o.ConnBurst),
		HostKey: gossh.FingerprintSHA256(signer.PublicKey()), Notes: notes}
	s.users.Store(&us)
	s.run = fmt.Sprintf("%08x", rand.Uint32())
	s.srv, err = wish.NewServer(
		wish.WithHostKeyPEM(pemBytes),
		// Public keys only: with no password or keyboard-interactive
		// handler, x/crypto offers the client publickey alone.
		wish.WithPublicKeyAuth(func(ctx ssh.Context, key ssh.PublicKey) bool {
			_, ok := s.users.Load().byKey(key)
			if !ok {
				// A line per key and connection (x/crypto keeps the
				// answer), a connection's tries are bounded, and
				// connections are paced: the log cannot be flooded.
				_ = s.log.write(sessionEvent{Event: "refused", Key: gossh.FingerprintSHA256(key), Address: ctx.RemoteAddr().String(),
					Why: "no [[ssh_user]] has this key"})
			}
			return ok
		}),
		wish.WithIdleTimeout(o.Idle),
		wish.WithMaxTimeout(o.Max),
		wish.WithVersion("wksrec"),
		ssh.WrapConn(func(_ ssh.Context, conn net.Conn) net.Conn {
			if !s.limit.allow(conn.RemoteAddr()) {
				return nil // closed before the handshake
			}
			return conn
		}),
	)
	if err != nil {
		log.close()
		return nil, fmt.Errorf("setting up the SSH server: %w", err)
	}
	// No port forwarding, agent forwarding, subsystem (sftp) or X11: none
	// has a handler, so each is refused. The session is the handler's.
	s.srv.Handler = s.session
	return s, nil
}

// SetUsers replaces who may log in (the config file read again, on
// SIGHUP): new logins are decided on them; sessions open go on as they
// began.
func (s *Server) SetUsers(entries []config.SSHUser) error {
	us, err := newUsers(entries)
	if err != nil {
		return err
	}
	s.users.Store(&us)
	return nil
}

// Lost says what the keys in force take from u's session ("rita's key
// was taken out of [[ssh_user]]"); "" when its key is still an
// [[ssh_user]]'s with its role or more. A name changed takes nothing.
func (s *Server) Lost(u User) string {
	switch now, ok := s.users.Load().byKey(u.key); {
	case !ok:
		return u.Name + "'s key was taken out of [[ssh_user]]"
	case u.MayAct && !now.MayAct:
		return u.Name + "'s key is read-only now"
	}
	return ""
}

// Listen opens the address; Addr then says where (a port 0 chosen).
func (s *Server) Listen() (net.Addr, error) {
	ln, err := net.Listen(network(s.o.Addr), s.o.Addr)
	if err != nil {
		return nil, fmt.Errorf("--serve-ssh %s: %w", s.o.Addr, err)
	}
	s.ln = ln
	return ln.Addr(), nil
}

// network is where addr listens: an IPv4 address on IPv4 alone (Go's
// "tcp" would take 0.0.0.0 for every IPv6 address too), an IPv6 one on
// IPv6, a name on what it resolves to.
func network(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return "tcp"
	case ip.To4() != nil:
		return "tcp4"
	}
	return "tcp6"
}

// Serve serves until Shutdown or Close.
func (s *Server) Serve() error {
	err := s.srv.Serve(s.ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Drain stops taking connections and sessions, waits for the sessions
// running to end (until ctx is done), then closes every connection:
// clients keep a connection open after its sessions end, and a server
// stopping does not wait for them to leave.
func (s *Server) Drain(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	ended := make(chan struct{})
	if s.running == 0 {
		close(ended)
	} else {
		s.idle = ended
	}
	s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
	}
	var err error
	select {
	case <-ended:
	case <-ctx.Done():
		err = fmt.Errorf("%s not ended: closed", numfmt.Plural(s.Sessions(), "session had", "sessions had"))
	}
	s.srv.Close()
	s.log.close()
	return err
}

// Close ends every connection at once.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.log.close()
	return err
}

// Sessions is how many sessions are open.
func (s *Server) Sessions() int { return int(s.open.Load()) }

// handle runs the handler; a bug in it ends its session, not the server
// and everyone's sessions with it (a panic in a session's goroutine would).
func (s *Server) handle(sess ssh.Session, u User) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(sess.Stderr(), "wksrec: internal error: %v (please report it)\n", r)
			status = 1
		}
	}()
	return s.o.Handler(sess, u)
}

// endedKey keys why a session ended, as its handler said (Ended).
type endedKey struct{}

// Ended says why the session ends, for the session log's end line (the
// server stopping, a limit reached).
func Ended(s ssh.Session, why string) { s.Context().SetValue(endedKey{}, why) }

// enter counts a session in, unless the server is draining.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return false
	}
	s.running++
	return true
}

// leave counts a session out, and says so to Drain after the last.
func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if s.running == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
}

// maxLoggedCommand bounds a command in the log: a client chooses it.
const maxLoggedCommand = 1024

// session runs one session within the cap, with a line in the log as it
// starts and as it ends.
func (s *Server) session(sess ssh.Session) {
	u, ok := s.users.Load().byKey(sess.PublicKey())
	if !ok { // authentication let no other key in; never to be relied on
		fmt.Fprintln(sess.Stderr(), "wksrec: this key is no [[ssh_user]]'s")
		sess.Exit(1)
		return
	}
	role := config.RoleRead
	if u.MayAct {
		role = config.RoleAct
	}
	ev := sessionEvent{User: u.Name, Key: u.Fingerprint, Address: sess.RemoteAddr().String(), Role: role, Command: sess.RawCommand()}
	if len(ev.Command) > maxLoggedCommand {
		ev.Command = ev.Command[:maxLoggedCommand] + "…"
	}
	if !s.enter() {
		fmt.Fprintln(sess.Stderr(), "wksrec: the server is stopping")
		sess.Exit(1)
		return
	}
	defer s.leave()
	if n := s.open.Add(1); n > int64(s.o.MaxSessions) {
		s.open.Add(-1)
		ev.Event, ev.Why = "refused", numfmt.Plural(s.o.MaxSessions, "session", "sessions")+" open, the most --ssh-max-sessions allows"
		_ = s.log.write(ev) // refused whether or not it is on record
		fmt.Fprintf(sess.Stderr(), "wksrec: the server has %s open, the most it allows: try again later\n", numfmt.Plural(s.o.MaxSessions, "session", "sessions"))
		sess.Exit(1)
		return
	}
	ev.Session = fmt.Sprintf("%s-%d", s.run, s.seq.Add(1))
	ev.Event = "start"
	start := s.o.Now()
	if err := s.log.write(ev); err != nil {
		s.open.Add(-1)
		// Who came in must be on record before anything is shown.
		fmt.Fprintln(sess.Stderr(), "wksrec: the server cannot write its session log: try again later")
		sess.Exit(1)
		return
	}
	status := s.handle(sess, u)
	ev.Event, ev.Duration, ev.Status = "end", s.o.Now().Sub(start).Round(time.Millisecond).String(), &status
	if why, ok := sess.Context().Value(endedKey{}).(string); ok {
		ev.Why = why
	} else if sess.Context().Err() != nil {
		ev.Why = "the connection closed"
	}
	_ = s.log.write(ev) // nothing is left to refuse: the session ran
	// The slot is free before the client hears the status: a client that
	// starts its next session the moment this one ends is not refused.
	s.open.Add(-1)
	sess.Exit(status)
}
