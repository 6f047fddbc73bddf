package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"
)

// AuditLog is the local record of every action sent: one JSON object a
// line, appended. Bastion hosts are shared: it is created readable by its
// owner only, in a directory that is too.
type AuditLog struct {
	mu      sync.Mutex
	f       *os.File
	user    string
	project string
	now     func() time.Time
}

// Entry is one line of the log. The log writer adds the time, the local
// user and the project.
type Entry struct {
	Time       string   `json:"time"`
	User       string   `json:"user"`
	Project    string   `json:"project"`
	Action     string   `json:"action"`
	Phase      string   `json:"phase"` // sending, answered, failed
	Try        int      `json:"try"`
	DesktopIDs []string `json:"desktop_ids"`
	JobID      string   `json:"job_id,omitempty"`
	Refused    []string `json:"refused,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// AuditPath is where the log is: $XDG_STATE_HOME/wksrec/actions.log, else
// ~/.local/state/wksrec/actions.log.
func AuditPath(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "wksrec", "actions.log"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither $XDG_STATE_HOME nor $HOME is set: there is nowhere to keep the audit log of actions")
	}
	return filepath.Join(home, ".local", "state", "wksrec", "actions.log"), nil
}

// OpenAuditLog opens (or creates) the log at path for project. No action
// is sent when it cannot be opened.
func OpenAuditLog(path, project string, now func() time.Time, getenv func(string) string) (*AuditLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the audit log's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the audit log: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil { // made by someone else's umask: not shared
			f.Close()
			return nil, fmt.Errorf("the audit log %s is readable by others and cannot be made private: %w", path, err)
		}
	}
	name := getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return &AuditLog{f: f, user: name, project: project, now: now}, nil
}

// Write appends e.
func (l *AuditLog) Write(e Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Time, e.User, e.Project = l.now().UTC().Format(time.RFC3339Nano), l.user, l.project
	b, err := json.Marshal(e)
	if err == nil {
		_, err = l.f.Write(append(b, '\n'))
	}
	if err != nil {
		return fmt.Errorf("writing the audit log: %w", err)
	}
	return nil
}

// Close closes the log.
func (l *AuditLog) Close() error { return l.f.Close() }
