package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// terminal is a pseudo-terminal running the binary, recording everything
// the program writes. Unless silent, it answers the two queries a terminal
// gets at start (background colour, cursor position) as a terminal would.
type terminal struct {
	cmd  *exec.Cmd
	tty  *os.File // the program's side, also held open here
	ptmx *os.File // the terminal's side: what is written here is typed
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startInTerminal(t *testing.T, args ...string) (*terminal, func() *unix.Termios) {
	t.Helper()
	return startInTerminalWith(t, nil, args...)
}

// startInTerminalWith is startInTerminal with more environment variables.
func startInTerminalWith(t *testing.T, env []string, args ...string) (*terminal, func() *unix.Termios) {
	t.Helper()
	return startTerminal(t, env, true, args...)
}

// startInSilentTerminal runs the binary on a terminal that never answers a
// query, as some SSH clients and multiplexers behave.
func startInSilentTerminal(t *testing.T, env []string, args ...string) *terminal {
	t.Helper()
	term, _ := startTerminal(t, env, false, args...)
	return term
}

func startTerminal(t testing.TB, env []string, answer bool, args ...string) (*terminal, func() *unix.Termios) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "TERM=xterm-256color", "LANG=C.UTF-8"}, env...)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term := &terminal{cmd: cmd, tty: tty, ptmx: ptmx, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				term.mu.Lock()
				term.out.Write(buf[:n])
				term.mu.Unlock()
				chunk := string(buf[:n])
				if answer && strings.Contains(chunk, "\x1b]11;?") {
					_, _ = ptmx.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
				}
				if answer && strings.Contains(chunk, "\x1b[6n") {
					_, _ = ptmx.Write([]byte("\x1b[1;1R"))
				}
			}
			if err != nil {
				return
			}
		}
	}()
	termios := func() *unix.Termios {
		st, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	return term, termios
}

// waitFor waits until the output holds s.
func (term *terminal) waitFor(t testing.TB, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		found := strings.Contains(term.out.String(), s)
		term.mu.Unlock()
		if found {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	t.Fatalf("no %q within %s; the terminal got %q", s, within, term.out.String())
}

func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// A dropped SSH session sends SIGHUP. The terminal must come back as it
// was: main screen, cursor shown, echo and line editing on.
func TestHangupRestoresTheTerminal(t *testing.T) {
	term, termios := startInTerminal(t, "--demo", "--theme", "dark")
	before := termios()
	term.waitFor(t, "\x1b[?1049h", 10*time.Second) // the alternate screen
	term.waitFor(t, "wksrec", 10*time.Second)      // a frame
	if raw := termios(); raw.Lflag&unix.ECHO != 0 {
		t.Fatalf("echo still on while the program runs: the test cannot tell restored from never changed")
	}
	if err := term.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- term.cmd.Wait() }()
	select {
	case err := <-exited:
		if status := term.cmd.ProcessState.ExitCode(); status != 129 {
			t.Errorf("exit status %d (%v), want 129 (128 + SIGHUP)", status, err)
		}
	case <-time.After(10 * time.Second):
		term.stop()
		t.Fatal("still running 10 s after SIGHUP")
	}
	out := term.output()
	tail := out[strings.LastIndex(out, "\x1b[?1049h"):]
	for what, seq := range map[string]string{"leave the alternate screen": "\x1b[?1049l", "show the cursor": "\x1b[?25h"} {
		if !strings.Contains(tail, seq) {
			t.Errorf("after SIGHUP the program did not %s (%q)", what, seq)
		}
	}
	after := termios()
	if after.Lflag&(unix.ECHO|unix.ICANON) != before.Lflag&(unix.ECHO|unix.ICANON) {
		t.Errorf("local modes %#x after, %#x before: echo or line editing not restored", after.Lflag, before.Lflag)
	}
	if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
		t.Errorf("a stack trace reached the terminal")
	}
}

// The flags and environment reach the terminal: mouse reporting is asked
// for by default and not with --mouse=false; under NO_COLOR the screen has
// reverse video and bold but no colour.
func TestTerminalSettingsFromFlagsAndEnvironment(t *testing.T) {
	const mouseOn = "\x1b[?1002h" // cell motion reporting
	term, _ := startInTerminal(t, "--demo", "--theme", "dark")
	term.waitFor(t, "demo-project", 10*time.Second)
	if !strings.Contains(term.output(), mouseOn) {
		t.Error("mouse reporting not asked for by default")
	}
	term.stop()

	term, _ = startInTerminal(t, "--demo", "--theme", "dark", "--mouse=false")
	term.waitFor(t, "demo-project", 10*time.Second)
	if strings.Contains(term.output(), mouseOn) {
		t.Error("mouse reporting asked for with --mouse=false")
	}
	term.stop()

	term, _ = startInTerminalWith(t, []string{"NO_COLOR=1"}, "--demo", "--theme", "dark")
	term.waitFor(t, "Nightly reboot", 10*time.Second)
	out := term.output()
	reverse := false
	for _, sgr := range regexp.MustCompile(`\x1b\[([0-9;]*)m`).FindAllStringSubmatch(out, -1) {
		for _, p := range strings.Split(sgr[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && ((n >= 30 && n <= 49) || (n >= 90 && n <= 107)) {
				t.Fatalf("NO_COLOR screen has a colour: %q", sgr[0])
			}
			reverse = reverse || p == "7"
		}
	}
	if !reverse {
		t.Error("NO_COLOR screen has no reverse video for the selection")
	}
	term.stop()
}

// stop kills the program and waits for it.
func (term *terminal) stop() {
	_ = term.cmd.Process.Kill()
	_ = term.cmd.Wait()
}

// SIGTERM or SIGHUP while power actions go out in the browser: the batch stops
// before its next request (the one in flight aborted), the terminal is
// restored, each chunk is accounted for on stderr and in the audit log,
// and the exit status is 128 + the signal's number.
func TestSignalMidBatchInTheBrowser(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sigName(sig), func(t *testing.T) {
			t.Parallel() // a binary and a fake of its own
			signalMidBatch(t, sig)
		})
	}
}

func signalMidBatch(t *testing.T, sig syscall.Signal) {
	state := t.TempDir()
	term, _ := startInTerminalWith(t, []string{"XDG_STATE_HOME=" + state}, "--demo", "--theme", "dark", "--demo-latency", "150ms")
	term.waitFor(t, "Nightly reboot", 10*time.Second)
	type key struct {
		keys, then string
	}
	for _, k := range []key{{"\r", "records · "}, {"\r", "details · "}, {"f", "failed only"}, {"a", "Act on the"}, {"r", "Type "}} {
		if _, err := term.ptmx.Write([]byte(k.keys)); err != nil {
			t.Fatal(err)
		}
		term.waitFor(t, k.then, 20*time.Second)
	}
	var count string
	for deadline := time.Now().Add(5 * time.Second); count == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := regexp.MustCompile(`Type ([0-9,]+) to reboot`).FindStringSubmatch(term.output()); m != nil {
			count = m[1]
		}
	}
	if count == "" {
		t.Fatalf("no count asked for: %q", term.output())
	}
	if _, err := term.ptmx.Write([]byte(count + "\r")); err != nil {
		t.Fatal(err)
	}
	term.waitFor(t, "sent (try 1)", 10*time.Second)
	if err := term.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- term.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		term.stop()
		t.Fatalf("still running 10 s after %s", sigName(sig))
	}
	if status := term.cmd.ProcessState.ExitCode(); status != 128+int(sig) {
		t.Errorf("exit status %d, want %d", status, 128+int(sig))
	}
	out := term.output()
	tail := out[strings.LastIndex(out, "\x1b[?1049h"):]
	if !strings.Contains(tail, "\x1b[?1049l") {
		t.Error("the alternate screen was not left")
	}
	if !regexp.MustCompile(sigName(sig) + `: reboot: [0-9,]+ of [0-9,]+ desktops accepted.* not sent`).MatchString(tail) {
		t.Errorf("no account of the batch after %s: %q", sigName(sig), tail[max(len(tail)-600, 0):])
	}
	b, err := os.ReadFile(state + "/wksrec/actions.log")
	if err != nil {
		t.Fatal(err)
	}
	sending, answered, notSent := strings.Count(string(b), `"phase":"sending"`), strings.Count(string(b), `"phase":"answered"`)+strings.Count(string(b), `"phase":"failed"`), strings.Count(string(b), `"phase":"not-sent"`)
	if sending == 0 || sending != answered || notSent == 0 {
		t.Errorf("audit log: %d sent, %d answered or failed, %d not sent", sending, answered, notSent)
	}
}
