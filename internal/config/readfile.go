package config

import (
	"fmt"
	"io"
	"os"
)

// Files read at start (the config file, a token or credentials file, the
// KooCLI profiles, a CA bundle) are the user's own, but a path mistyped
// or a link gone wrong must not hang the start or fill memory: /dev/zero
// read to its end grew to gigabytes, and a FIFO without a writer hung.
// Each is opened without waiting (a FIFO fails at once, or is refused),
// must be a regular file once the user's links are followed, and is read
// up to a bound.

// Bounds on what is read of a file at start.
const (
	MaxStartFile = 1 << 20 // a config, token, credentials or KooCLI file
	MaxCABundle  = 4 << 20 // a CA bundle: a system one is a few hundred KiB
)

// ReadStartFile reads the regular file at path, at most limit bytes;
// what names the file in errors ("the config file", "--ca-file"). Its
// errors are Errors; a missing file is one that wraps os.ErrNotExist.
func ReadStartFile(path, what string, limit int64) ([]byte, error) {
	name := path
	if what != "" {
		name = what + " " + path
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, Errorf("cannot read %s: %w", name, UnwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, Errorf("cannot read %s: %w", name, UnwrapPathError(err))
	}
	if !st.Mode().IsRegular() {
		return nil, Errorf("%s is not a regular file (%s): refused", name, fileKind(st.Mode()))
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	switch {
	case err != nil:
		return nil, Errorf("cannot read %s: %w", name, UnwrapPathError(err))
	case int64(len(b)) > limit:
		return nil, Errorf("%s is larger than %d KiB: is it the right file?", name, limit>>10)
	}
	return b, nil
}

// fileKind names what a path that is not a regular file is.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeCharDevice != 0, m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return fmt.Sprintf("mode %v", m.Type())
}
