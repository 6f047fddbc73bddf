package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// DefaultCommandTimeout is how long RunCommand lets a command run when the
// caller gives no timeout.
const DefaultCommandTimeout = 30 * time.Second

// stderrTail is how much of a command's stderr is kept: the end is where a
// failing command says why.
const stderrTail = 4 << 10

// RunCommand runs the operator's own command (a line of shell from their
// config or flags) with the alert's JSON payload on its stdin. Its stdout is
// discarded; the last line of its stderr explains a failure.
//
// The command runs in a process group of its own so that a timeout stops
// everything it started, and a child it left running in the background
// while holding stderr open cannot keep RunCommand waiting.
//
// The error is one line a person can act on, and never holds the payload.
func RunCommand(ctx context.Context, shellCmd string, payload []byte, timeout time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("notify-cmd was not run: %w", err)
	}
	if strings.TrimSpace(shellCmd) == "" {
		return errors.New("notify-cmd is empty: there is no command to run") // sh -c "" would pass silently
	}
	if timeout <= 0 {
		timeout = DefaultCommandTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := shellCommand(runCtx, shellCmd)
	cmd.Stdin = bytes.NewReader(payload)
	cmd.Stdout = nil // the null device
	stderr := &tailBuffer{max: stderrTail}
	cmd.Stderr = stderr
	ownProcessGroup(cmd)
	// After the command exits, or is killed, wait at most this long for its
	// stderr to close: a background grandchild may hold it for a minute.
	cmd.WaitDelay = time.Second

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("notify-cmd could not start: %w", err)
	}
	err := cmd.Wait()
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay):
		// ErrWaitDelay: the command succeeded but left something running
		// with its stderr; that something is the operator's business.
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("notify-cmd was stopped: %w", ctx.Err())
	case runCtx.Err() != nil:
		return fmt.Errorf("notify-cmd timed out after %s and was stopped", timeout)
	}

	why := lastLine(stderr.String())
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return fmt.Errorf("notify-cmd failed: %v", err)
	}
	msg := fmt.Sprintf("notify-cmd exited with status %d", exitErr.ExitCode())
	if exitErr.ExitCode() < 0 {
		msg = "notify-cmd was stopped (" + exitErr.ProcessState.String() + ")" // a signal
	}
	if why != "" {
		msg += ": " + why
	}
	return errors.New(msg)
}

// shellCommand runs line through the platform's shell, as the operator wrote
// it for that shell.
func shellCommand(ctx context.Context, line string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		return exec.CommandContext(ctx, "cmd", "/C", line)
	}
	return exec.CommandContext(ctx, "/bin/sh", "-c", line)
}

// lastLine is the last line of s with something in it, made safe to print.
func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if line := oneLine(lines[i]); line != "" {
			return line
		}
	}
	return ""
}

// tailBuffer keeps the last max bytes written to it. A chatty command
// cannot fill memory, and the end is what explains a failure.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.max {
		p = p[len(p)-t.max:]
		t.buf = t.buf[:0]
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

func (t *tailBuffer) String() string { return string(t.buf) }
