package actions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Running are the batches of a program still going out, so that a signal
// (SIGTERM, SIGHUP) can stop them all before their next request, abort
// the request in flight, and account for every chunk before the program
// ends. A batch is started through it, under its lock, so that none can
// begin unseen once Abort has run.
type Running struct {
	mu      sync.Mutex
	batches map[*Batch]context.CancelFunc
	closed  string // why Abort ran: no batch starts after it
}

// ErrEnding is Start refused: the program is ending.
var ErrEnding = errors.New("the program is ending: nothing was sent")

// Start starts p as Start does and keeps the batch until it is done;
// release (the log's Close) runs then. After Abort it starts nothing.
func (r *Running) Start(s Sender, p Plan, log *AuditLog, o Options, release func()) (*Batch, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed != "" {
		return nil, fmt.Errorf("%w (%s)", ErrEnding, r.closed)
	}
	ctx, abort := context.WithCancel(context.Background())
	b := Start(ctx, s, p, log, o)
	if r.batches == nil {
		r.batches = map[*Batch]context.CancelFunc{}
	}
	r.batches[b] = abort
	go func() {
		<-b.Done()
		abort()
		if release != nil {
			release()
		}
		r.mu.Lock()
		delete(r.batches, b)
		r.mu.Unlock()
	}()
	return b, nil
}

// Sending reports a batch still going out: one not done, whether or not
// it has been let go of yet (that comes a moment after it is done, and q
// pressed in between must quit).
func (r *Running) Sending() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for b := range r.batches {
		select {
		case <-b.Done():
		default:
			return true
		}
	}
	return false
}

// Abort stops every batch before its next request and cancels the
// request in flight (which may then have been applied). It returns the
// batches that were going out; Wait waits for them to account for their
// chunks.
func (r *Running) Abort(why string) []*Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = why
	var out []*Batch
	for b, abort := range r.batches {
		b.Stop(why)
		abort()
		out = append(out, b)
	}
	return out
}

// Wait waits up to within for every batch to end, and reports whether
// they all did.
func Wait(batches []*Batch, within time.Duration) bool {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for _, b := range batches {
		select {
		case <-b.Done():
		case <-deadline.C:
			return false
		}
	}
	return true
}
