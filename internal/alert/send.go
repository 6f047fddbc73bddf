package alert

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wksrec/wksrec/internal/notify"
)

// Outlets are where an alert goes besides the screen or stdout: the
// operator's command (--notify-cmd) and webhook (--webhook). Both get the
// Event's JSON, the line -o json --watch prints.
type Outlets struct {
	Command string
	Webhook string
	// Client posts to the webhook: the session's TLS settings (--ca-file)
	// and proxy. Nil: the defaults.
	Client *http.Client
}

// Any reports whether an alert goes anywhere.
func (o Outlets) Any() bool { return o.Command != "" || o.Webhook != "" }

// Send delivers e to each outlet at once and returns when both are done
// (each is bounded: the command by notify.DefaultCommandTimeout, the
// webhook by three attempts of notify.DefaultWebhookTimeout). Callers
// run it off the screen's loop. The error joins each outlet's, one line
// each, never the webhook's secret.
func (o Outlets) Send(ctx context.Context, e Event) error {
	payload, err := e.JSON()
	if err != nil {
		return err
	}
	var (
		wg         sync.WaitGroup
		cmdErr     error
		webhookErr error
	)
	if o.Command != "" {
		// One line, ended: a command appending to a file makes JSON lines.
		line := append(payload[:len(payload):len(payload)], '\n')
		wg.Go(func() { cmdErr = notify.RunCommand(ctx, o.Command, line, 0) })
	}
	if o.Webhook != "" {
		wg.Go(func() { webhookErr = notify.Webhook{URL: o.Webhook, Client: o.Client}.Post(ctx, payload) })
	}
	wg.Wait()
	return errors.Join(cmdErr, webhookErr)
}

// maxWaiting bounds the alerts waiting for their turn: outlets slower
// than the watch drop the newest rather than fall ever further behind.
const maxWaiting = 16

// Sender delivers alerts to the outlets one after another, in the order
// they came (a command appending to a log, a chat channel: order
// matters), off the caller's loop. Safe for concurrent use.
type Sender struct {
	out     Outlets
	pending atomic.Int64 // queued or being delivered
	report  func(error)
	queue   chan Event
	done    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc // cuts the deliveries short (CloseWithin)
}

// Start starts a Sender; report is told of each delivery that failed
// (from the Sender's goroutine).
func (o Outlets) Start(report func(error)) *Sender {
	s := &Sender{out: o, report: report, queue: make(chan Event, maxWaiting), done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go func() {
		defer close(s.done)
		for e := range s.queue {
			if s.ctx.Err() == nil { // after the deadline, the rest are counted, not sent
				if err := o.Send(s.ctx, e); err != nil && s.ctx.Err() == nil {
					report(err)
				}
			}
			s.pending.Add(-1)
		}
	}()
	return s
}

// Send queues e; it never blocks. With maxWaiting alerts already
// waiting, e is dropped and reported.
func (s *Sender) Send(e Event) {
	s.pending.Add(1)
	select {
	case s.queue <- e:
	default:
		s.pending.Add(-1)
		s.report(fmt.Errorf("an alert was not sent: %d are still waiting for the command or the webhook", maxWaiting))
	}
}

// Pending is how many alerts are queued or being delivered.
func (s *Sender) Pending() int { return int(s.pending.Load()) }

// Close waits for the alerts queued to be delivered: each is bounded, by
// the command's timeout and the webhook's attempts.
func (s *Sender) Close() {
	close(s.queue)
	<-s.done
	s.cancel()
}

// CloseWithin is Close with one deadline for everything still queued:
// past it, the delivery in progress is stopped (the command killed, the
// webhook's request cancelled) and the rest are not sent. It returns how
// many were not delivered for that.
func (s *Sender) CloseWithin(d time.Duration) (dropped int) {
	close(s.queue)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		dropped = s.Pending()
		s.cancel()
		<-s.done // quick now: every send left sees the cancelled context
	}
	s.cancel()
	return dropped
}
