package actions

import (
	"context"
	"sync"
	"time"
)

// Running are the batches of a program still going out, so that a signal
// (SIGTERM, SIGHUP) can stop them all before their next request, abort
// the request in flight, and account for every chunk before the program
// ends.
type Running struct {
	mu      sync.Mutex
	batches map[*Batch]context.CancelFunc
}

// Add keeps b until it is done; abort cancels its request in flight, and
// release (the log's Close) runs once it is done.
func (r *Running) Add(b *Batch, abort context.CancelFunc, release func()) {
	r.mu.Lock()
	if r.batches == nil {
		r.batches = map[*Batch]context.CancelFunc{}
	}
	r.batches[b] = abort
	r.mu.Unlock()
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
}

// Sending reports a batch still going out.
func (r *Running) Sending() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.batches) > 0
}

// Abort stops every batch before its next request and cancels the
// request in flight (which may then have been applied). It returns the
// batches that were going out; Wait waits for them to account for their
// chunks.
func (r *Running) Abort(why string) []*Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
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
