//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

// openFlags open a run file without following a link or waiting on a FIFO.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// owner is the uid owning a file, when the system says.
func owner(fi fs.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
