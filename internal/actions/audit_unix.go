//go:build unix

package actions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openPrivate opens path to append for the user uid, readable (for its last byte) and
// writable by its owner only, refusing what is not a regular file of the
// user's own. The directory is opened first and the file within it by
// descriptor, so what is checked is what is written to:
//   - the directory must be the user's own, and not a link (O_NOFOLLOW:
//     nothing a link points to is chmodded); one others can read or write
//     is made private (0700) and said so. Another user's is refused.
//   - the file is opened with O_NOFOLLOW (a link is refused, never
//     followed, and nothing it points to is chmodded) and O_NONBLOCK (a
//     FIFO without a reader fails at once rather than hanging; one with a
//     reader is then refused as not a regular file); a file with another
//     name (a hard link) is refused too.
func openPrivate(path string, uid int) (*os.File, []string, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating the audit log's directory: %w", err)
	}
	dfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		return nil, nil, fmt.Errorf("the audit log's directory %s is a symbolic link or not a directory: refused (it must be a directory of your own)", dir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the audit log's directory %s: %w", dir, err)
	}
	defer unix.Close(dfd)
	var notes []string
	var ds unix.Stat_t
	if err := unix.Fstat(dfd, &ds); err != nil {
		return nil, nil, fmt.Errorf("the audit log's directory %s: %w", dir, err)
	}
	switch {
	case int(ds.Uid) != uid:
		return nil, nil, fmt.Errorf("the audit log's directory %s belongs to another user (uid %d): refused; point $XDG_STATE_HOME at a directory of your own", dir, ds.Uid)
	case ds.Mode&0o077 != 0:
		if err := unix.Fchmod(dfd, 0o700); err != nil {
			return nil, nil, fmt.Errorf("the audit log's directory %s is open to others (%#o) and cannot be made private: %w", dir, ds.Mode&0o777, err)
		}
		notes = append(notes, fmt.Sprintf("the audit log's directory %s was open to others (%#o): made private (0700)", dir, ds.Mode&0o777))
	}
	fd, err := unix.Openat(dfd, base, unix.O_RDWR|unix.O_APPEND|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0o600)
	switch {
	case errors.Is(err, unix.ELOOP):
		return nil, nil, fmt.Errorf("the audit log %s is a symbolic link: refused (it must be a file of your own)", path)
	case errors.Is(err, unix.ENXIO), errors.Is(err, unix.EISDIR):
		return nil, nil, fmt.Errorf("the audit log %s is not a regular file: refused", path)
	case err != nil:
		return nil, nil, fmt.Errorf("opening the audit log %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("the audit log %s: %w", path, err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		f.Close()
		return nil, nil, fmt.Errorf("the audit log %s is not a regular file: refused", path)
	case int(st.Uid) != uid:
		f.Close()
		return nil, nil, fmt.Errorf("the audit log %s belongs to another user (uid %d): refused", path, st.Uid)
	case st.Nlink != 1:
		// Another name for another file: records would go there, and
		// its mode would be changed.
		f.Close()
		return nil, nil, fmt.Errorf("the audit log %s has %d names (a hard link): refused", path, st.Nlink)
	case st.Mode&0o077 != 0:
		if err := unix.Fchmod(fd, 0o600); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("the audit log %s is readable by others and cannot be made private: %w", path, err)
		}
		notes = append(notes, fmt.Sprintf("the audit log %s was open to others (%#o): made private (0600)", path, st.Mode&0o777))
	}
	// A regular file: writes need not be non-blocking.
	if err := unix.SetNonblock(fd, false); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("the audit log %s: %w", path, err)
	}
	return f, notes, nil
}
