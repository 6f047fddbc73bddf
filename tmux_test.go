package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// tmuxServer is a tmux server of its own (a socket in a temporary
// directory), started with -f /dev/null: tmux's defaults, as users have
// them (allow-passthrough off, set-clipboard external).
type tmuxServer struct{ sock string }

func startTmux(t *testing.T, width, height int, command ...string) tmuxServer {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for this test (.ci/run installs it): ", err)
	}
	s := tmuxServer{sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := append([]string{"-f", "/dev/null", "-S", s.sock, "new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height),
		"env", "TERM=tmux-256color", "HOME=" + t.TempDir()}, command...)
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("starting tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func (s tmuxServer) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

// waitFor polls until the screen (or whatever get returns) matches re.
func waitFor(t *testing.T, what string, get func() string, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := get()
		if re.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 10 s; last:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Inside a tmux with its default settings, y puts the desktop id in tmux's
// buffer (and, with -w, on to the outer terminal's clipboard), and the note
// says so. An OSC 52 of the application's own would be dropped there.
func TestCopyInsideRealTmux(t *testing.T) {
	bin := buildBinary(t)
	s := startTmux(t, 160, 40, bin, "--demo", "--theme", "dark")
	screen := func() string { return s.run(t, "capture-pane", "-p") }
	waitFor(t, "the task list", screen, regexp.MustCompile(`Nightly reboot`))
	s.run(t, "send-keys", "Enter")
	waitFor(t, "the runs", screen, regexp.MustCompile(`SUCCESS +FAILED|STARTED`))
	s.run(t, "send-keys", "Enter")
	view := waitFor(t, "the details", screen, regexp.MustCompile(`Desktop ID +[0-9a-f]{8}-`))
	id := regexp.MustCompile(`Desktop ID +([0-9a-f-]{36})`).FindStringSubmatch(view)
	if id == nil {
		t.Fatalf("no desktop id in the pane:\n%s", view)
	}
	s.run(t, "send-keys", "y")
	waitFor(t, "the note", screen, regexp.MustCompile(`put in the tmux buffer and sent to the clipboard`))
	if got := s.run(t, "show-buffer"); got != id[1] {
		t.Errorf("tmux buffer holds %q, want the selected desktop id %q", got, id[1])
	}
	s.run(t, "send-keys", "q")
}
