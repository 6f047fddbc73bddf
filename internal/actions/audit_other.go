//go:build !unix

package actions

import (
	"fmt"
	"os"
	"path/filepath"
)

// openPrivate opens path to append, refusing a link or anything but a
// regular file. Without Unix permissions there is no owner or mode to
// check: the directory is the user's profile's.
func openPrivate(path string, _ int) (*os.File, []string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating the audit log's directory: %w", err)
	}
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("the audit log %s is not a regular file: refused", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the audit log %s: %w", path, err)
	}
	return f, nil, nil
}
