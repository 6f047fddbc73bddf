// Package actions sends batch power actions on desktops, the one thing
// wksrec does that changes the cloud. A plan (plan.go) freezes the
// desktops and names them by a digest; a batch sends it in chunks the API
// accepts, one after another, each written to a local audit log before
// and after it is sent, never sent twice unless the API said it was not
// applied, and stoppable before any next request. The browser and
// --action are both thin clients of this package.
package actions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/numfmt"
)

// Sender is the call that acts; *api.Client is one.
type Sender interface {
	DesktopAction(ctx context.Context, desktopIDs []string, a api.PowerAction) (api.ActionResult, error)
}

// Outcome is where one request of a batch stands.
type Outcome int

const (
	Pending  Outcome = iota // not sent yet
	InFlight                // sent, no answer yet: it may be applied
	Answered                // the API answered: a job, and perhaps refusals
	Failed                  // an error: api.MayHaveBeenApplied(Err) says which kind
	NotSent                 // never sent: the batch stopped before it (Why)
)

// Chunk is one request's desktops and what came of them.
type Chunk struct {
	Index      int // from 0, in the batch's order
	DesktopIDs []string
	Outcome    Outcome
	Tries      int
	JobID      string
	TaskID     string // a re-run's new task
	// Refused are the API's refusals of this request's desktops, each
	// desktop once; Strays its refusals of desktops the request did not
	// name, which no count includes (an inconsistency of the API).
	Refused []api.FailedOperation
	Strays  []api.FailedOperation
	Err     error
	Why     string // NotSent: why
}

// Sent reports a request that went out (or may have).
func (c Chunk) Sent() bool {
	return c.Outcome == InFlight || c.Outcome == Answered || c.Outcome == Failed
}

// Accepted is how many of the chunk's desktops the API took on.
func (c Chunk) Accepted() int {
	if c.Outcome != Answered {
		return 0
	}
	return len(c.DesktopIDs) - len(c.Refused)
}

// Uncertain reports a request that may have been applied though no
// answer says so: in flight, or failed after going out.
func (c Chunk) Uncertain() bool {
	return c.Outcome == InFlight || (c.Outcome == Failed && api.MayHaveBeenApplied(c.Err))
}

// NotApplied reports a request certainly not acted on: never sent, or
// refused whole (throttled, forbidden).
func (c Chunk) NotApplied() bool {
	return c.Outcome == Pending || c.Outcome == NotSent || (c.Outcome == Failed && !api.MayHaveBeenApplied(c.Err))
}

// Throttle bounds the retries of a chunk refused for rate: the only
// answer after which a POST is certainly not applied.
type Throttle struct {
	Tries  int           // in all, the first included
	Budget time.Duration // from the first try
	Base   time.Duration // the wait when the API gives no Retry-After, doubled each time
}

// DefaultThrottle is the rule for real use.
var DefaultThrottle = Throttle{Tries: 5, Budget: time.Minute, Base: 2 * time.Second}

// Options are a batch's rules and clocks.
type Options struct {
	Throttle Throttle
	Now      func() time.Time                                 // time.Now if nil
	Wait     func(ctx context.Context, d time.Duration) error // api.Sleep if nil; tests pass one that does not
	// OnChunk, if set, hears each request's end (answered, failed or not
	// sent) in order, on the batch's goroutine: --action prints it then.
	OnChunk func(Chunk)
}

// Batch is a plan being sent. Its methods are safe to call from any
// goroutine while it runs.
type Batch struct {
	Plan   Plan
	Digest string

	mu      sync.Mutex
	chunks  []Chunk
	halt    string // why the batch ended early; "" while it goes on, or after it ran to its end
	stopWhy string

	stop     chan struct{}
	stopOnce sync.Once
	changed  chan struct{}
	done     chan struct{}
}

// Start sends p in the background, a chunk at a time, each logged before
// it is sent and after; a chunk that cannot be logged is not sent, and a
// log that fails after an answer ends the batch there. A chunk refused for
// rate (HTTP 429) is sent again within o.Throttle; any other failure ends
// the batch (the chunks after it are not sent): a timeout or a 5xx may
// come after the action was applied, and a 403 would refuse the rest too.
// Cancelling ctx aborts the request in flight (which may then have been
// applied); Stop lets it finish and sends nothing after it.
func Start(ctx context.Context, s Sender, p Plan, log *AuditLog, o Options) *Batch {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Wait == nil {
		o.Wait = api.Sleep
	}
	b := &Batch{Plan: p, Digest: p.Digest(), stop: make(chan struct{}), changed: make(chan struct{}, 1), done: make(chan struct{})}
	for i, ids := range p.Chunks() {
		b.chunks = append(b.chunks, Chunk{Index: i, DesktopIDs: ids})
	}
	go b.run(ctx, s, log, o)
	return b
}

// Stop ends the batch before its next request; the one in flight is
// answered first. why is what the report and the log say ("stopped by
// you", "stopped by SIGTERM").
func (b *Batch) Stop(why string) {
	b.stopOnce.Do(func() {
		b.mu.Lock()
		b.stopWhy = why
		b.mu.Unlock()
		close(b.stop)
	})
}

// Stopping reports a Stop asked for.
func (b *Batch) Stopping() bool {
	select {
	case <-b.stop:
		return true
	default:
		return false
	}
}

func (b *Batch) stopReason() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopWhy
}

// Chunks is where each request stands now.
func (b *Batch) Chunks() []Chunk {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Chunk(nil), b.chunks...)
}

// Halt is why the batch ended before its last request ("" when it did
// not, or has not ended).
func (b *Batch) Halt() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.halt
}

// Changed signals after each change of a chunk (signals may merge).
func (b *Batch) Changed() <-chan struct{} { return b.changed }

// Done is closed once every chunk has its outcome and is logged.
func (b *Batch) Done() <-chan struct{} { return b.done }

func (b *Batch) set(c Chunk) {
	b.mu.Lock()
	b.chunks[c.Index] = c
	b.mu.Unlock()
	b.signal()
}

func (b *Batch) signal() {
	select {
	case b.changed <- struct{}{}:
	default:
	}
}

func (b *Batch) run(ctx context.Context, s Sender, log *AuditLog, o Options) {
	defer close(b.done)
	// Waits (a throttled chunk's) end at Stop; requests do not.
	waitCtx, cancelWait := context.WithCancel(ctx)
	defer cancelWait()
	go func() {
		select {
		case <-b.stop:
			cancelWait()
		case <-waitCtx.Done():
		}
	}()
	halt := ""
	for i := range b.chunks {
		if halt == "" && b.Stopping() {
			halt = b.stopReason()
		}
		c := b.Chunks()[i]
		if halt == "" {
			var logErr error
			c, logErr = b.send(ctx, waitCtx, s, log, o, c)
			switch {
			case c.Outcome == NotSent:
				halt = c.Why
			case logErr != nil:
				halt = "the audit log could not be written (" + logErr.Error() + ")"
			case c.Outcome == Failed && b.Stopping():
				// The stop cut it short (its retries, or the request itself
				// when the stop aborts the one in flight): the rest are not
				// sent because of the stop, and the log says so.
				halt = b.stopReason()
			case c.Outcome == Failed:
				halt = "a request before it failed"
			}
		} else {
			c.Outcome, c.Why = NotSent, halt
			b.set(c)
			// Best effort: a log that failed before fails again, and
			// the report says what was not sent either way.
			_ = log.Write(Entry{Action: b.Plan.Action.Name, Plan: b.Digest, Chunk: c.Index + 1, Phase: "not-sent", DesktopIDs: c.DesktopIDs, Why: halt})
		}
		if o.OnChunk != nil {
			o.OnChunk(c)
		}
	}
	b.mu.Lock()
	b.halt = halt
	b.mu.Unlock()
	b.signal() // a last signal, once the halt is set
}

// send sends one chunk, again only after a 429, and returns it with its
// outcome; logErr is a log that failed after an answer came.
func (b *Batch) send(ctx, waitCtx context.Context, s Sender, log *AuditLog, o Options, c Chunk) (_ Chunk, logErr error) {
	a := b.Plan.Action
	started := o.Now()
	for {
		if err := log.Write(Entry{Action: a.Name, Plan: b.Digest, Chunk: c.Index + 1, Phase: "sending", Try: c.Tries + 1, DesktopIDs: c.DesktopIDs}); err != nil {
			if c.Tries == 0 {
				c.Outcome, c.Why = NotSent, "the audit log could not be written ("+err.Error()+")"
				b.set(c)
				return c, nil
			}
			return c, err // throttled before, not sent again: certainly not applied
		}
		if c.Tries == 0 && b.Stopping() {
			// Stopped while the line was written: the POST is not sent.
			c.Outcome, c.Why = NotSent, b.stopReason()
			b.set(c)
			_ = log.Write(Entry{Action: a.Name, Plan: b.Digest, Chunk: c.Index + 1, Phase: "not-sent", DesktopIDs: c.DesktopIDs, Why: c.Why})
			return c, nil
		}
		c.Tries++
		c.Outcome = InFlight
		b.set(c)
		res, err := s.DesktopAction(ctx, c.DesktopIDs, a)
		c = answered(c, res, err)
		b.set(c)
		if err := log.Write(entryOf(b, c)); err != nil {
			return c, err
		}
		if c.Outcome != Failed || !api.ActionRetryable(c.Err) || c.Tries >= o.Throttle.Tries || b.Stopping() {
			return c, nil
		}
		d := backoff(c.Err, c.Tries, o.Throttle.Base)
		if o.Now().Add(d).Sub(started) > o.Throttle.Budget {
			return c, nil
		}
		if err := o.Wait(waitCtx, d); err != nil {
			return c, nil // stopped while waiting: the 429 stands, not applied
		}
	}
}

// answered is c with the API's answer: refusals matched against the ids
// the request named, each desktop once.
func answered(c Chunk, res api.ActionResult, err error) Chunk {
	c.JobID, c.TaskID, c.Refused, c.Strays, c.Err = "", "", nil, nil, err
	if err != nil {
		c.Outcome = Failed
		return c
	}
	c.Outcome, c.JobID, c.TaskID = Answered, res.JobID, res.TaskID
	named := make(map[string]bool, len(c.DesktopIDs))
	for _, id := range c.DesktopIDs {
		named[id] = true
	}
	counted := map[string]bool{}
	for _, r := range res.Refused {
		switch {
		case !named[r.DesktopID]:
			c.Strays = append(c.Strays, r)
		case !counted[r.DesktopID]:
			counted[r.DesktopID] = true
			c.Refused = append(c.Refused, r)
		}
	}
	return c
}

// backoff is the wait before try n+1: the Retry-After, else base doubled.
func backoff(err error, tries int, base time.Duration) time.Duration {
	var apiErr *api.APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return apiErr.RetryAfter
	}
	return base << min(tries-1, 6)
}

func entryOf(b *Batch, c Chunk) Entry {
	e := Entry{Action: b.Plan.Action.Name, Plan: b.Digest, Chunk: c.Index + 1, DesktopIDs: c.DesktopIDs, Try: c.Tries, Phase: "answered", JobID: c.JobID, TaskID: c.TaskID}
	for _, r := range c.Refused {
		e.Refused = append(e.Refused, r.DesktopID)
	}
	for _, r := range c.Strays {
		e.Strays = append(e.Strays, r.DesktopID)
	}
	if c.Err != nil {
		e.Phase, e.Error, e.Applied = "failed", c.Err.Error(), "no"
		if api.MayHaveBeenApplied(c.Err) {
			e.Applied = "maybe"
		}
	}
	return e
}

// Tally sums a batch's chunks up.
type Tally struct {
	Desktops  int // in the plan
	Accepted  int // taken on by the API
	Refused   int // refused one by one (failed_operation_list)
	InFlight  int // in a request sent and not answered yet
	Uncertain int // in requests that failed after going out: they may have been applied
	NotSent   int // in requests never sent (or not yet), or refused whole
	Strays    int // refusals of desktops never sent: the API's inconsistency
}

// Count sums chunks up.
func Count(chunks []Chunk) Tally {
	var t Tally
	for _, c := range chunks {
		n := len(c.DesktopIDs)
		t.Desktops += n
		switch {
		case c.Outcome == Answered:
			t.Accepted += c.Accepted()
			t.Refused += len(c.Refused)
			t.Strays += len(c.Strays)
		case c.Outcome == InFlight:
			t.InFlight += n
		case c.Uncertain():
			t.Uncertain += n
		default:
			t.NotSent += n
		}
	}
	return t
}

// Summary says the tally in one line: "reboot: 300 of 500 desktops
// accepted · 12 refused · 100 may have been applied · 88 not sent".
func (t Tally) Summary(a api.PowerAction) string {
	s := fmt.Sprintf("%s: %s of %s accepted", a.Label, numfmt.Commas(t.Accepted), numfmt.Plural(t.Desktops, "desktop", "desktops"))
	if t.Refused > 0 {
		s += " · " + numfmt.Commas(t.Refused) + " refused"
	}
	if t.InFlight > 0 {
		s += " · " + numfmt.Commas(t.InFlight) + " in flight"
	}
	if t.Uncertain > 0 {
		s += " · " + numfmt.Commas(t.Uncertain) + " may have been applied"
	}
	if t.NotSent > 0 {
		s += " · " + numfmt.Commas(t.NotSent) + " not sent"
	}
	if t.Strays > 0 {
		s += fmt.Sprintf(" · the API refused %s it was not sent (its inconsistency, not counted)", numfmt.Plural(t.Strays, "desktop", "desktops"))
	}
	return s
}

// NotAppliedIDs are the desktops of the requests certainly not acted on
// (never sent, or refused whole), in the batch's order: what to send
// again once the cause is mended.
func NotAppliedIDs(chunks []Chunk) []string {
	var ids []string
	for _, c := range chunks {
		if c.NotApplied() {
			ids = append(ids, c.DesktopIDs...)
		}
	}
	return ids
}
