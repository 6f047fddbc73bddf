//go:build unix

package actions

import "golang.org/x/sys/unix"

const syscallNonblock = unix.O_NONBLOCK

func mkfifo(path string) error { return unix.Mkfifo(path, 0o600) }
