package main

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// terminal is a pseudo-terminal running the binary, recording everything
// the program writes. It answers the two queries a terminal gets at start
// (background colour, cursor position) as a terminal would.
type terminal struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startInTerminal(t *testing.T, args ...string) (*terminal, func() *unix.Termios) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = []string{"HOME=" + t.TempDir(), "TERM=xterm-256color", "LANG=C.UTF-8"}
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
	term := &terminal{cmd: cmd, done: make(chan struct{})}
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
				if strings.Contains(chunk, "\x1b]11;?") {
					_, _ = ptmx.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
				}
				if strings.Contains(chunk, "\x1b[6n") {
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
func (term *terminal) waitFor(t *testing.T, s string, within time.Duration) {
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
		if status := term.cmd.ProcessState.ExitCode(); status != 1 {
			t.Errorf("exit status %d (%v), want 1", status, err)
		}
	case <-time.After(10 * time.Second):
		_ = term.cmd.Process.Kill()
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
