package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// DefaultWebhookTimeout bounds one attempt when Webhook.Timeout is 0.
	DefaultWebhookTimeout = 10 * time.Second
	webhookAttempts       = 3 // the first try and two retries
	maxRetryAfter         = 10 * time.Second
	maxResponseBody       = 64 << 10 // read to reuse the connection, not to keep
)

// webhookWaits are the pauses before the second and third attempts.
var webhookWaits = [webhookAttempts - 1]time.Duration{time.Second, 2 * time.Second}

// CheckWebhookURL says whether raw may receive alerts: https to any host, or
// plain http only to this machine (a local relay), since the payload names
// desktops and the URL usually carries a token. User info is allowed and
// kept secret like the rest. The error never shows the URL's path, query or
// user info.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return errors.New("webhook URL is not a URL of the form https://host/path")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("webhook URL %s uses http to another machine: use https (plain http is only for 127.0.0.1, ::1 or localhost)", Redact(raw))
	}
	return fmt.Errorf("webhook URL %s must use https (or http to 127.0.0.1, ::1 or localhost)", Redact(raw))
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redact returns the URL as it may be printed: scheme://host[:port], then
// "/…" if anything followed or preceded the host. Slack, Teams, Feishu and
// DingTalk all put the webhook's secret in its path or query.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "(invalid URL)"
	}
	s := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery ||
		u.Fragment != "" || u.User != nil {
		s += "/…"
	}
	return s
}

// Webhook posts alerts to one URL.
type Webhook struct {
	URL string
	// Client is used as given for TLS and proxies (never loosened); only
	// its redirect policy is replaced. Nil: proxies from the environment
	// and the system's roots.
	Client *http.Client
	// Timeout bounds each attempt, answer included; 0 means 10s.
	Timeout time.Duration
	// Sleep waits between attempts and returns early with ctx's error; nil
	// means a real timer. Tests record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Post sends payload as JSON. A 2xx answer is success. A failed connection,
// a 429 or a 5xx is tried again, at most twice, after 1s then 2s (or the
// server's Retry-After up to 10s); any other answer is final. Redirects are
// not followed: the payload would go where the operator did not say.
//
// The error is one line naming the URL as Redact prints it.
func (w Webhook) Post(ctx context.Context, payload []byte) error {
	if err := CheckWebhookURL(w.URL); err != nil {
		return err
	}
	client := w.client()
	sleep := w.Sleep
	if sleep == nil {
		sleep = sleepTimer
	}
	for attempt := 1; ; attempt++ {
		res := w.attempt(ctx, client, payload)
		if res.err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("webhook %s: stopped: %w", Redact(w.URL), ctx.Err())
		}
		if !res.retry || attempt == webhookAttempts {
			if attempt > 1 {
				return fmt.Errorf("%w (after %d attempts)", res.err, attempt)
			}
			return res.err
		}
		wait := webhookWaits[attempt-1]
		if res.retryAfter >= 0 && res.retryAfter <= maxRetryAfter {
			wait = res.retryAfter
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("webhook %s: stopped: %w", Redact(w.URL), err)
		}
	}
}

// client is w.Client, or a default one, refusing redirects. The copy shares
// the given client's transport, so its TLS settings hold unchanged.
func (w Webhook) client() *http.Client {
	c := &http.Client{} // nil Transport: http.DefaultTransport, which honours HTTPS_PROXY
	if w.Client != nil {
		cp := *w.Client
		c = &cp
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// result is the outcome of one attempt.
type result struct {
	err        error
	retry      bool
	retryAfter time.Duration // from the server; -1 when it gave none
}

func (w Webhook) attempt(ctx context.Context, client *http.Client, payload []byte) result {
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = DefaultWebhookTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	where := Redact(w.URL)

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(payload))
	if err != nil {
		return result{err: fmt.Errorf("webhook %s: cannot build the request", where), retryAfter: -1}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wksrec")

	resp, err := client.Do(req)
	if err != nil {
		return transportFailure(w.URL, err, ctx.Err(), timeout)
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	resp.Body.Close()

	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return result{}
	case code >= 300 && code < 400:
		return result{err: fmt.Errorf("webhook %s redirected (%d) and redirects are not followed: configure the URL it points to", where, code), retryAfter: -1}
	}
	msg := fmt.Sprintf("webhook %s answered %d %s", where, code, http.StatusText(code))
	// The answer often says why (Slack: "invalid_token"); its start is
	// enough. Scrubbed before it is cut, so no half token slips through.
	if why := oneLine(scrub(string(body), w.URL)); readErr == nil && why != "" {
		msg += ": " + truncate(why, 120)
	}
	retry := code == http.StatusTooManyRequests || code >= 500
	return result{err: errors.New(msg), retry: retry, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
}

// transportFailure describes an error from Client.Do. net/http wraps it in
// a *url.Error whose text holds the whole URL, token and all, so only the
// cause is kept. A certificate the client does not trust will not be
// trusted on the next try; anything else (refused, reset, no answer in
// time) may pass.
func transportFailure(raw string, err, ctxErr error, timeout time.Duration) result {
	where := Redact(raw)
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		return result{err: fmt.Errorf("webhook %s: no answer within %s", where, timeout), retry: true, retryAfter: -1}
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	var verifyErr *tls.CertificateVerificationError
	retry := !errors.As(cause, &verifyErr)
	return result{err: fmt.Errorf("webhook %s: %s", where, oneLine(scrub(cause.Error(), raw))), retry: retry, retryAfter: -1}
}

// scrub hides the URL and its secret parts in text that might echo them (a
// server's answer, an error from deep in the stack), as a last guard for
// the token. Parts shorter than four bytes ("/", "/x") hide nothing.
func scrub(s, raw string) string {
	if raw == "" {
		return s
	}
	s = strings.ReplaceAll(s, raw, Redact(raw))
	u, err := url.Parse(raw)
	if err != nil {
		return s
	}
	for _, secret := range []string{u.User.String(), u.RequestURI(), u.RawQuery, u.EscapedPath(), u.Path, u.Fragment} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "…")
		}
	}
	return s
}

// retryAfter reads a Retry-After given in seconds; -1 when absent or given
// as a date (then the usual pauses apply).
func retryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 0 {
		return -1
	}
	return time.Duration(min(secs, 86400)) * time.Second // no overflow
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
