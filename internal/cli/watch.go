package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/alert"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
)

// maxFailedWatchLooks is how many looks in a row may fail before -o json
// --watch gives up: a log pipeline outlives a blip, not an outage.
const maxFailedWatchLooks = 10

// WatchJSON is -o json --watch: every interval it reads the run whole and
// prints one JSON line (an alert.Event) for each change worth an alert,
// until interrupted (exit 0). With --record-id latest it follows the
// task's newest run: tomorrow night's run is watched when it starts.
func (e Env) WatchJSON(c config.Config) error {
	sess, err := e.connect(c)
	if err != nil {
		return err
	}
	defer sess.Stop()
	_, follow := compare.RunName(c.RecordID)
	asked := c.RecordID
	if c, err = e.findRun(c, sess); err != nil {
		return err
	}
	ctx, stop := e.stopContext()
	defer stop()
	out, err := outlets(c)
	if err != nil {
		return err
	}
	e.Stderr = &lockedWriter{w: e.Stderr} // the alerts' failures come from their own goroutines
	w := &jsonWatch{env: e, c: c, sess: sess, follow: follow, asked: asked, name: c.TaskName}
	if w.name == "" {
		w.name = taskName(ctx, sess.Client, c.TaskID, e.Retry)
	}
	fmt.Fprintf(e.Stderr, "wksrec: watching run %s every %s; a JSON line for each change, ctrl+c stops\n", sanitize.Line(c.RecordID), c.Watch)
	if out.Any() {
		w.sender = out.Start(func(err error) {
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintln(e.Stderr, "wksrec: alert: "+sanitize.Line(line))
			}
		})
		defer func() { // an alert already decided is delivered, within one deadline
			if dropped := w.sender.CloseWithin(alertsAtExit); dropped > 0 {
				fmt.Fprintf(e.Stderr, "wksrec: %s not delivered: the time for them ran out\n", numfmt.Plural(dropped, "alert was", "alerts were"))
			}
		}()
	}
	err = w.run(ctx)
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return nil // interrupted: the way a watch ends
	}
	return err
}

type jsonWatch struct {
	env     Env
	c       config.Config
	sess    session.Session
	follow  bool
	asked   string // latest or latest-finished, when following
	name    string
	tracker alert.Tracker
	baseOf  string        // the run the tracker's baseline is for
	sender  *alert.Sender // nil without --notify-cmd or --webhook
}

func (w *jsonWatch) run(ctx context.Context) error {
	failed := 0
	for {
		ev, ok, err := w.look(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			failed++
			fmt.Fprintf(w.env.Stderr, "wksrec: watch: %s; looking again in %s\n", sanitize.Line(err.Error()), w.c.Watch)
			if failed >= maxFailedWatchLooks {
				return fmt.Errorf("watch: %d looks in a row failed, the last: %w", failed, err)
			}
		default:
			failed = 0
		}
		if ok {
			line, err := ev.JSON()
			if err == nil {
				_, err = w.env.Stdout.Write(append(line, '\n'))
			}
			if err != nil {
				return err // stdout gone (a pipe closed): nobody reads the lines
			}
			if w.sender != nil {
				w.sender.Send(ev)
			}
		}
		if err := w.sleep(ctx); err != nil {
			return err
		}
	}
}

// look reads the run (the task's newest when following) and asks the
// tracker whether it changed enough for a line.
func (w *jsonWatch) look(ctx context.Context) (alert.Event, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, max(w.c.Watch, 5*time.Minute))
	defer cancel()
	if w.follow {
		c := w.c
		c.RecordID = w.asked
		c, err := w.env.resolveRun(c, w.sess.Client)
		if err != nil {
			return alert.Event{}, false, err
		}
		w.c.RecordID = c.RecordID
	}
	if err := w.baseline(ctx); err != nil {
		return alert.Event{}, false, err
	}
	now := time.Now
	if w.env.Now != nil {
		now = w.env.Now
	}
	s, err := alert.Read(ctx, w.sess.Client, w.c.TaskID, w.name, w.c.RecordID, now(), w.tracker.Last(),
		alert.ReadOptions{PageSize: w.c.PageSize, Concurrency: w.c.Concurrency, Retry: w.env.Retry})
	if err != nil {
		return alert.Event{}, false, err
	}
	ev, ok := w.tracker.Next(s)
	return ev, ok, nil
}

// baseline loads --compare-to's run for the run watched, again when the
// watch moves to the task's next run.
func (w *jsonWatch) baseline(ctx context.Context) error {
	if w.c.CompareTo == "" || w.baseOf == w.c.RecordID {
		return nil
	}
	cmp, err := loadComparison(ctx, w.c, w.sess, w.env.Retry)
	if err != nil {
		return err
	}
	w.tracker.Baseline, w.baseOf = cmp.base, w.c.RecordID
	return nil
}

func (w *jsonWatch) sleep(ctx context.Context) error {
	if w.env.Sleep != nil {
		return w.env.Sleep(ctx, w.c.Watch)
	}
	return api.Sleep(ctx, w.c.Watch)
}

// taskName is the task's name for the alerts, or "" when it cannot be
// found (the alert then names the run).
func taskName(ctx context.Context, client *api.Client, taskID string, retry api.RetryPolicy) string {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, kind := range []string{"", api.ScheduledTypeLifeCycle} {
		tasks, err := api.FetchAll(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Task], error) {
			return client.ListTasks(ctx, kind, offset, limit)
		}, func(t api.Task) string { return t.ID }, api.FetchAllOptions{Limit: api.MaxTaskLimit, Retry: retry})
		if err != nil {
			return ""
		}
		for _, t := range tasks {
			if t.ID == taskID {
				return t.TaskName
			}
		}
	}
	return ""
}

// outlets are where c sends alerts besides the screen: the webhook with
// the session's TLS settings (--ca-file), not its debug log, which would
// write the webhook's path, token and all.
func outlets(c config.Config) (alert.Outlets, error) {
	out := alert.Outlets{Command: c.NotifyCmd, Webhook: c.Webhook}
	if c.Webhook != "" {
		hc, err := session.HTTPClient(c.CAFile)
		if err != nil {
			return out, err
		}
		out.Client = hc
	}
	return out, nil
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
