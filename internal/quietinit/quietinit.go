// Package quietinit stops the terminal query that Bubble Tea v1 makes while
// the program is still initialising.
//
// bubbletea v1's package init calls lipgloss.HasDarkBackground, which
// writes ESC ]11;? and ESC [6n to the terminal and waits up to five
// seconds for answers. Every start paid it, even --version, -o json and a
// flag error, and on a link or multiplexer that never answers every start
// took five seconds. termenv skips the query when TERM is "dumb", so this
// package sets TERM=dumb before those packages initialise and Restore puts
// the user's value back once they have.
//
// It must initialise before github.com/muesli/termenv. Go initialises
// packages in import-path order among those whose imports are done; this
// one imports only syscall, and its path sorts before golang.org/x/sys/unix,
// which termenv imports, so it always runs first. A test in package main
// checks that on the built binary.
package quietinit

import "syscall"

// The user's TERM, and whether it was set at all.
var term, termSet = syscall.Getenv("TERM")

func init() {
	_ = syscall.Setenv("TERM", "dumb")
}

// Restore puts back the TERM the process started with. Call it before
// anything reads TERM for real: the colour profile and the terminal's
// background are then worked out again by the caller.
func Restore() {
	if termSet {
		_ = syscall.Setenv("TERM", term)
		return
	}
	_ = syscall.Unsetenv("TERM")
}
