//go:build !unix

package notify

import "os/exec"

// ownProcessGroup does nothing where there are no unix process groups:
// cancellation kills the shell, and WaitDelay still bounds the wait for
// whatever it started.
func ownProcessGroup(cmd *exec.Cmd) {}
