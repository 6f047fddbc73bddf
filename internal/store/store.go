// Package store keeps finished runs on disk, so that a run is fetched
// from the API once: reopening it, comparing with it or reading it into a
// history costs no detail request afterwards.
//
// Plain files, one file per run, chosen over an embedded
// database (bbolt, SQLite): the one query is "this run, whole", which a
// file answers without an index, and several wksrec processes (a pane
// each, in tmux) must use the store at once, which bbolt's file lock
// forbids (a second process blocks) and SQLite allows only with a
// dependency of some megabytes. A file is written to a temporary name and
// renamed, so a reader sees a whole file or none; the README has the
// measurements.
//
// A file is the magic line, a line of JSON with its key and record, its
// rows as the API sent them (sanitising stays at display and output),
// compact (rows.go: each value repeated across the run written once), and
// the SHA-256 of everything before it. A file that is
// cut, garbled, of another version or of another run is ignored, never
// trusted, and replaced by the next save.
package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
)

// magic starts every file; its version changes with the format. A file
// starting with magicName but another version is another wksrec's.
const (
	magicName = "wksrec-run "
	magic     = magicName + "v1\n"
)

// DefaultMax is the store's default bound: 1 GiB.
const DefaultMax int64 = 1 << 30

// maxFile bounds a file read (and the JSON inflated from it): a run of
// 100,000 rows with long fail reasons is some tens of MiB.
const maxFile = 512 << 20

// Key names a run: where it was read (endpoint and project) and which it is.
type Key struct{ Endpoint, Project, Task, Run string }

// name is the key's file, under its task's directory: digests, so no id
// can make a path, and a task's runs can be listed (Runs).
func (k Key) name() string {
	return filepath.Join(k.taskDir(), digest(k.Endpoint, k.Project, k.Task, k.Run)+".run")
}

// taskDir is the directory of the key's task.
func (k Key) taskDir() string { return digest(k.Endpoint, k.Project, k.Task) }

func digest(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// Run is a run as stored: its record and every row.
type Run struct {
	Record  api.Record   `json:"record"`
	Details []api.Detail `json:"details"`
}

// file is what a file holds, its key with the run.
type file struct {
	Key Key `json:"key"`
	Run
}

// Finished reports whether a run may be stored: it is over (not RUNNING
// or WAITING) and the rows read agree with its record's counts. A run
// whose rows fall short of or exceed what its record says is never
// stored: reading it again may find what was missing.
func Finished(rec api.Record, rows int) bool {
	if filter.InProgress(rec.Status) || rec.Status == "" {
		return false
	}
	return rows == rec.SuccessNum+rec.FailedNum+rec.SkipNum
}

// Store is a directory of runs. It is safe for concurrent use, and for
// use by several processes at once.
type Store struct {
	dir string
	max int64

	mu  sync.Mutex
	off error // why saving stopped (a full disk): reading goes on
}

// Dir is the store's default directory: $XDG_CACHE_HOME/wksrec, else
// ~/.cache/wksrec.
func Dir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "wksrec"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("no HOME to keep runs under")
	}
	return filepath.Join(home, ".cache", "wksrec"), nil
}

// Open opens (making it when missing) the store at dir, bounded to max
// bytes (DefaultMax when 0 or less). A dir that is a link, or is not the
// user's, is refused: its runs would be someone else's to read or plant.
// One that others may enter is made private.
func Open(dir string, max int64) (*Store, error) {
	if max <= 0 {
		max = DefaultMax
	}
	runs := filepath.Join(dir, "runs")
	// The cache home (~/.cache) may not exist yet: it is the user's, made
	// private as XDG asks; wksrec's own directories are checked below.
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, fmt.Errorf("the run store %s: %w", dir, err)
	}
	for _, d := range []string{dir, runs} {
		if err := private(d, os.Getuid()); err != nil {
			return nil, err
		}
	}
	return &Store{dir: runs, max: max}, nil
}

// private makes d, or checks it is a directory of user uid's own, not a
// link, and only theirs.
func private(d string, uid int) error {
	fi, err := os.Lstat(d)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("the run store %s: %w", d, err)
		}
		fi, err = os.Lstat(d)
	}
	switch {
	case err != nil:
		return fmt.Errorf("the run store %s: %w", d, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("the run store %s is a link: not followed (remove it, or use --no-cache)", d)
	case !fi.IsDir():
		return fmt.Errorf("the run store %s is not a directory", d)
	}
	if u, ok := owner(fi); ok && u != uid {
		return fmt.Errorf("the run store %s is another user's: not used (use --no-cache, or set XDG_CACHE_HOME)", d)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("the run store %s: others may read it, and it cannot be made private: %w", d, err)
		}
	}
	return nil
}

// Load returns the run stored under k, if a sound one is (see Read).
func (s *Store) Load(k Key) (Run, bool) {
	r, err := s.Read(k)
	return r, err == nil
}

// ErrNotStored is a run the store does not hold.
var ErrNotStored = errors.New("not stored")

// Read returns the run stored under k: ErrNotStored when there is none,
// and an error saying why for a file that is no sound run (cut, garbled,
// another version's, another run's, a link), which is never trusted and
// which the next save replaces. A run read is touched: eviction takes the
// runs read longest ago.
func (s *Store) Read(k Key) (Run, error) {
	if s == nil {
		return Run{}, ErrNotStored
	}
	path := filepath.Join(s.dir, k.name())
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return Run{}, ErrNotStored
	}
	if err != nil {
		return Run{}, unsound("cannot be opened (a link?)")
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > maxFile {
		return Run{}, unsound("is not a regular file of a sound size")
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return Run{}, unsound("cannot be read")
	}
	got, err := decode(raw)
	switch {
	case err != nil && bytes.HasPrefix(raw, []byte(magicName)) && !bytes.HasPrefix(raw, []byte(magic)):
		return Run{}, unsound("is another version of wksrec's")
	case err != nil:
		return Run{}, unsound("is damaged")
	case got.Key != k:
		return Run{}, unsound("holds another run")
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // read now: the last to be evicted
	return got.Run, nil
}

// unsound is a stored copy not used, and why.
func unsound(why string) error {
	return fmt.Errorf("the stored copy of this run %s: not used; the run is read from the API", why)
}

// errDamaged is a file that is not a sound run file.
var errDamaged = errors.New("not a sound run file")

// maxHead bounds the start of a file read to list it: the magic line and
// the key and record, some hundreds of bytes.
const maxHead = 64 << 10

// Runs are the records of the task's runs held, in no order (callers
// order runs: compare.NewestFirst), read from each file's head, so cheap; a file whose head is not sound, or names another task,
// is left out (reading it whole checks it all).
func (s *Store) Runs(endpoint, project, task string) []api.Record {
	if s == nil {
		return nil
	}
	k := Key{Endpoint: endpoint, Project: project, Task: task}
	dir := filepath.Join(s.dir, k.taskDir())
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []api.Record
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".run") || !e.Type().IsRegular() {
			continue
		}
		if head, ok := readHead(filepath.Join(dir, e.Name())); ok && head.Key.Endpoint == endpoint && head.Key.Project == project &&
			head.Key.Task == task && head.Key.Run == head.Record.ID {
			out = append(out, head.Record)
		}
	}
	return out
}

// readHead reads a file's key and record.
func readHead(path string) (file, bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return file{}, false
	}
	defer f.Close()
	buf := make([]byte, maxHead)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	if !bytes.HasPrefix(buf, []byte(magic)) {
		return file{}, false
	}
	line, _, found := bytes.Cut(buf[len(magic):], []byte("\n"))
	var head file
	if !found || json.Unmarshal(line, &head) != nil {
		return file{}, false
	}
	return head, true
}
