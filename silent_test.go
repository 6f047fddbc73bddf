package main

import (
	"strings"
	"testing"
	"time"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/session"
)

const (
	backgroundQuery = "\x1b]11;?"
	cursorQuery     = "\x1b[6n"
)

// waitExit waits for the program to end and for the terminal to have read
// everything it wrote.
func (term *terminal) waitExit(t *testing.T, within time.Duration) {
	t.Helper()
	exited := make(chan struct{})
	go func() { _ = term.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(within):
		_ = term.cmd.Process.Kill()
		<-exited
		t.Fatalf("%v still running after %s; the terminal got %q", term.cmd.Args[1:], within, term.output())
	}
	// With no one left holding the program's side, the reader drains what
	// was written and ends.
	term.tty.Close()
	<-term.done
}

// On a terminal that never answers, the commands that do not draw the
// browser never ask it anything, and so never wait for it. They used to
// wait five seconds each, in Bubble Tea's package init.
func TestCommandsNeverQueryTheTerminal(t *testing.T) {
	demo := fake.New(session.DemoOptions(config.Config{})).Data()
	task := demo.Tasks[0].ID
	for _, args := range [][]string{
		{"--version"},
		{"--help"},
		{"--no-such-flag"},
		{"-o", "json", "--demo", "--task-id", task, "--record-id", demo.Records[task][0].ID},
	} {
		start := time.Now()
		term := startInSilentTerminal(t, nil, args...)
		// Well inside the five seconds a query would wait.
		term.waitExit(t, 2*time.Second)
		out := term.output()
		if strings.Contains(out, backgroundQuery) || strings.Contains(out, cursorQuery) {
			t.Errorf("%v queried the terminal after %s: %q", args, time.Since(start), out)
		}
	}

	term := startInSilentTerminal(t, nil, "--serve-demo", "127.0.0.1:0")
	term.waitFor(t, "serving the fake Workspace API", 2*time.Second)
	term.stop()
	if out := term.output(); strings.Contains(out, backgroundQuery) || strings.Contains(out, cursorQuery) {
		t.Errorf("--serve-demo queried the terminal: %q", out)
	}
}

// The browser asks for the background only when nothing else says it, at
// most once, and draws its first frame well under a second after start on
// a terminal that never answers.
func TestBrowserAsksForTheBackgroundOnlyWhenItMust(t *testing.T) {
	for _, c := range []struct {
		env  []string
		args []string
		asks int
	}{
		{nil, []string{"--theme", "dark"}, 0},
		{nil, []string{"--theme", "light"}, 0},
		{[]string{"COLORFGBG=15;0"}, nil, 0},
		{[]string{"NO_COLOR=1"}, nil, 0},
		{nil, nil, 1},
	} {
		start := time.Now()
		term := startInSilentTerminal(t, c.env, append([]string{"--demo"}, c.args...)...)
		term.waitFor(t, "demo-project", time.Second)
		took := time.Since(start)
		term.stop()
		if n := strings.Count(term.output(), backgroundQuery); n != c.asks {
			t.Errorf("%v %v: asked for the background %d times, want %d", c.env, c.args, n, c.asks)
		}
		t.Logf("%v %v: first frame after %s", c.env, c.args, took.Round(time.Millisecond))
	}
}
