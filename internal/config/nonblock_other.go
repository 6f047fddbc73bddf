//go:build !unix

package config

// openNonblock: elsewhere there is no FIFO to wait on.
const openNonblock = 0
