//go:build !unix

package store

import "io/fs"

// openFlags: elsewhere, the Lstat checks of the directory are what there is.
const openFlags = 0

// owner: ownership is not a uid elsewhere.
func owner(fs.FileInfo) (uid int, ok bool) { return 0, false }
