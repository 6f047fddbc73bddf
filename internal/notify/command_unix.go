//go:build unix

package notify

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup puts the command in a new process group and makes
// cancellation kill the whole group: sh -c 'a | b' or a script runs several
// processes, and killing only the shell would leave the rest running.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone // everyone had already gone
		}
		return err
	}
}
