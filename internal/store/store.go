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
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
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
	status := strings.ToUpper(rec.Status)
	if status == "RUNNING" || status == "WAITING" || status == "" {
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

// decode checks a file's magic and checksum and reads its run.
func decode(raw []byte) (file, error) {
	if len(raw) < len(magic)+sha256.Size || !bytes.HasPrefix(raw, []byte(magic)) {
		return file{}, errDamaged // another version's, or garbled
	}
	body, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(want[:], sum) {
		return file{}, errDamaged
	}
	text := string(body[len(magic):]) // one copy: the rows' values are slices of it
	nl := strings.IndexByte(text, '\n')
	var got file
	if nl < 0 || json.Unmarshal([]byte(text[:nl]), &got) != nil {
		return file{}, errDamaged
	}
	got.Details = make([]api.Detail, 0, min(got.Record.SuccessNum+got.Record.FailedNum+got.Record.SkipNum, len(text)/11))
	rows := &rowReader{s: text, at: nl + 1}
	for {
		d, err := rows.read()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return file{}, errDamaged
		}
		got.Details = append(got.Details, d)
	}
}

// encode is a run's file, as a Writer writes it.
func encode(k Key, r Run) ([]byte, error) {
	var buf bytes.Buffer
	w := newEncoder(&buf, k, r.Record)
	for i := range r.Details {
		w.add(&r.Details[i])
	}
	err := w.close()
	return buf.Bytes(), err
}

// encoder writes a run file as its rows come: the magic line, a line of
// JSON (the key and the record), the rows (see rows.go), then the SHA-256
// of all before.
type encoder struct {
	out  io.Writer
	h    hash.Hash
	bw   *bufio.Writer
	rw   *rowWriter
	rows int
	err  error
}

func newEncoder(out io.Writer, k Key, rec api.Record) *encoder {
	e := &encoder{out: out, h: sha256.New()}
	both := io.MultiWriter(out, e.h)
	_, e.err = io.WriteString(both, magic)
	e.bw = bufio.NewWriterSize(both, 64<<10)
	e.rw = newRowWriter(e.bw)
	head, err := json.Marshal(file{Key: k, Run: Run{Record: rec}})
	if e.err == nil {
		e.err = err
	}
	if e.err == nil {
		_, e.err = e.bw.Write(append(head, '\n'))
	}
	return e
}

// add writes one row.
func (e *encoder) add(d *api.Detail) {
	if e.err == nil {
		e.err = e.rw.write(d)
		e.rows++
	}
}

// close ends the compression and writes the checksum.
func (e *encoder) close() error {
	if e.err == nil {
		e.err = e.bw.Flush()
	}
	if e.err == nil {
		_, e.err = e.out.Write(e.h.Sum(nil))
	}
	return e.err
}

// ErrNotFinished refuses a run still going, or whose rows disagree with
// its record.
var ErrNotFinished = errors.New("the run is not finished, or its rows disagree with its record: not stored")

// Save stores a finished run under k, replacing what was there (see
// Writer).
func (s *Store) Save(k Key, r Run) error {
	if s == nil {
		return nil
	}
	if !Finished(r.Record, len(r.Details)) {
		return ErrNotFinished
	}
	if err := s.stopped(); err != nil {
		return err
	}
	w := s.Writer(k, r.Record)
	for i := range r.Details {
		w.Add(&r.Details[i])
	}
	return w.Commit()
}

// Writer stores a run as its rows arrive, so that -o streaming a run of
// 100,000 rows need not hold them: a temporary file, compressed as it
// goes, renamed to the run's name only at Commit, once the rows agree with
// the record. A nil Writer (no store, a run not finished, saving
// stopped) takes rows and stores nothing.
type Writer struct {
	s    *Store
	key  Key
	rec  api.Record
	tmp  *os.File
	buf  *bufio.Writer
	enc  *encoder
	fail error
}

// Writer starts storing the run of rec under k; nil when nothing will be
// stored (no store, a run still going, saving stopped).
func (s *Store) Writer(k Key, rec api.Record) *Writer {
	if s == nil || !Finished(rec, rec.SuccessNum+rec.FailedNum+rec.SkipNum) || s.stopped() != nil {
		return nil
	}
	w := &Writer{s: s, key: k, rec: rec}
	w.tmp, w.fail = os.CreateTemp(s.dir, ".tmp-*")
	if w.fail == nil {
		w.buf = bufio.NewWriterSize(w.tmp, 64<<10)
		w.enc = newEncoder(w.buf, k, rec)
	}
	return w
}

// Add takes the next row.
func (w *Writer) Add(d *api.Detail) {
	if w != nil && w.fail == nil {
		w.enc.add(d)
	}
}

// Commit stores the run if its rows agree with its record (else
// ErrNotFinished, and nothing is stored), then evicts past the bound. A
// failed write (a full disk) stops saving for the Store's life: the error
// says so, once; later Writers are nil.
func (w *Writer) Commit() error {
	if w == nil {
		return nil
	}
	if w.tmp != nil {
		defer os.Remove(w.tmp.Name()) // renamed, or failed: not left behind
	}
	if w.fail == nil && !Finished(w.rec, w.enc.rows) {
		w.Abort()
		return ErrNotFinished
	}
	err := w.fail
	if err == nil {
		err = w.enc.close()
	}
	if err == nil {
		err = w.buf.Flush()
	}
	if err == nil {
		err = w.tmp.Sync()
	}
	if cerr := w.tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		err = private(filepath.Join(w.s.dir, w.key.taskDir()), os.Getuid())
	}
	if err == nil {
		err = os.Rename(w.tmp.Name(), filepath.Join(w.s.dir, w.key.name()))
	}
	if err != nil {
		return w.s.stop(err)
	}
	w.s.evict(w.key.name())
	return nil
}

// Abort drops what was written.
func (w *Writer) Abort() {
	if w != nil && w.tmp != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
	}
}

// stopped is why saving stopped, nil while it goes on.
func (s *Store) stopped() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.off
}

// stop stops saving after err, and returns the error that says so.
func (s *Store) stop(err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.off == nil {
		s.off = fmt.Errorf("the run store: %w; runs are no longer saved this session", err)
	}
	return s.off
}

// evict removes the runs read longest ago (by modification time, which a
// read touches) until the store is within its bound; keep, just saved,
// stays whatever its size.
func (s *Store) evict(keep string) {
	type held struct {
		name string
		size int64
		at   time.Time
	}
	var files []held
	var total int64
	tasks, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, task := range tasks {
		if !task.IsDir() {
			continue
		}
		entries, _ := os.ReadDir(filepath.Join(s.dir, task.Name()))
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".run") || !e.Type().IsRegular() {
				continue
			}
			fi, err := e.Info()
			if err != nil {
				continue
			}
			files = append(files, held{filepath.Join(task.Name(), e.Name()), fi.Size(), fi.ModTime()})
			total += fi.Size()
		}
	}
	slices.SortFunc(files, func(a, b held) int { return a.at.Compare(b.at) })
	for _, f := range files {
		if total <= s.max {
			return
		}
		if f.name == keep {
			continue
		}
		if os.Remove(filepath.Join(s.dir, f.name)) == nil {
			total -= f.size
		}
	}
}

// maxHead bounds the start of a file read to list it: the magic line and
// the key and record, some hundreds of bytes.
const maxHead = 64 << 10

// Runs are the records of the task's runs held, newest first by the
// order the caller gives them (unsorted here): read from each file's
// head, so cheap; a file whose head is not sound, or names another task,
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

// Scope is the store for one endpoint and project: what a session needs.
type Scope struct {
	s                 *Store
	endpoint, project string
}

// For is s's scope for a session's endpoint and project; nil when s is.
func (s *Store) For(endpoint, project string) *Scope {
	if s == nil {
		return nil
	}
	return &Scope{s: s, endpoint: endpoint, project: project}
}

// Load is the stored run of task, if any.
func (sc *Scope) Load(task, run string) (Run, bool) {
	r, err := sc.Read(task, run)
	return r, err == nil
}

// Runs are the records of the task's runs held (see Store.Runs).
func (sc *Scope) Runs(task string) []api.Record {
	if sc == nil {
		return nil
	}
	return sc.s.Runs(sc.endpoint, sc.project, task)
}

// Read is the stored run of task, or why not (see Store.Read).
func (sc *Scope) Read(task, run string) (Run, error) {
	if sc == nil {
		return Run{}, ErrNotStored
	}
	return sc.s.Read(Key{sc.endpoint, sc.project, task, run})
}

// Save stores a finished run of task (see Store.Save).
func (sc *Scope) Save(task string, r Run) error {
	if sc == nil {
		return nil
	}
	return sc.s.Save(Key{sc.endpoint, sc.project, task, r.Record.ID}, r)
}

// Writer stores a run of task as its rows arrive (see Store.Writer).
func (sc *Scope) Writer(task string, rec api.Record) *Writer {
	if sc == nil {
		return nil
	}
	return sc.s.Writer(Key{sc.endpoint, sc.project, task, rec.ID}, rec)
}
