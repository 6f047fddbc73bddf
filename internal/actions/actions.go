// Package actions sends batch power actions on desktops, the one thing
// wksrec does that changes the cloud: in chunks the API accepts, one after
// another, each written to a local audit log before and after it is sent,
// and never sent twice unless the API said it was not applied.
package actions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wksrec/wksrec/api"
)

// Sender is the call that acts; *api.Client is one.
type Sender interface {
	DesktopAction(ctx context.Context, desktopIDs []string, a api.PowerAction) (api.ActionResult, error)
}

// Chunk is one request's desktops and what came of them.
type Chunk struct {
	DesktopIDs []string
	Result     api.ActionResult
	Err        error // nil when the API answered
	Sent       bool  // false: not sent, since a chunk before it failed
	Tries      int
}

// Accepted is how many of the chunk's desktops the API took on.
func (c Chunk) Accepted() int {
	if !c.Sent || c.Err != nil {
		return 0
	}
	return len(c.DesktopIDs) - len(c.Result.Refused)
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

// Plan splits ids into the chunks of a batch action.
func Plan(ids []string) [][]string {
	var chunks [][]string
	for len(ids) > 0 {
		n := min(len(ids), api.MaxActionDesktops)
		chunks = append(chunks, ids[:n:n])
		ids = ids[n:]
	}
	return chunks
}

// Send sends a on ids, a chunk at a time. Each chunk is logged before it
// is sent and after; a chunk that cannot be logged is not sent. A chunk refused for rate is sent again within t; any
// other failure ends the batch there (the chunks after it are not sent):
// a timeout or a 5xx may come after the action was applied, and a 403
// would refuse the rest too. wait sleeps (tests pass one that does not).
func Send(ctx context.Context, s Sender, a api.PowerAction, ids []string, log *AuditLog, t Throttle,
	now func() time.Time, wait func(context.Context, time.Duration) error) []Chunk {
	var out []Chunk
	failed := false
	for _, ids := range Plan(ids) {
		c := Chunk{DesktopIDs: ids}
		if failed {
			out = append(out, c)
			continue
		}
		c.Sent = true
		started := now()
		for {
			c.Tries++
			if err := log.Write(Entry{Action: a.Name, DesktopIDs: ids, Phase: "sending", Try: c.Tries}); err != nil {
				c.Err, c.Sent = err, c.Tries > 1
				break
			}
			c.Result, c.Err = s.DesktopAction(ctx, ids, a)
			if err := log.Write(entryOf(a, c)); err != nil && c.Err == nil {
				c.Err = fmt.Errorf("sent, but %w", err)
			}
			if c.Err == nil || !api.ActionRetryable(c.Err) || c.Tries >= t.Tries {
				break
			}
			d := backoff(c.Err, c.Tries, t.Base)
			if now().Add(d).Sub(started) > t.Budget {
				break
			}
			if err := wait(ctx, d); err != nil {
				break
			}
		}
		failed = c.Err != nil
		out = append(out, c)
	}
	return out
}

// backoff is the wait before try n+1: the Retry-After, else base doubled.
func backoff(err error, tries int, base time.Duration) time.Duration {
	var apiErr *api.APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return apiErr.RetryAfter
	}
	return base << min(tries-1, 6)
}

// Sleep is wait for real use.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func entryOf(a api.PowerAction, c Chunk) Entry {
	e := Entry{Action: a.Name, DesktopIDs: c.DesktopIDs, Try: c.Tries, Phase: "answered", JobID: c.Result.JobID}
	for _, r := range c.Result.Refused {
		e.Refused = append(e.Refused, r.DesktopID)
	}
	if c.Err != nil {
		e.Phase, e.Error = "failed", c.Err.Error()
	}
	return e
}
