package store

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
)

func run(id string, n int) Run {
	r := Run{Record: api.Record{ID: id, Status: "SUCCESS", SuccessNum: n - n/3, FailedNum: n / 3}}
	for i := range n {
		status := "SUCCESS"
		if i < n/3 {
			status = "FAIL"
		}
		r.Details = append(r.Details, api.Detail{ID: fmt.Sprintf("%s-%d", id, i), DesktopID: fmt.Sprintf("desk-%d", i),
			DesktopName: "evil\x1b]0;PWN\x07-" + fmt.Sprint(i), ExecStatus: status, FailReason: "桌面\u202e未响应"})
	}
	return r
}

func open(t *testing.T, max int64) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "wksrec")
	s, err := Open(dir, max)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

var key = Key{Endpoint: "https://workspace.cn-north-4.myhuaweicloud.com", Project: "p", Task: "t", Run: "r1"}

// A finished run comes back as it went in, the API's text untouched (no
// sanitising in the store), from a private file in a private directory.
func TestSaveLoad(t *testing.T) {
	s, dir := open(t, 0)
	want := run("r1", 250)
	if err := s.Save(key, want); err != nil {
		t.Fatal(err)
	}
	got, ok := s.Load(key)
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("loaded %v, %d rows; want the run saved", ok, len(got.Details))
	}
	for _, k := range []Key{{key.Endpoint, key.Project, key.Task, "r2"}, {key.Endpoint, "q", key.Task, key.Run}, {"https://x", key.Project, key.Task, key.Run}} {
		if _, ok := s.Load(k); ok {
			t.Errorf("%v loaded the run of %v", k, key)
		}
	}
	for _, p := range []string{dir, filepath.Join(dir, "runs"), filepath.Join(dir, "runs", key.name())} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]os.FileMode{true: 0o700, false: 0o600}[fi.IsDir()]; fi.Mode().Perm() != want {
			t.Errorf("%s is %v; want %v", p, fi.Mode().Perm(), want)
		}
	}
}

// Only a finished run whose rows agree with its record is stored.
func TestOnlyFinishedRunsAreStored(t *testing.T) {
	s, _ := open(t, 0)
	for _, tc := range []struct {
		name string
		edit func(*Run)
	}{
		{"running", func(r *Run) { r.Record.Status = "RUNNING" }},
		{"waiting", func(r *Run) { r.Record.Status = "waiting" }},
		{"no status", func(r *Run) { r.Record.Status = "" }},
		{"a row short", func(r *Run) { r.Details = r.Details[1:] }},
		{"a row more", func(r *Run) { r.Details = append(r.Details, r.Details[0]) }},
	} {
		r := run("r1", 30)
		tc.edit(&r)
		if err := s.Save(key, r); err != ErrNotFinished {
			t.Errorf("%s: saved (%v)", tc.name, err)
		}
		if _, ok := s.Load(key); ok {
			t.Errorf("%s: stored", tc.name)
		}
	}
}

// A file cut, garbled, of another version, of another run, or not a run
// file at all is no run, never a crash; the next save replaces it.
func TestDamagedFilesAreIgnored(t *testing.T) {
	s, dir := open(t, 0)
	path := filepath.Join(dir, "runs", key.name())
	other := Key{key.Endpoint, key.Project, key.Task, "r2"}
	if err := s.Save(other, run("r2", 40)); err != nil {
		t.Fatal(err)
	}
	foreign, _ := os.ReadFile(filepath.Join(dir, "runs", other.name()))
	good, _ := encode(key, run("r1", 40))
	flipped := append([]byte(nil), good...)
	flipped[len(good)/2] ^= 0x40
	newer := append([]byte(magicName+"v2\n"), good[len(magic):]...)
	want := map[string]string{"cut": "is damaged", "garbled": "is damaged", "newer": "another version", "another run": "holds another run",
		"empty": "is damaged", "text": "is damaged"}
	for name, data := range map[string][]byte{
		"cut":         good[:len(good)-10],
		"garbled":     flipped,
		"newer":       newer,
		"another run": foreign,
		"empty":       {},
		"text":        []byte("hello\n"),
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read(key); err == nil || err == ErrNotStored || !strings.Contains(err.Error(), want[name]) {
			t.Errorf("%s: %v; want an error saying it %s", name, err, want[name])
		}
		if err := s.Save(key, run("r1", 40)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := s.Load(key); !ok {
			t.Errorf("%s: not replaced by the next save", name)
		}
	}
	// A run file planted as a link is not followed.
	_ = os.Remove(path)
	if err := os.Symlink(filepath.Join(dir, "runs", other.name()), path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(key); err == nil || !strings.Contains(err.Error(), "a link") {
		t.Errorf("a link: %v", err)
	}
	_ = os.Remove(path)
	if _, err := s.Read(key); err != ErrNotStored {
		t.Errorf("no file: %v", err)
	}
}

// A store directory that is a link is refused; one others may enter is
// made private.
func TestStoreDirectory(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "wksrec")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link, 0); err == nil || !strings.Contains(err.Error(), "is a link") {
		t.Errorf("a linked store: %v", err)
	}
	if _, err := Open(target, 0); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o700 {
		t.Errorf("an open store is %v", fi.Mode().Perm())
	}
	if err := private(target, os.Getuid()+1); err == nil || !strings.Contains(err.Error(), "another user's") {
		t.Errorf("another user's store: %v", err)
	}
	file := filepath.Join(base, "file")
	_ = os.WriteFile(file, nil, 0o600)
	if _, err := Open(file, 0); err == nil {
		t.Error("a file opened as a store")
	}
}

// Past its bound the store evicts the runs read longest ago, never the
// one just saved.
func TestEviction(t *testing.T) {
	s, dir := open(t, 0)
	keys := make([]Key, 4)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var size int64
	for i := range keys {
		keys[i] = Key{key.Endpoint, key.Project, key.Task, fmt.Sprintf("r%d", i)}
		if err := s.Save(keys[i], run(keys[i].Run, 200)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "runs", keys[i].name())
		_ = os.Chtimes(path, at.Add(time.Duration(i)*time.Hour), at.Add(time.Duration(i)*time.Hour))
		fi, _ := os.Stat(path)
		size = max(size, fi.Size())
	}
	if _, ok := s.Load(keys[0]); !ok { // read now: the newest
		t.Fatal("r0 not stored")
	}
	s.max = 4*size + size/2 // room for four, not five
	k := Key{key.Endpoint, key.Project, key.Task, "r4"}
	if err := s.Save(k, run("r4", 200)); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false, true, true} {
		if _, ok := s.Load(keys[i]); ok != want {
			t.Errorf("r%d stored %v, want %v", i, ok, want)
		}
	}
	s.max = 1 // smaller than any run: the one just saved stays
	if err := s.Save(k, run("r4", 200)); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Load(k); !ok {
		t.Error("the run just saved was evicted")
	}
}

// A write that fails (a full disk) stops saving, not reading or the
// program, and is said once.
func TestAFailedWriteStopsSaving(t *testing.T) {
	s, dir := open(t, 0)
	if err := s.Save(key, run("r1", 10)); err != nil {
		t.Fatal(err)
	}
	runs := filepath.Join(dir, "runs")
	s.dir = filepath.Join(runs, key.name()) // a file, not a directory: every write fails
	err := s.Save(Key{key.Endpoint, key.Project, key.Task, "r2"}, run("r2", 10))
	if err == nil || !strings.Contains(err.Error(), "no longer saved") {
		t.Fatalf("a failed write: %v", err)
	}
	s.dir = runs
	if again := s.Save(Key{key.Endpoint, key.Project, key.Task, "r3"}, run("r3", 10)); again != err {
		t.Errorf("saving went on after a failure: %v", again)
	}
	if _, ok := s.Load(key); !ok {
		t.Error("reading stopped too")
	}
	entries, _ := os.ReadDir(runs)
	if len(entries) != 1 {
		t.Errorf("left in the store: %d files", len(entries))
	}
}

// Several processes (here, Stores) saving and loading the same runs at
// once each see a whole run or none.
func TestSeveralStoresAtOnce(t *testing.T) {
	_, dir := open(t, 0)
	var wg sync.WaitGroup
	for p := range 4 {
		s, err := Open(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				k := Key{key.Endpoint, key.Project, key.Task, fmt.Sprintf("r%d", (i+p)%3)}
				want := run(k.Run, 60)
				if err := s.Save(k, want); err != nil {
					t.Error(err)
					return
				}
				if got, ok := s.Load(k); ok && !reflect.DeepEqual(got, want) {
					t.Error("a run read differs from the run saved")
				}
			}
		}()
	}
	wg.Wait()
}

// A task's runs held are listed from the files' heads; another task's,
// another project's and a damaged head are not.
func TestRuns(t *testing.T) {
	s, dir := open(t, 0)
	for _, k := range []Key{key, {key.Endpoint, key.Project, key.Task, "r2"}, {key.Endpoint, key.Project, "u", "r3"}, {key.Endpoint, "q", key.Task, "r4"}} {
		if err := s.Save(k, run(k.Run, 20)); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, r := range s.Runs(key.Endpoint, key.Project, key.Task) {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"r1", "r2"}) {
		t.Errorf("the task's runs: %v", ids)
	}
	_ = os.WriteFile(filepath.Join(dir, "runs", key.name()), []byte(magic+"{not json\n"), 0o600)
	if got := s.Runs(key.Endpoint, key.Project, key.Task); len(got) != 1 || got[0].ID != "r2" {
		t.Errorf("with r1's head damaged: %v", got)
	}
}
