//go:build unix

package notify

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests watch processes by id, which needs unix signals.

func TestRunCommandTimeoutStopsTheGroup(t *testing.T) {
	skipOnWindows(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	// The shell waits on a child; killing only the shell would leave it.
	cmd := "sleep 60 & echo $! > " + pidFile + "; wait"
	start := time.Now()
	err := RunCommand(context.Background(), cmd, nil, 200*time.Millisecond)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v to stop", elapsed)
	}
	if err == nil || err.Error() != "notify-cmd timed out after 200ms and was stopped" {
		t.Errorf("error %v", err)
	}
	pid := readPid(t, pidFile)
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	waitGone(t, pid)
}

func TestRunCommandBackgroundChildHoldingStderr(t *testing.T) {
	skipOnWindows(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	// The command succeeds at once but leaves a child with its stderr open.
	cmd := "sleep 60 & echo $! > " + pidFile
	start := time.Now()
	err := RunCommand(context.Background(), cmd, nil, 30*time.Second)
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("took %v: waited for the background child", elapsed)
	}
	if err != nil {
		t.Errorf("a command that exited 0 failed: %v", err)
	}
	pid := readPid(t, pidFile)
	_ = syscall.Kill(pid, syscall.SIGKILL) // the operator's business, but not the test's to leave behind
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// waitGone fails unless pid has exited. SIGKILL is delivered, and a child of
// a dead shell reaped by init, in the kernel's own time, so this polls a
// real process for up to a second; nothing in the code under test waits.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for range 100 {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(b), ") Z ") {
			return // a zombie: dead, waiting for init
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("process %d outlived the timeout", pid)
}
