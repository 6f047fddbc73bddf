package sshserve

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/export"
)

// SessionLogName is the session log's file in the state directory.
const SessionLogName = "ssh-sessions.log"

// sessionLog is one JSON line per session's start and end, and per
// connection refused: who (the [[ssh_user]] and the key's fingerprint),
// from where, what they ran, how long and how it ended. It is kept as the
// audit log is (private, never through a link), beside it.
type sessionLog struct {
	mu  sync.Mutex
	f   *os.File
	now func() time.Time
}

// sessionEvent is a line of the log.
type sessionEvent struct {
	Time     string `json:"time"`
	Event    string `json:"event"`             // start, end, refused
	Session  string `json:"session,omitempty"` // the server's run and the session's number in it: 3f9a01c2-7
	User     string `json:"user,omitempty"`
	Key      string `json:"key,omitempty"`
	Address  string `json:"address"`
	Role     string `json:"role,omitempty"`
	Command  string `json:"command,omitempty"` // the arguments given; "" for the browser
	Duration string `json:"duration,omitempty"`
	Status   *int   `json:"status,omitempty"`
	Why      string `json:"why,omitempty"`
}

func openSessionLog(path string, now func() time.Time) (*sessionLog, []string, error) {
	f, notes, err := actions.OpenPrivate(path)
	if err != nil {
		return nil, nil, fmt.Errorf("the SSH session log: %w", err)
	}
	return &sessionLog{f: f, now: now}, notes, nil
}

// write appends e as one line in one write; text a client chose (its
// command) is escaped as the audit log escapes the API's.
func (l *sessionLog) write(e sessionEvent) error {
	e.Time = l.now().UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err = l.f.Write(append(export.EscapeJSON(b), '\n'))
	return err
}

func (l *sessionLog) close() error { return l.f.Close() }
