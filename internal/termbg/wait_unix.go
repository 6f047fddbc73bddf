//go:build unix

package termbg

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

const canWait = true

// waitReadable waits until deadline for in to have bytes to read. A
// terminal's file descriptor is blocking, so a read deadline cannot bound
// the read: poll(2) does.
func waitReadable(in *os.File, deadline time.Time) bool {
	fds := []unix.PollFd{{Fd: int32(in.Fd()), Events: unix.POLLIN}}
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		n, err := unix.Poll(fds, int((left+time.Millisecond-1)/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err == nil && n > 0
	}
}
