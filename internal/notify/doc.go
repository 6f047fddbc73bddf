// Package notify delivers an alert where an operator will see it: the
// terminal's bell and desktop notification, a command of theirs, a webhook.
// It knows nothing of what the alert says: callers give it a title, a body
// and a JSON payload.
package notify
