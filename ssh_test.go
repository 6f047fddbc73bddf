package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/cli"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
)

// sshBastion is --serve-ssh in-process over a fake API on loopback, with
// a read key (rita) and an act key (alex).
type sshBastion struct {
	addr       string
	fake       *fake.Server
	home       string
	rita, alex gossh.Signer
	server     *cli.SSHServer
	args       []string // the server's command line
	getenv     func(string) string
	config     string // its config file
	stderr     lockedBuffer
	task, run  string
	failed     int
}

func startBastion(t *testing.T, set ...func(*config.Config)) *sshBastion {
	t.Helper()
	return startBastionOn(t, fake.Options{Seed: 2}, set...)
}

// startBastionOn is startBastion over a fake API made with opts.
func startBastionOn(t *testing.T, opts fake.Options, set ...func(*config.Config)) *sshBastion {
	t.Helper()
	srv, url := startFake(t, opts)
	b := &sshBastion{fake: srv, home: t.TempDir()}
	d := srv.Data()
	b.task = d.Tasks[0].ID
	b.run = d.Records[b.task][0].ID
	for _, x := range d.Details[b.run] {
		if x.ExecStatus == "FAIL" {
			b.failed++
		}
	}
	var lines []string
	for _, u := range []struct {
		name, role string
		key        *gossh.Signer
	}{{"rita", "read", &b.rita}, {"alex", "act", &b.alex}} {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if *u.key, err = gossh.NewSignerFromKey(priv); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "[[ssh_user]]\nname = \""+u.name+"\"\nrole = \""+u.role+"\"\nkey = \""+
			strings.TrimSpace(string(gossh.MarshalAuthorizedKey((*u.key).PublicKey())))+"\"\n")
	}
	cfg := filepath.Join(b.home, ".config", "wksrec", "config.toml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	// The team's alert command is set: a session's -o must not trip on
	// it, nor set it off.
	body := "notify_cmd = \"touch " + filepath.Join(b.home, "alerted") + "\"\n\n" + strings.Join(lines, "\n")
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := env("HOME", b.home, "WKSREC_AUTH_TOKEN", "t")
	b.args = []string{"--endpoint", url, "--project-id", "p", "--serve-ssh", "127.0.0.1:0", "--notify-cmd", "touch " + filepath.Join(b.home, "alerted")}
	b.getenv, b.config = getenv, cfg
	c, fs, err := config.Parse(b.args, getenv)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range set {
		f(&c)
	}
	retry := api.DefaultRetry
	retry.Base = time.Millisecond
	s, err := cli.Env{Stdout: &bytes.Buffer{}, Stderr: &b.stderr, Getenv: getenv, Version: versionString(), Retry: retry}.StartSSH(c, fs, runIn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop("the test ended", syscall.SIGTERM) })
	b.addr, b.server = s.Addr.String(), s
	return b
}

func (b *sshBastion) dial(t *testing.T, key gossh.Signer) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", b.addr, &gossh.ClientConfig{User: "ops", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: func(string, net.Addr, gossh.PublicKey) error { return nil }, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// exec runs args over SSH without a terminal, as a script would.
func (b *sshBastion) exec(t *testing.T, key gossh.Signer, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	s, err := b.dial(t, key).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	s.Stdout, s.Stderr = &out, &errOut
	err = s.Run(strings.Join(args, " "))
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitStatus()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), 0
}

// posts are the requests sent to the fake that were not reads.
func (b *sshBastion) posts() []fake.Request {
	var w []fake.Request
	for _, r := range b.fake.Requests() {
		if r.Method != "GET" {
			w = append(w, r)
		}
	}
	return w
}

// sshTerm is a session with a terminal (ssh -t): what it shows, and keys.
type sshTerm struct {
	s   *gossh.Session
	in  *bufio.Writer
	mu  sync.Mutex
	out bytes.Buffer
}

func (b *sshBastion) terminal(t *testing.T, key gossh.Signer, width, height int, environ map[string]string, args ...string) *sshTerm {
	t.Helper()
	s, err := b.dial(t, key).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range environ {
		if err := s.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	term := &sshTerm{s: s}
	s.Stdout = writerFunc(func(p []byte) (int, error) {
		term.mu.Lock()
		defer term.mu.Unlock()
		return term.out.Write(p)
	})
	s.Stderr = s.Stdout
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	term.in = bufio.NewWriter(in)
	if err := s.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if len(args) > 0 {
		err = s.Start(strings.Join(args, " "))
	} else {
		err = s.Shell()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return term
}

// lockedBuffer is a buffer the server's goroutines write to at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// bytes is everything the session has shown, with its escapes.
func (term *sshTerm) bytes() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// text is what it has shown without escapes.
func (term *sshTerm) text() string { return ansi.Strip(term.bytes()) }

func (term *sshTerm) keys(t *testing.T, keys string) {
	t.Helper()
	if _, err := term.in.WriteString(keys); err != nil {
		t.Fatal(err)
	}
	if err := term.in.Flush(); err != nil {
		t.Fatal(err)
	}
}

// moves are the escapes that move the cursor or clear: a line ends there.
var moves = regexp.MustCompile(`\x1b\[[0-9;?]*[HJfABEFGdl]`)

// widest is the widest line shown since from (bytes of output).
func (term *sshTerm) widest(from int) int {
	shown := moves.ReplaceAllString(term.bytes()[from:], "\n")
	w := 0
	for _, line := range strings.Split(ansi.Strip(shown), "\n") {
		w = max(w, ansi.StringWidth(strings.TrimRight(line, "\r")))
	}
	return w
}

// A read key cannot act: not by --action over exec (refused before any
// request), not by the action key in the browser, not by : (no switch to
// other credentials of the server's). No request but a read reaches the
// API, and -o still works.
func TestSSHReadKeyCannotAct(t *testing.T) {
	b := startBastion(t)
	_, stderr, status := b.exec(t, b.rita, "--task-id", b.task, "--record-id", b.run, "--status", "FAIL", "--action", "reboot", "--confirm", strconv.Itoa(b.failed))
	if status != 2 || !strings.Contains(stderr, "--action: this key's role is read") {
		t.Fatalf("--action with a read key: status %d, %q", status, stderr)
	}
	if _, stderr, status := b.exec(t, b.rita, `--task "unclosed -o csv`); status != 2 || !strings.Contains(stderr, "check the quotes") {
		t.Errorf("an unclosed quote: status %d, %q", status, stderr)
	}
	help, _, status := b.exec(t, b.rita, "--help")
	for _, want := range []string{"--task-id", "--output", "ssh -t -p PORT HOST"} {
		if status != 0 || !strings.Contains(help, want) {
			t.Errorf("a read key's --help (status %d) has no %s", status, want)
		}
	}
	for _, not := range []string{"endpoint", "profile", "action", "confirm", "serve-ssh", "config"} {
		if regexp.MustCompile(`(?m)^\s+--` + not + `\b`).MatchString(help) {
			t.Errorf("a read key's --help offers --%s", not)
		}
	}
	out, stderr, status := b.exec(t, b.rita, "--task-id", b.task, "--record-id", b.run, "--status", "FAIL", "-o", "csv")
	if status != 0 || strings.Count(out, "\n") != b.failed+1 {
		t.Fatalf("-o csv with a read key: status %d, %d lines for %d failed, %q", status, strings.Count(out, "\n"), b.failed, stderr)
	}

	term := b.terminal(t, b.rita, 120, 30, nil, "--task-id", b.task, "--record-id", b.run)
	waitFor(t, "the run", term.text, regexp.MustCompile(`FAIL`))
	term.keys(t, "fa")
	waitFor(t, "the refusal", term.text, regexp.MustCompile(`this key.s role is read: no actions on desktops`))
	term.keys(t, ":profile prod\r")
	waitFor(t, "the refused switch", term.text, regexp.MustCompile(`cannot switch profile`))
	term.keys(t, ":region cn-east-3\r")
	waitFor(t, "the refused switch", term.text, regexp.MustCompile(`cannot switch region`))
	if p := b.posts(); len(p) > 0 {
		t.Fatalf("a read key's session sent %+v", p)
	}
}

// An act key acts as wksrec does locally, and the audit log names the
// [[ssh_user]] and the fingerprint of the key that authenticated.
func TestSSHActKeyIsAudited(t *testing.T) {
	b := startBastion(t)
	out, stderr, status := b.exec(t, b.alex, "--task-id", b.task, "--record-id", b.run, "--status", "FAIL", "--action", "reboot", "--confirm", strconv.Itoa(b.failed))
	// The fake refuses some desktops (in maintenance): exit 1, and said.
	if status > 1 || !strings.Contains(stderr, "desktops accepted") || !strings.Contains(out, `"job_id"`) {
		t.Fatalf("--action with an act key: status %d, %q", status, stderr)
	}
	if len(b.posts()) == 0 {
		t.Fatal("no action reached the API")
	}
	path := filepath.Join(b.home, ".local", "state", "wksrec", "actions.log")
	audited := func() []string {
		log, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(log)), "\n")
	}
	byScript := len(audited())

	// And from the browser: the action menu, the count typed out.
	term := b.terminal(t, b.alex, 120, 30, nil, "--task-id", b.task, "--record-id", b.run)
	waitFor(t, "the run", term.text, regexp.MustCompile(`FAIL`))
	term.keys(t, "fa")
	waitFor(t, "the action menu", term.text, regexp.MustCompile(`Act on the`))
	term.keys(t, "r"+strconv.Itoa(b.failed)+"\r")
	// The same plan again, as many lines as the script's.
	waitFor(t, "the browser's requests in the audit log", func() string {
		return strconv.FormatBool(len(audited()) >= 2*byScript)
	}, regexp.MustCompile(`true`))

	fp := gossh.FingerprintSHA256(b.alex.PublicKey())
	for _, line := range audited() {
		var e struct {
			SSHUser string `json:"ssh_user"`
			SSHKey  string `json:"ssh_key"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e.SSHUser != "alex" || e.SSHKey != fp {
			t.Fatalf("an audit line without alex's key %s: %.300s", fp, line)
		}
	}
}

// Two sessions have their own size and colours: each draws at its own
// width, a resize of one leaves the other as it was, NO_COLOR in one
// takes colour from it only. A copy goes to the client's terminal as
// OSC 52; e writes nothing on the server.
func TestSSHSessionsAreTheirOwn(t *testing.T) {
	b := startBastion(t)
	narrow := b.terminal(t, b.rita, 80, 24, nil)
	wide := b.terminal(t, b.rita, 132, 40, map[string]string{"NO_COLOR": "1"})
	for _, s := range []*sshTerm{narrow, wide} {
		waitFor(t, "the task list", s.text, regexp.MustCompile(`TASK`))
	}
	waitFor(t, "a full frame", func() string { return strconv.Itoa(narrow.widest(0)) }, regexp.MustCompile(`^80$`))
	waitFor(t, "a full frame", func() string { return strconv.Itoa(wide.widest(0)) }, regexp.MustCompile(`^132$`))
	if !strings.Contains(narrow.bytes(), "38;5;") {
		t.Error("xterm-256color drew no 256-colour text")
	}
	if colour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;5;[0-9]+)m`).FindString(wide.bytes()); colour != "" {
		t.Errorf("NO_COLOR drew colour %q", colour)
	}
	if !strings.Contains(wide.bytes(), "\x1b[1;7m") && !strings.Contains(wide.bytes(), "\x1b[7;1m") {
		t.Error("NO_COLOR took reverse video from the cursor's row")
	}

	before, resized := len(wide.bytes()), len(narrow.bytes())
	if err := narrow.s.WindowChange(30, 100); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the resized frame", func() string { return strconv.Itoa(narrow.widest(resized)) }, regexp.MustCompile(`^100$`))
	wide.keys(t, "j")
	waitFor(t, "the other session's next frame", func() string { return wide.text()[len(ansi.Strip(wide.bytes()[:before])):] }, regexp.MustCompile(`row 2 of`))
	if w := wide.widest(before); w > 132 {
		t.Fatalf("the wide session drew a line of %d columns", w)
	}

	wd, _ := os.Getwd()
	exported := func() []string { m, _ := filepath.Glob(filepath.Join(wd, "wksrec-*.csv")); return m }
	was := exported()
	narrow.keys(t, "\r")
	waitFor(t, "the runs", narrow.text, regexp.MustCompile(`STARTED`))
	narrow.keys(t, "\r")
	waitFor(t, "the details", narrow.text, regexp.MustCompile(`DESKTOP`))
	narrow.keys(t, "y")
	waitFor(t, "the copy", narrow.bytes, regexp.MustCompile(`\x1b\]52;c;[A-Za-z0-9+/=]+\x07`))
	waitFor(t, "the copy's note", narrow.text, regexp.MustCompile(`clipboard \(OSC 52\)`))
	narrow.keys(t, "e")
	waitFor(t, "what e says, cut", narrow.text, regexp.MustCompile(`-- --task-id .*\(!\)`))
	narrow.keys(t, "!")
	// The whole line, wrapped at spaces: its words joined again.
	fields := func() string {
		return strings.Join(strings.Fields(ansi.Strip(moves.ReplaceAllString(narrow.bytes(), "\n"))), " ")
	}
	waitFor(t, "what e says, whole", fields, regexp.MustCompile(`ssh -p [0-9]+ 127\.0\.0\.1 -- --task-id [0-9a-f-]{36} --record-id [0-9a-f-]{36} -o csv > rows\.csv prints these rows where you are`))
	if now := exported(); len(now) != len(was) {
		t.Fatalf("e wrote %v on the server", now)
	}
}

// A watch over SSH ends with its session, not at its next look or hours
// later: the session log has its end as soon as the client is gone.
func TestSSHWatchEndsWithItsSession(t *testing.T) {
	b := startBastion(t)
	c := b.dial(t, b.rita)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("--task-id " + b.task + " --record-id " + b.run + " -o json --watch 1h"); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(b.home, ".local", "state", "wksrec", "ssh-sessions.log")
	read := func() string { b, _ := os.ReadFile(log); return string(b) }
	// The first look prints nothing (a watch prints changes): its start is
	// the event to wait for. Whether the client goes before the watch's
	// first sleep or during it, the watch must end at once.
	waitFor(t, "the session's start in the log", read, regexp.MustCompile(`"event":"start"[^\n]*--watch 1h`))
	c.Close()
	waitFor(t, "the session's end in the log", read, regexp.MustCompile(`"event":"end"[^\n]*--watch 1h`))
}

// Stopping the server ends its browsers at once, and each client is told
// why.
func TestSSHServerStopEndsSessions(t *testing.T) {
	b := startBastion(t)
	term := b.terminal(t, b.rita, 80, 24, nil)
	waitFor(t, "the task list", term.text, regexp.MustCompile(`TASK`))
	if !b.server.Stop("the server stopped (SIGTERM)", syscall.SIGTERM) {
		t.Fatal("Stop: a batch did not end in time, with none going out")
	}
	waitFor(t, "why the session ended", term.text, regexp.MustCompile(`wksrec: the server stopped \(SIGTERM\)`))
	if err := term.s.Wait(); err == nil {
		t.Fatal("the session ended with status 0")
	}
}

// A browser at its session's limits ends itself as q would: the terminal
// restored (the alternate screen left, the cursor shown, the mouse let
// go), and the client told why; not cut off mid-screen by the
// connection's own limit.
func TestSSHLimitsEndTheBrowserCleanly(t *testing.T) {
	for _, tc := range []struct {
		set  func(*config.Config)
		want string
	}{
		{func(c *config.Config) { c.SSHIdle = 300 * time.Millisecond }, `no key was pressed for 300ms \(--ssh-idle-timeout\)`},
		{func(c *config.Config) { c.SSHMaxSession = 300 * time.Millisecond }, `the session reached its limit, 300ms \(--ssh-max-session\)`},
	} {
		b := startBastion(t, tc.set)
		term := b.terminal(t, b.rita, 80, 24, nil)
		waitFor(t, "why the session ended", term.text, regexp.MustCompile(tc.want))
		var exit *gossh.ExitError
		if err := term.s.Wait(); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
			t.Fatalf("the session ended with %v", err)
		}
		log, _ := os.ReadFile(filepath.Join(b.home, ".local", "state", "wksrec", "ssh-sessions.log"))
		if !regexp.MustCompile(`"event":"end".*"status":1,"why":"` + tc.want).Match(log) {
			t.Errorf("the session log does not say why the session ended:\n%s", log)
		}
		out := term.bytes()
		for _, restore := range []string{"\x1b[?1049l", "\x1b[?25h", "\x1b[?1002l"} {
			if !strings.Contains(out, restore) {
				t.Errorf("%s: the terminal was not restored (%q missing)", tc.want, restore)
			}
		}
	}
}

// SIGHUP's reload: the keys in the file decide the next logins; a file
// that does not parse leaves the keys in force.
func TestSSHReload(t *testing.T) {
	b := startBastion(t)
	text, err := os.ReadFile(b.config)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b.config, append(text, "\n[[ssh_user]]\nname = \"broken\"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.server.Reload(b.args, b.getenv); err == nil || !strings.Contains(err.Error(), "key of \"broken\"") {
		t.Fatalf("a broken file: %v", err)
	}
	b.exec(t, b.rita, "--version") // rita still comes in
	alexOnly := regexp.MustCompile(`(?s)\[\[ssh_user\]\]\nname = "rita".*?\n\n`).ReplaceAll(text, nil)
	if err := os.WriteFile(b.config, alexOnly, 0o600); err != nil {
		t.Fatal(err)
	}
	if n, _, err := b.server.Reload(b.args, b.getenv); err != nil || n != 1 {
		t.Fatalf("reload: %d keys, %v", n, err)
	}
	if c, err := gossh.Dial("tcp", b.addr, &gossh.ClientConfig{User: "ops", Auth: []gossh.AuthMethod{gossh.PublicKeys(b.rita)},
		HostKeyCallback: func(string, net.Addr, gossh.PublicKey) error { return nil }, Timeout: 10 * time.Second}); err == nil {
		c.Close()
		t.Fatal("a key taken out of the file still logs in after the reload")
	}
	if out, _, status := b.exec(t, b.alex, "--version"); status != 0 || !strings.HasPrefix(out, "wksrec ") {
		t.Fatalf("alex after the reload: %d %q", status, out)
	}
}

// startServerBinary runs the built binary as --serve-ssh over the demo,
// with a bastion's keys and config file (its own server is not used),
// and its stderr to read.
func startServerBinary(t *testing.T, args ...string) (*sshBastion, *exec.Cmd, io.ReadCloser) {
	t.Helper()
	bin := buildBinary(t)
	b := startBastion(t)
	cmd := exec.Command(bin, append([]string{"--demo", "--serve-ssh", "127.0.0.1:0"}, args...)...)
	cmd.Env = []string{"HOME=" + b.home, "PATH=" + os.Getenv("PATH")}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return b, cmd, stderr
}

// The server as it is run: it says where it listens and its host key,
// SIGHUP reads the keys again (a key taken out no longer logs in), and
// SIGTERM ends it with status 0.
func TestSSHServerSignals(t *testing.T) {
	b, cmd, stderr := startServerBinary(t, "--demo-latency", "100ms")
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(want string) string {
		t.Helper()
		select {
		case line := <-lines:
			if !strings.Contains(line, want) {
				t.Fatalf("stderr: %q; want %q", line, want)
			}
			return line
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q on stderr within 10 s", want)
		}
		return ""
	}
	started := next("serving over SSH on 127.0.0.1:")
	addr := regexp.MustCompile(`on (127\.0\.0\.1:[0-9]+)`).FindStringSubmatch(started)[1]
	if !strings.Contains(started, "to 2 [[ssh_user]] keys; host key SHA256:") {
		t.Errorf("the first line: %q", started)
	}
	b.addr = addr
	if out, _, status := b.exec(t, b.rita, "--version"); status != 0 || !strings.HasPrefix(out, "wksrec ") {
		t.Fatalf("--version over SSH: %d %q", status, out)
	}
	text, _ := os.ReadFile(b.config)
	if err := os.WriteFile(b.config, regexp.MustCompile(`(?s)\[\[ssh_user\]\]\nname = "rita".*?\n\n`).ReplaceAll(text, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	// The server's SIGHUP is the server's: a script's batch going out in a
	// session goes on (run here, SIGHUP would stop it).
	out, _, _ := b.exec(t, b.alex, "--status", "FAIL", "--action", "reboot", "--dry-run")
	plan := regexp.MustCompile(`--confirm ([0-9a-f]+)`).FindStringSubmatch(out)
	if plan == nil {
		t.Fatalf("--dry-run over SSH: %q", out)
	}
	acting, actOut, actErr := b.startExec(t, b.alex, "--status", "FAIL", "--action", "reboot", "--confirm", plan[1])
	waitFor(t, "the first request's line", actOut.String, regexp.MustCompile(`"chunk":1,`))
	cmd.Process.Signal(syscall.SIGHUP)
	next("SIGHUP: 1 [[ssh_user]] key read again")
	var exit *gossh.ExitError
	if err := acting.Wait(); err != nil && (!errors.As(err, &exit) || exit.ExitStatus() != 1) || strings.Contains(actErr.String(), "SIGHUP") {
		t.Fatalf("the server's SIGHUP reached a session's batch: %v\n%s", err, actErr.String())
	}
	if !strings.Contains(actErr.String(), "desktops accepted") || strings.Contains(actErr.String(), "not sent") {
		t.Errorf("the batch did not go out whole:\n%s", actErr.String())
	}
	if c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "ops", Auth: []gossh.AuthMethod{gossh.PublicKeys(b.rita)},
		HostKeyCallback: func(string, net.Addr, gossh.PublicKey) error { return nil }, Timeout: 10 * time.Second}); err == nil {
		c.Close()
		t.Fatal("rita logs in after her key was taken out and SIGHUP")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	next("SIGTERM: ending")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
}

// The server stopped while an act key's power actions go out: they stop
// before their next request, and what was sent and not is said once on
// the server's stderr (naming the user) and to the client.
func TestSSHStopWhileActing(t *testing.T) {
	b := startBastionOn(t, fake.Options{Seed: 2, Latency: 150 * time.Millisecond})
	term := b.terminal(t, b.alex, 120, 30, nil, "--task-id", b.task, "--record-id", b.run)
	waitFor(t, "the run", term.text, regexp.MustCompile(`FAIL`))
	term.keys(t, "fa")
	waitFor(t, "the action menu", term.text, regexp.MustCompile(`Act on the`))
	term.keys(t, "r"+strconv.Itoa(b.failed)+"\r")
	waitFor(t, "the first request", term.text, regexp.MustCompile(`request 1`))
	b.server.Stop("the server stopped (SIGTERM)", syscall.SIGTERM)
	said := waitFor(t, "what was stopped, to the client", term.text, regexp.MustCompile(`wksrec: the server stopped \(SIGTERM\): reboot: [^\n]*not sent`))
	if strings.Contains(said, "(alex)") {
		t.Errorf("the client was shown the server's line:\n%s", said)
	}
	if n := strings.Count(b.stderr.String(), "reboot:"); n != 1 || !strings.Contains(b.stderr.String(), "the server stopped (SIGTERM) (alex): reboot:") {
		t.Errorf("the server said it %d times:\n%s", n, b.stderr.String())
	}
}

// startExec starts args over SSH without a terminal, with what it prints
// readable as it comes.
func (b *sshBastion) startExec(t *testing.T, key gossh.Signer, args ...string) (s *gossh.Session, stdout, stderr *lockedBuffer) {
	t.Helper()
	s, err := b.dial(t, key).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	s.Stdout, s.Stderr = stdout, stderr
	if err := s.Start(strings.Join(args, " ")); err != nil {
		t.Fatal(err)
	}
	return s, stdout, stderr
}

// The server stopped while a script's power actions go out over SSH: the
// batch stops before its next request, as SIGTERM stops it run here (the
// requests not sent said to the client and logged, exit 143), and the
// session ends by itself rather than at the drain's deadline.
func TestSSHStopWhileScriptActs(t *testing.T) {
	b := startBastionOn(t, fake.Options{Seed: 2, Latency: 150 * time.Millisecond})
	s, stdout, stderr := b.startExec(t, b.alex, "--task-id", b.task, "--record-id", b.run, "--status", "FAIL", "--action", "reboot", "--confirm", strconv.Itoa(b.failed))
	waitFor(t, "the first request's line", stdout.String, regexp.MustCompile(`"chunk":1,`))
	if !b.server.Stop("the server stopped (SIGTERM)", syscall.SIGTERM) {
		t.Fatal("Stop: the script's request in flight did not end in time")
	}
	var exit *gossh.ExitError
	if err := s.Wait(); !errors.As(err, &exit) || exit.ExitStatus() != 128+int(syscall.SIGTERM) {
		t.Fatalf("the script ended with %v; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped by SIGTERM") || !strings.Contains(stderr.String(), "not sent") {
		t.Errorf("the client was not told what was stopped:\n%s", stderr.String())
	}
	if posts, chunks := len(b.posts()), (b.failed+99)/100; posts >= chunks {
		t.Errorf("%d requests of %d went out after the server stopped", posts, chunks)
	}
	if strings.Contains(b.stderr.String(), "not ended") {
		t.Errorf("the session had to be cut off:\n%s", b.stderr.String())
	}
	log, _ := os.ReadFile(filepath.Join(b.home, ".local", "state", "wksrec", "actions.log"))
	if !strings.Contains(string(log), `"phase":"not-sent"`) {
		t.Errorf("the requests not sent are not in the audit log:\n%s", log)
	}
}

// A script whose client is gone stops asking the API (whose budget every
// session shares): the session ends at once, not when its pages are all
// read.
func TestSSHScriptEndsWithItsClient(t *testing.T) {
	b := startBastionOn(t, fake.Options{Seed: 2, Latency: 300 * time.Millisecond})
	c := b.dial(t, b.rita)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("--task-id " + b.task + " --record-id " + b.run + " -o csv --page-size 10 --filter nothing-matches-this"); err != nil {
		t.Fatal(err)
	}
	pages := func() string {
		n := 0
		for _, r := range b.fake.Requests() {
			if strings.HasSuffix(r.Path, "/records/"+b.run) {
				n++
			}
		}
		return strconv.Itoa(n)
	}
	waitFor(t, "the first page asked for", pages, regexp.MustCompile(`^[1-9]`))
	c.Close()
	log := filepath.Join(b.home, ".local", "state", "wksrec", "ssh-sessions.log")
	read := func() string { b, _ := os.ReadFile(log); return string(b) }
	// At 10 a page and 300 ms each, the run's pages take minutes, and no
	// row matches: nothing written fails to say the client is gone.
	waitFor(t, "the session's end in the log", read, regexp.MustCompile(`"event":"end"[^\n]*-o csv`))
	asked := pages()
	if n, _ := strconv.Atoi(asked); n > 20 {
		t.Errorf("%s pages were asked for by a client that left after the first", asked)
	}
}

// A reload ends the sessions of a key taken out of the file, or made
// read, whatever they are doing (a browser, a script's watch), and says
// why to each client; the sessions of keys left as they were go on.
func TestSSHReloadEndsRevokedSessions(t *testing.T) {
	b := startBastion(t)
	text, err := os.ReadFile(b.config)
	if err != nil {
		t.Fatal(err)
	}
	ritaBrowses := b.terminal(t, b.rita, 80, 24, nil)
	alexBrowses := b.terminal(t, b.alex, 80, 24, nil)
	for _, term := range []*sshTerm{ritaBrowses, alexBrowses} {
		waitFor(t, "the task list", term.text, regexp.MustCompile(`TASK`))
	}
	ritaWatches, _, watchErr := b.startExec(t, b.rita, "--task-id", b.task, "--record-id", b.run, "-o", "json", "--watch", "1h")
	waitFor(t, "the watch's first line", watchErr.String, regexp.MustCompile(`watching run`))

	ritaOut := regexp.MustCompile(`(?s)\[\[ssh_user\]\]\nname = "rita".*?\n\n`).ReplaceAll(text, nil)
	if err := os.WriteFile(b.config, ritaOut, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ended, err := b.server.Reload(b.args, b.getenv); err != nil || strings.Join(ended, " ") != "rita rita" {
		t.Fatalf("reload: ended %q, %v", ended, err)
	}
	const gone = `wksrec: rita's key was taken out of \[\[ssh_user\]\] \(the server read its keys again\)`
	waitFor(t, "why rita's browser ended", ritaBrowses.text, regexp.MustCompile(gone))
	waitFor(t, "why rita's watch ended", watchErr.String, regexp.MustCompile(gone))
	for what, err := range map[string]error{"browser": ritaBrowses.s.Wait(), "watch": ritaWatches.Wait()} {
		var exit *gossh.ExitError
		if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
			t.Errorf("rita's %s ended with %v", what, err)
		}
	}
	if !strings.Contains(ritaBrowses.bytes(), "\x1b[?1049l") {
		t.Error("rita's terminal was not restored")
	}
	// alex's browser is as it was: it still answers keys.
	alexBrowses.keys(t, "?")
	waitFor(t, "alex's help", alexBrowses.text, regexp.MustCompile(`relative times`))

	alexReads := strings.Replace(string(ritaOut), `role = "act"`, `role = "read"`, 1)
	if err := os.WriteFile(b.config, []byte(alexReads), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ended, err := b.server.Reload(b.args, b.getenv); err != nil || strings.Join(ended, " ") != "alex" {
		t.Fatalf("reload: ended %q, %v", ended, err)
	}
	waitFor(t, "why alex's browser ended", alexBrowses.text, regexp.MustCompile(`wksrec: alex's key is read-only now \(the server read its keys again\)`))
	alexBrowses.s.Wait() // its end line is written before the client hears the status
	log, _ := os.ReadFile(filepath.Join(b.home, ".local", "state", "wksrec", "ssh-sessions.log"))
	if n := len(regexp.MustCompile(`"event":"end".*"why":"[a-z]+'s key [^"]*\(the server read its keys again\)"`).FindAll(log, -1)); n != 3 {
		t.Errorf("%d end lines say why, not 3:\n%s", n, log)
	}
}

// The server's stderr gone (its pipe's reader ended, as a `| tee` killed)
// does not kill the server, and every session with it, at its next line:
// SIGHUP's and SIGTERM's lines fail to be written, and it goes on, then
// ends with status 0.
func TestSSHServerOutlivesItsStderr(t *testing.T) {
	b, cmd, stderr := startServerBinary(t)
	first, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	b.addr = regexp.MustCompile(`on (127\.0\.0\.1:[0-9]+)`).FindStringSubmatch(first)[1]
	stderr.Close()
	cmd.Process.Signal(syscall.SIGHUP)
	if out, _, status := b.exec(t, b.rita, "--version"); status != 0 || !strings.HasPrefix(out, "wksrec ") {
		t.Fatalf("--version over SSH after SIGHUP: %d %q", status, out)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
}

// What the browser reads before its first frame is said meanwhile (a
// blank terminal for seconds looks hung), and erased before the screen is
// drawn.
func TestSSHBrowserSaysWhatItLooksUp(t *testing.T) {
	b := startBastion(t)
	term := b.terminal(t, b.rita, 80, 24, nil, "--task-id", b.task, "--record-id", "latest")
	out := waitFor(t, "the run", term.bytes, regexp.MustCompile(`FAIL`))
	said := strings.Index(out, "wksrec: finding the task's latest run…")
	erased := strings.Index(out, "\r\x1b[2K")
	drawn := strings.Index(out, "\x1b[?1049h")
	if said < 0 || erased < said || drawn < erased {
		t.Errorf("said at %d, erased at %d, the screen drawn at %d:\n%q", said, erased, drawn, out[:min(len(out), 300)])
	}
}

// A script's client gone while its power actions go out stops the batch
// before its next request, as a dropped session's SIGHUP does here, with
// the requests not sent in the audit log (not at the next line it fails
// to print, a request later).
func TestSSHScriptBatchStopsWithItsClient(t *testing.T) {
	b := startBastionOn(t, fake.Options{Seed: 2, Latency: 150 * time.Millisecond})
	c := b.dial(t, b.alex)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	s.Stdout = &out
	if err := s.Start("--task-id " + b.task + " --record-id " + b.run + " --status FAIL --action reboot --confirm " + strconv.Itoa(b.failed)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first request's line", out.String, regexp.MustCompile(`"chunk":1,`))
	c.Close()
	log := filepath.Join(b.home, ".local", "state", "wksrec", "actions.log")
	waitFor(t, "the requests not sent in the audit log", func() string { return readFile(t, log) },
		regexp.MustCompile(`"phase":"not-sent".*"why":"stopped by SIGHUP"`))
}

// A reload that makes an act key read ends its browser while its power
// actions go out: they stop, and are accounted for to the client and in
// the audit log with the reason.
func TestSSHRevokedBrowserStopsItsBatch(t *testing.T) {
	b := startBastionOn(t, fake.Options{Seed: 2, Latency: 150 * time.Millisecond})
	term := b.terminal(t, b.alex, 120, 30, nil, "--task-id", b.task, "--record-id", b.run)
	waitFor(t, "the run", term.text, regexp.MustCompile(`FAIL`))
	term.keys(t, "fa")
	waitFor(t, "the action menu", term.text, regexp.MustCompile(`Act on the`))
	term.keys(t, "r"+strconv.Itoa(b.failed)+"\r")
	waitFor(t, "the first request", term.text, regexp.MustCompile(`request 1`))
	text, err := os.ReadFile(b.config)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b.config, []byte(strings.Replace(string(text), `role = "act"`, `role = "read"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ended, err := b.server.Reload(b.args, b.getenv); err != nil || strings.Join(ended, " ") != "alex" {
		t.Fatalf("reload: ended %q, %v", ended, err)
	}
	waitFor(t, "what was stopped, to the client", term.text,
		regexp.MustCompile(`alex's key is read-only now \(the server read its keys again\) while power actions went out`))
	log := readFile(t, filepath.Join(b.home, ".local", "state", "wksrec", "actions.log"))
	if !regexp.MustCompile(`"phase":"not-sent".*"why":"alex's key is read-only now`).MatchString(log) {
		t.Errorf("the audit log has no requests not sent for the revocation:\n%s", log)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}
