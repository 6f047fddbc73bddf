package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
)

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
