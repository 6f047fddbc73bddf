package sshserve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wksrec/wksrec/internal/config"
)

// newKey is a fresh ed25519 key: its signer, and its public line as the
// config file's key takes it.
func newKey(t *testing.T) (gossh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer, string(gossh.MarshalAuthorizedKey(signer.PublicKey()))
}

// whoAmI is a handler that says who the session is and what it ran.
func whoAmI(s ssh.Session, u User) int {
	fmt.Fprintf(s, "%s act=%v %s", u.Name, u.MayAct, strings.Join(s.Command(), " "))
	return 0
}

type testServer struct {
	*Server
	addr, stateDir string
}

// start serves o on a loopback port of its own, in stateDir.
func start(t *testing.T, o Options) testServer {
	t.Helper()
	o.Addr = "127.0.0.1:0"
	if o.StateDir == "" {
		o.StateDir = t.TempDir()
	}
	if o.Handler == nil {
		o.Handler = whoAmI
	}
	if o.Idle == 0 {
		o.Idle, o.Max = time.Minute, time.Hour
	}
	if o.MaxSessions == 0 {
		o.MaxSessions = 8
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return testServer{s, addr.String(), o.StateDir}
}

// dial logs in with the signers, in order, noting the host key seen.
func dial(addr string, hostKey *gossh.PublicKey, signers ...gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "root", // the name a client gives is not read: the key decides
		Auth: []gossh.AuthMethod{gossh.PublicKeys(signers...)},
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			if hostKey != nil {
				*hostKey = key
			}
			return nil
		},
		Timeout: 10 * time.Second,
	})
}

// exec runs command in a new session of c: its stdout, stderr and exit
// status.
func exec(t *testing.T, c *gossh.Client, command string) (string, string, int) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var stdout, stderr bytes.Buffer
	s.Stdout, s.Stderr = &stdout, &stderr
	err = s.Run(command)
	var exit *gossh.ExitError
	switch {
	case errors.As(err, &exit):
		return stdout.String(), stderr.String(), exit.ExitStatus()
	case err != nil:
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), 0
}

// startSession logs in with key and starts command in a session, not
// waiting for it to end.
func startSession(t *testing.T, addr string, key gossh.Signer, command string) (*gossh.Client, *gossh.Session) {
	t.Helper()
	c, err := dial(addr, nil, key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.NewSession()
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	if err := s.Start(command); err != nil {
		c.Close()
		t.Fatal(err)
	}
	return c, s
}

func logLines(t *testing.T, stateDir string) []sessionEvent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stateDir, SessionLogName))
	if err != nil {
		t.Fatal(err)
	}
	var evs []sessionEvent
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var e sessionEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		evs = append(evs, e)
	}
	return evs
}

// A key no [[ssh_user]] has is refused, and the refusal is logged; a
// known key's session is its user's whatever name the client gives, and
// its start and end are logged with the key's fingerprint.
func TestKeysDecideWhoComesIn(t *testing.T) {
	reader, readerLine := newKey(t)
	stranger, _ := newKey(t)
	srv := start(t, Options{Users: []config.SSHUser{{Name: "rita", Key: readerLine, Role: config.RoleRead}}})

	if c, err := dial(srv.addr, nil, stranger); err == nil {
		c.Close()
		t.Fatal("a key no [[ssh_user]] has logged in")
	}
	c, err := dial(srv.addr, nil, reader)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, status := exec(t, c, "--task-id x -o csv")
	if out != "rita act=false --task-id x -o csv" || status != 0 {
		t.Fatalf("session: %q, status %d", out, status)
	}
	evs := logLines(t, srv.stateDir)
	if len(evs) != 3 {
		t.Fatalf("log: %+v", evs)
	}
	fp := gossh.FingerprintSHA256(reader.PublicKey())
	refused, began, ended := evs[0], evs[1], evs[2]
	if refused.Event != "refused" || refused.User != "" || refused.Key != gossh.FingerprintSHA256(stranger.PublicKey()) || !strings.HasPrefix(refused.Address, "127.0.0.1:") {
		t.Errorf("refusal: %+v", refused)
	}
	if began.Event != "start" || began.User != "rita" || began.Key != fp || began.Role != "read" || began.Command != "--task-id x -o csv" || !strings.HasPrefix(began.Address, "127.0.0.1:") {
		t.Errorf("start: %+v", began)
	}
	if ended.Event != "end" || ended.Session != began.Session || ended.Key != fp || ended.Status == nil || *ended.Status != 0 || ended.Duration == "" {
		t.Errorf("end: %+v", ended)
	}
	if st, err := os.Stat(filepath.Join(srv.stateDir, SessionLogName)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("session log: %v %v", st.Mode(), err)
	}
}

// forger has an ssh_user's public key but not its private key: it offers
// the key, and then sends a signature the server turns down without
// ending the connection (of another algorithm), so that the client goes
// on to its next key.
type forger struct{ pub gossh.PublicKey }

func (f forger) PublicKey() gossh.PublicKey { return f.pub }

func (f forger) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return &gossh.Signature{Format: gossh.KeyAlgoRSASHA256, Blob: make([]byte, 64)}, nil
}

// The role is the key's that authenticated, never one merely offered: a
// client that offers an act key (which the server says it would take)
// but cannot sign with it, then signs with a read key, is the read user
// (CVE-2024-45337's misuse).
func TestRoleIsTheAuthenticatedKeys(t *testing.T) {
	actor, actorLine := newKey(t)
	reader, readerLine := newKey(t)
	srv := start(t, Options{Users: []config.SSHUser{
		{Name: "alex", Key: actorLine, Role: config.RoleAct},
		{Name: "rita", Key: readerLine, Role: config.RoleRead},
	}})
	c, err := dial(srv.addr, nil, forger{actor.PublicKey()}, reader)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if out, _, _ := exec(t, c, "who"); out != "rita act=false who" {
		t.Fatalf("offered alex's key, signed with rita's: the session is %q", out)
	}
}

// The host key is made on first start, private to its owner, and the same
// after a restart (clients' known_hosts stay valid); one others can read
// is refused, as sshd refuses it.
func TestHostKeyIsKept(t *testing.T) {
	reader, line := newKey(t)
	users := []config.SSHUser{{Name: "rita", Key: line}}
	dir := t.TempDir()
	first := start(t, Options{Users: users, StateDir: dir})
	var seen1, seen2 gossh.PublicKey
	c, err := dial(first.addr, &seen1, reader)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	first.Close()
	path := filepath.Join(dir, HostKeyName)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key %s: %v %v", path, st.Mode(), err)
	}
	second := start(t, Options{Users: users, StateDir: dir})
	if c, err = dial(second.addr, &seen2, reader); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if !bytes.Equal(seen1.Marshal(), seen2.Marshal()) || second.HostKey != gossh.FingerprintSHA256(seen1) {
		t.Fatalf("host key changed on restart: %s, then %s", gossh.FingerprintSHA256(seen1), gossh.FingerprintSHA256(seen2))
	}
	second.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Users: users, StateDir: dir, Addr: "127.0.0.1:0"}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a host key others can read: %v", err)
	}
	// Nor is a link followed, to a key of the right mode or not.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	linked := t.TempDir()
	if err := os.Symlink(path, filepath.Join(linked, HostKeyName)); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Users: users, StateDir: linked, Addr: "127.0.0.1:0"}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a host key that is a link: %v", err)
	}
}

// Sessions past the cap are refused with a line saying so, and logged.
func TestSessionCap(t *testing.T) {
	reader, line := newKey(t)
	started, release := make(chan struct{}), make(chan struct{})
	srv := start(t, Options{Users: []config.SSHUser{{Name: "rita", Key: line}}, MaxSessions: 1,
		Handler: func(s ssh.Session, u User) int {
			if s.RawCommand() == "hold" {
				close(started)
				<-release
			}
			return 0
		}})
	c, held := startSession(t, srv.addr, reader, "hold")
	defer c.Close()
	<-started
	_, stderr, status := exec(t, c, "another")
	if status != 1 || !strings.Contains(stderr, "the server has 1 session open, the most it allows") {
		t.Fatalf("a session past the cap: status %d, %q", status, stderr)
	}
	close(release)
	if err := held.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, _, status := exec(t, c, "again"); status != 0 {
		t.Fatalf("a session after the first ended: status %d", status)
	}
	var refused int
	for _, e := range logLines(t, srv.stateDir) {
		if e.Event == "refused" && strings.Contains(e.Why, "--ssh-max-sessions") {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("%d refusals logged", refused)
	}
}

// New connections from one address beyond the burst are closed before
// the handshake.
func TestConnectionRateLimit(t *testing.T) {
	reader, line := newKey(t)
	srv := start(t, Options{Users: []config.SSHUser{{Name: "rita", Key: line}}, ConnEvery: time.Hour, ConnBurst: 2})
	for i := range 2 {
		c, err := dial(srv.addr, nil, reader)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		c.Close()
	}
	if c, err := dial(srv.addr, nil, reader); err == nil {
		c.Close()
		t.Fatal("a third connection within the burst of 2 came in")
	}
}

// A session nobody uses ends at the idle timeout: the handler sees its
// context done, and the client its session closed.
func TestIdleSessionEnds(t *testing.T) {
	reader, line := newKey(t)
	ended := make(chan struct{})
	srv := start(t, Options{Users: []config.SSHUser{{Name: "rita", Key: line}}, Idle: 100 * time.Millisecond, Max: time.Hour,
		Handler: func(s ssh.Session, u User) int {
			<-s.Context().Done()
			close(ended)
			return 0
		}})
	c, s := startSession(t, srv.addr, reader, "idle")
	defer c.Close()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle session was still open after 10 s with a 100 ms idle timeout")
	}
	s.Wait() // the connection closed: an error, and no hang
	evs := func() string {
		for _, e := range logLines(t, srv.stateDir) {
			if e.Event == "end" {
				return e.Why
			}
		}
		return ""
	}
	for deadline := time.Now().Add(10 * time.Second); evs() != "the connection closed"; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the end line says %q", evs())
		}
	}
}

// Drain waits for the sessions running, and no longer than its context:
// then it closes the connections all the same.
func TestDrain(t *testing.T) {
	reader, line := newKey(t)
	for _, patient := range []bool{true, false} {
		started, release := make(chan struct{}), make(chan struct{})
		srv := start(t, Options{Users: []config.SSHUser{{Name: "rita", Key: line}},
			Handler: func(s ssh.Session, u User) int {
				close(started)
				<-release
				return 0
			}})
		c, err := dial(srv.addr, nil, reader)
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start("hold"); err != nil {
			t.Fatal(err)
		}
		<-started
		ctx, cancel := context.WithCancel(context.Background())
		if !patient {
			cancel()
			if err := srv.Drain(ctx); err == nil || !strings.Contains(err.Error(), "1 session had not ended") {
				t.Fatalf("an impatient drain: %v", err)
			}
			close(release)
			c.Close()
			continue
		}
		drained := make(chan error)
		go func() { drained <- srv.Drain(ctx) }()
		close(release)
		if err := <-drained; err != nil {
			t.Fatalf("a drain that waited: %v", err)
		}
		if err := s.Wait(); err != nil {
			t.Fatalf("the session drained: %v", err)
		}
		cancel()
		c.Close()
	}
}

// A handler's panic ends its session with a line and status 1, and the
// server goes on serving.
func TestPanicEndsOneSession(t *testing.T) {
	reader, line := newKey(t)
	srv := start(t, Options{Users: []config.SSHUser{{Name: "rita", Key: line}},
		Handler: func(s ssh.Session, u User) int {
			if s.RawCommand() == "boom" {
				panic("boom")
			}
			return 0
		}})
	c, err := dial(srv.addr, nil, reader)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, stderr, status := exec(t, c, "boom"); status != 1 || stderr != "wksrec: internal error: boom (please report it)\n" {
		t.Fatalf("a panic: status %d, %q", status, stderr)
	}
	if _, _, status := exec(t, c, "fine"); status != 0 {
		t.Fatalf("after a panic: status %d", status)
	}
}

// An IPv4 address listens on IPv4 alone: 0.0.0.0 is not every IPv6
// address too.
func TestNetwork(t *testing.T) {
	for addr, want := range map[string]string{"0.0.0.0:2222": "tcp4", "10.0.0.5:22": "tcp4", "[::]:2222": "tcp6", "[::1]:2222": "tcp6", "bastion:2222": "tcp"} {
		if got := network(addr); got != want {
			t.Errorf("%s: %s; want %s", addr, got, want)
		}
	}
}
