// Package defaults holds the numbers more than one package needs, each
// defined once: the flags' defaults, the browser's and -o's.
package defaults

import "time"

const (
	// Concurrency is how many requests one listing has out at once: small
	// pages on a tall terminal, or a load of every page, must not burst
	// past the API's rate limits.
	Concurrency = 4
	// MaxConcurrency bounds --concurrency.
	MaxConcurrency = 16
	// Watch is how often watch mode refreshes when no interval is given,
	// MinWatch the shortest interval allowed, MaxWatch the longest.
	Watch    = 10 * time.Second
	MinWatch = 2 * time.Second
	MaxWatch = time.Hour
	// History is how many runs a desktop's history covers (this one
	// included), MaxHistory the most --history allows.
	History    = 5
	MaxHistory = 90 // runs the store holds reach past what the API lists
	// WaitTimeout is how long --wait waits for a run by default (a
	// nightly task over thousands of desktops takes an hour or so),
	// MaxWaitTimeout the most it may.
	WaitTimeout    = 2 * time.Hour
	MaxWaitTimeout = 24 * time.Hour
	// The bounds of --serve-ssh's sessions: SSHIdle ends one nobody
	// types in (a laptop closed on a session), SSHMaxSession any one
	// (no session outlives a working day), SSHMaxSessions
	// the sessions at once (each holds a browser's memory and requests).
	SSHIdle        = 30 * time.Minute
	SSHMaxSession  = 12 * time.Hour
	SSHMaxSessions = 32
)
