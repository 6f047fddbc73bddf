package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"

	"github.com/wksrec/wksrec/internal/export"
)

// AuditLog is the local record of every action: one JSON object a line,
// appended, each line written whole in one call. Bastion hosts are
// shared, so the log is a regular file of the user's own, readable by its
// owner only, in a directory that is too; it is opened without following
// a link, and without waiting on a FIFO (see openPrivate).
type AuditLog struct {
	mu      sync.Mutex
	w       io.Writer // the file; tests put a failing disk in its place
	f       *os.File
	path    string
	user    string
	project string
	via     Remote
	now     func() time.Time
	// cut says the log does not end in a newline (a line cut by a full
	// disk, or by a crash): the next record starts with one, so that it
	// is a line of its own.
	cut bool
	// Notes say what was made private on opening, for the user to hear.
	Notes []string
}

// Entry is one line of the log. The log writer adds the time, the local
// user and the project.
type Entry struct {
	Time string `json:"time"`
	User string `json:"user"`
	// SSHUser and SSHKey name who acted over --serve-ssh: the config
	// file's [[ssh_user]] and the fingerprint of the key that
	// authenticated (User is then the server's own account).
	SSHUser    string   `json:"ssh_user,omitempty"`
	SSHKey     string   `json:"ssh_key,omitempty"`
	Project    string   `json:"project"`
	Action     string   `json:"action"`
	Plan       string   `json:"plan,omitempty"` // the plan's digest: a batch's lines share it
	Chunk      int      `json:"chunk"`          // the request's place in the batch, from 1
	Phase      string   `json:"phase"`          // sending, answered, failed, not-sent
	Try        int      `json:"try,omitempty"`
	DesktopIDs []string `json:"desktop_ids"`
	JobID      string   `json:"job_id,omitempty"`
	TaskID     string   `json:"task_id,omitempty"` // a re-run's new task
	Refused    []string `json:"refused,omitempty"`
	// Strays are desktops the API said it refused that the request did
	// not name: the API's inconsistency, kept for whoever looks into it.
	Strays []string `json:"refused_not_sent,omitempty"`
	// Applied says, for a failure, whether it may have been applied.
	Applied string `json:"applied,omitempty"` // "no", "maybe"
	Error   string `json:"error,omitempty"`
	Why     string `json:"why,omitempty"` // not-sent: why
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
// may be sent when it cannot be opened: a link, a FIFO, a device, a file
// of another user's, or a directory others can write and wksrec cannot
// make private is refused with one line naming the path.
func OpenAuditLog(path, project string, now func() time.Time, getenv func(string) string) (*AuditLog, error) {
	return openAuditLog(path, project, now, getenv, os.Getuid())
}

// OpenPrivate opens (or creates) the log file at path for appending as
// the audit log is opened: private to its owner, never through a link or
// on a FIFO. The notes say what was made private. Other logs of who did
// what (--serve-ssh's sessions) are kept the same way.
func OpenPrivate(path string) (*os.File, []string, error) { return openPrivate(path, os.Getuid()) }

// openAuditLog is OpenAuditLog for the user uid (tests play another).
func openAuditLog(path, project string, now func() time.Time, getenv func(string) string, uid int) (*AuditLog, error) {
	f, notes, err := openPrivate(path, uid)
	if err != nil {
		return nil, err
	}
	l := &AuditLog{w: f, f: f, path: path, project: project, now: now, Notes: notes}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil {
			l.cut = last[0] != '\n'
		}
	}
	l.user = getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		l.user = u.Username
	}
	return l, nil
}

// Remote is who acts through a session served over SSH (--serve-ssh):
// the [[ssh_user]] name and the SHA256 fingerprint of the key that
// authenticated. The zero Remote is a local user.
type Remote struct{ User, Fingerprint string }

// Via makes every line written from now name r as who acted.
func (l *AuditLog) Via(r Remote) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.via = r
}

// Path is where the log is.
func (l *AuditLog) Path() string { return l.path }

// Write appends e as one line, in one write. A short write (a full disk)
// is an error, and the next record begins on a line of its own. Text from
// the API is escaped as -o json escapes it: a log read with cat or less
// must not drive the terminal.
func (l *AuditLog) Write(e Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Time, e.User, e.Project = l.now().UTC().Format(time.RFC3339Nano), l.user, l.project
	e.SSHUser, e.SSHKey = l.via.User, l.via.Fingerprint
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("writing the audit log %s: %w", l.path, err)
	}
	line := make([]byte, 0, len(b)+2)
	if l.cut {
		line = append(line, '\n')
	}
	line = append(append(line, export.EscapeJSON(b)...), '\n')
	n, err := l.w.Write(line)
	switch {
	case err == nil && n == len(line):
		l.cut = false
		return nil
	case n > 0:
		l.cut = true // part of the line is in: the next starts afresh
	}
	if err == nil {
		err = io.ErrShortWrite
	}
	return fmt.Errorf("writing the audit log %s: %w", l.path, err)
}

// Close closes the log.
func (l *AuditLog) Close() error { return l.f.Close() }
