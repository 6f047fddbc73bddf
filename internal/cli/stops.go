package cli

// What stops a batch going out or a watch before its end, here and over
// SSH.

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wksrec/wksrec/internal/actions"
)

// stopSignals are what stop a batch going out or a watch: here the
// process's SIGINT, SIGTERM and SIGHUP (a terminal gone). Over SSH the
// process's signals are the server's, not the session's (its SIGHUP reads
// the keys again, its SIGTERM stops the server, which stops each session
// itself): a session's are its end (the client gone, its key revoked), as
// SIGHUP (as sshd says a session gone), and the server's stop, as the
// signal that stopped it.
func (e Env) stopSignals() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 2)
	if e.Remote == nil {
		signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		return c, func() { signal.Stop(c) }
	}
	send := func(s os.Signal) {
		select {
		case c <- s:
		default: // two are pending already: the second aborts as much
		}
	}
	remove := e.Remote.live.add(e.Remote, func(_ string, sig syscall.Signal) []*actions.Batch {
		send(sig)
		return nil // the session says what it stopped, to its client
	})
	stopAfter := context.AfterFunc(e.Remote.ctx, func() { send(syscall.SIGHUP) })
	return c, func() {
		stopAfter()
		remove()
	}
}

// stopContext is done at the first of stopSignals.
func (e Env) stopContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(e.context())
	sigs, stop := e.stopSignals()
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		cancel()
		stop()
	}
}

// context is what a command's requests end with: nothing here (each has
// its own timeout), and over SSH the session, so that a client gone (or a
// key revoked) stops what it asked for instead of spending everyone's API
// budget.
func (e Env) context() context.Context {
	if e.Remote == nil {
		return context.Background()
	}
	return e.Remote.ctx
}
