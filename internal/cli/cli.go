// Package cli is what the command runs: the browser, -o, --action and
// --serve-demo. Each is a thin client of the packages that hold the rules
// (internal/actions, internal/paging, internal/filter, internal/compare,
// ui); main keeps only the flags and the exit statuses.
package cli

import (
	"context"
	"io"
	"syscall"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/session"
)

// Env is what a command runs in.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Version        string          // for the User-Agent
	Retry          api.RetryPolicy // -o's rule for a page that failed (tests shorten its waits)
	// Now and Sleep are --wait's and --watch's clock (nil: the real one);
	// tests move the fake API's clock instead of waiting.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Connect makes the API session a command reads through
	// (session.Connect when nil): --serve-ssh's sessions share a pool's.
	Connect func(config.Config) (session.Session, error)
	// Remote is the SSH session a command runs in (--serve-ssh); nil
	// for a command run here.
	Remote *Remote
}

func (e Env) session() session.Env {
	return session.Env{Getenv: e.Getenv, Warn: e.Stderr, UserAgent: "wksrec/" + e.Version}
}

// connect makes c's session, through Connect when it is set.
func (e Env) connect(c config.Config) (session.Session, error) {
	if e.Connect != nil {
		return e.Connect(c)
	}
	return session.Connect(c, e.session())
}

// SignalError is a run ended by a signal: main exits 128 + its number,
// as a shell reports a command a signal ended.
type SignalError struct {
	Signal syscall.Signal
	Err    error
}

func (e SignalError) Error() string { return e.Err.Error() }

func (e SignalError) Unwrap() error { return e.Err }

// Status is the exit status.
func (e SignalError) Status() int { return 128 + int(e.Signal) }
