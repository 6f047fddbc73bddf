package alert

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"

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
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	var (
		wg         sync.WaitGroup
		cmdErr     error
		webhookErr error
	)
	if o.Command != "" {
		wg.Go(func() { cmdErr = notify.RunCommand(ctx, o.Command, payload, 0) })
	}
	if o.Webhook != "" {
		wg.Go(func() { webhookErr = notify.Webhook{URL: o.Webhook, Client: o.Client}.Post(ctx, payload) })
	}
	wg.Wait()
	return errors.Join(cmdErr, webhookErr)
}
