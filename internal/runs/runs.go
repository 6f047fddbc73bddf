// Package runs reads a task's runs for comparing them: the list of a
// task's runs, and runs read whole (a baseline, the runs of a history).
// One Reader serves a session, the browser's c and H and -o's
// --compare-to and --history alike: a run read whole is kept, and a run
// being read is not read again by a second asker, who waits for the
// first (c then H once read the baseline twice).
package runs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/store"
)

// Source is what runs are read from; *api.Client is one.
type Source interface {
	ListRecords(ctx context.Context, taskID string, offset, limit int) (api.Page[api.Record], error)
	ListRecordDetails(ctx context.Context, taskID, recordID string, offset, limit int) (api.Page[api.Detail], error)
}

// MaxRunPages bounds the listing of a task's runs (10,000 runs).
const MaxRunPages = 100

// defaultKeep is how many runs read whole are kept: a baseline and a
// history of the default five runs, with room to spare; defaultKeepSize
// bounds what they hold (desktops and rows kept), so that a few runs of
// 100,000 desktops are not all kept after their screens close.
const (
	defaultKeep     = 8
	defaultKeepSize = 250_000
)

// Options are a Reader's page size, concurrency and retry rule.
type Options struct {
	PageSize, Concurrency int
	Retry                 api.RetryPolicy
	// Slot, when set, is taken around each request: the browser's budget
	// of requests in flight, shared with the lists on screen.
	Slot func(ctx context.Context) (release func(), err error)
	// Store, when set, holds finished runs: a run stored is read from it
	// (no request), and a finished run read whole is stored.
	Store *store.Scope
	// Background marks the reader's requests as a loader's off screen
	// (api.Background): in the client's rate budget, the lists on screen
	// go first.
	Background bool
	// Keep is how many runs read whole are kept (default 8), KeepSize
	// how many desktops and rows they may hold in all (default 250,000;
	// the run read last is kept whatever its size).
	Keep, KeepSize int
}

// ErrNotListed says a run is not among its task's runs (any more).
var ErrNotListed = errors.New("the run is not among the task's runs any more")

// Reader reads the runs of a session. It is safe for concurrent use.
type Reader struct {
	src  Source
	opts Options

	mu   sync.Mutex
	read map[string]*reading // by task and run
	kept []string            // the runs kept, oldest read first
	// lastStoreErr is why the last run could not be stored.
	lastStoreErr error
	// storedOnly are the runs (task and id) the store holds and the API
	// no longer lists.
	storedOnly map[string]bool
}

// reading is a run read whole, or being read: done closes once base or
// err is set.
type reading struct {
	done     chan struct{}
	base     *compare.Baseline
	err      error
	withRows bool
}

// New is a Reader of src.
func New(src Source, opts Options) *Reader {
	if opts.PageSize < 1 || opts.PageSize > api.MaxDetailLimit {
		opts.PageSize = api.MaxDetailLimit
	}
	if opts.Keep <= 0 {
		opts.Keep = defaultKeep
	}
	if opts.KeepSize <= 0 {
		opts.KeepSize = defaultKeepSize
	}
	return &Reader{src: src, opts: opts, read: map[string]*reading{}, storedOnly: map[string]bool{}}
}

func (r *Reader) slot(ctx context.Context) (func(), error) {
	if r.opts.Slot == nil {
		return func() {}, nil
	}
	return r.opts.Slot(ctx)
}

// mark marks a request's ctx as the background's when the reader is.
func (r *Reader) mark(ctx context.Context) context.Context {
	if r.opts.Background {
		return api.Background(ctx)
	}
	return ctx
}

// List is every run of the task, as the API lists them (at most
// MaxRunPages pages).
func (r *Reader) List(ctx context.Context, taskID string) ([]api.Record, error) {
	runs, err := api.FetchAll(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Record], error) {
		release, err := r.slot(ctx)
		if err != nil {
			return api.Page[api.Record]{}, err
		}
		defer release()
		return r.src.ListRecords(r.mark(ctx), taskID, offset, limit)
	}, func(rec api.Record) string { return rec.ID }, api.FetchAllOptions{Limit: api.MaxRecordLimit, Concurrency: r.opts.Concurrency,
		Retry: r.opts.Retry, MaxPages: MaxRunPages})
	if err != nil {
		return nil, fmt.Errorf("listing the task's runs: %w", err)
	}
	// The runs the store holds that the API lists no more: a history
	// reaches past what the API keeps.
	listed := map[string]bool{}
	for _, run := range runs {
		listed[run.ID] = true
	}
	for _, run := range r.opts.Store.Runs(taskID) {
		if !listed[run.ID] {
			runs = append(runs, run)
			r.mu.Lock()
			r.storedOnly[taskID+"\x00"+run.ID] = true
			r.mu.Unlock()
		}
	}
	return runs, nil
}

// StoredOnly reports a run of the task that the store holds and the API
// listed no more when last asked.
func (r *Reader) StoredOnly(taskID, runID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.storedOnly[taskID+"\x00"+runID]
}

// Before is up to n runs of the task that started before run runID, the
// nearest first (by start time: the listing's order is not trusted).
func (r *Reader) Before(ctx context.Context, taskID, runID string, n int) ([]api.Record, error) {
	runs, err := r.List(ctx, taskID)
	if err != nil {
		return nil, err
	}
	before, found := compare.Before(runs, runID, n)
	if !found {
		return nil, ErrNotListed
	}
	return before, nil
}

// Find is the task's run runID as the API lists it.
func (r *Reader) Find(ctx context.Context, taskID, runID string) (api.Record, error) {
	runs, err := r.List(ctx, taskID)
	if err != nil {
		return api.Record{}, err
	}
	for _, run := range runs {
		if run.ID == runID {
			return run, nil
		}
	}
	return api.Record{}, ErrNotListed
}

// Read is run of the task read whole: its outcomes by desktop, and with
// withRows its rows too (for listing the desktops gone). A run read
// already is not asked for again, unless it was still in progress then
// (such a run is never kept: it grows); one being read is waited for.
// progress, when set, hears the rows read and the run's total_count as
// pages come (not when the run is kept or another asker reads it).
func (r *Reader) Read(ctx context.Context, taskID string, run api.Record, withRows bool, progress func(read, total int)) (*compare.Baseline, error) {
	key := taskID + "\x00" + run.ID
	r.mu.Lock()
	if rd, ok := r.read[key]; ok && (rd.withRows || !withRows) {
		r.mu.Unlock()
		select {
		case <-rd.done:
			if rd.err == nil {
				return rd.base, nil
			}
			// Its asker's failure (a cancelled screen, a network error)
			// is not this asker's: read again.
			return r.Read(ctx, taskID, run, withRows, progress)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rd := &reading{done: make(chan struct{}), withRows: withRows}
	r.read[key] = rd
	r.mu.Unlock()

	rd.base, rd.err = r.readWhole(ctx, taskID, run, withRows, progress)
	r.mu.Lock()
	switch {
	case r.read[key] != rd:
		// Replaced meanwhile (a reading with rows): that one stands.
	case rd.err != nil || filter.InProgress(run.Status) || rd.base.Missing() > 0:
		// A failure, a run still growing, or one read short (a page cut
		// by a gateway): the next asker reads again.
		delete(r.read, key)
	default:
		r.keep(key)
	}
	r.mu.Unlock()
	close(rd.done)
	return rd.base, rd.err
}

// keep notes key as read, and forgets the runs read longest ago past Keep
// runs or KeepSize desktops and rows (the one just read stays).
func (r *Reader) keep(key string) {
	r.kept = append(slices.DeleteFunc(r.kept, func(k string) bool { return k == key }), key)
	size := 0
	for _, k := range r.kept {
		size += r.read[k].base.Size()
	}
	for len(r.kept) > 1 && (len(r.kept) > r.opts.Keep || size > r.opts.KeepSize) {
		size -= r.read[r.kept[0]].base.Size()
		delete(r.read, r.kept[0])
		r.kept = r.kept[1:]
	}
}

// readWhole reads every page of run. What its record counts and its
// listing's total_count say it has is noted: a run read short is
// incomplete (Baseline.Missing).
func (r *Reader) readWhole(ctx context.Context, taskID string, run api.Record, withRows bool, progress func(read, total int)) (*compare.Baseline, error) {
	if stored, ok := r.opts.Store.Load(taskID, run.ID); ok {
		return storedBaseline(stored, withRows, progress), nil
	}
	runID := run.ID
	base := compare.NewBaseline(withRows)
	keep := r.opts.Store.Writer(taskID, run) // nil unless the run is finished
	read := 0
	var total atomic.Int64 // the latest total_count, from the fetches' goroutines
	total.Store(-1)
	_, err := api.Stream(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		release, err := r.slot(ctx)
		if err != nil {
			return api.Page[api.Detail]{}, err
		}
		defer release()
		p, err := r.src.ListRecordDetails(r.mark(ctx), taskID, runID, offset, limit)
		if err == nil {
			total.Store(int64(p.Total))
		}
		return p, err
	}, func(d api.Detail) string { return d.ID }, api.FetchAllOptions{Limit: r.opts.PageSize, Concurrency: r.opts.Concurrency, Retry: r.opts.Retry},
		func(d api.Detail) error {
			base.Add(&d)
			keep.Add(&d)
			read++
			if progress != nil {
				progress(read, int(total.Load()))
			}
			return nil
		})
	if err != nil {
		keep.Abort()
		return nil, err
	}
	base.Expect(run.SuccessNum + run.FailedNum + run.SkipNum)
	base.Expect(int(total.Load()))
	if base.Missing() > 0 {
		keep.Abort() // read short: never stored
	} else {
		r.storeErr(keep.Commit())
	}
	return base, nil
}

// storeErr notes a failure to store a run (a full disk) for StoreErr;
// a run whose rows disagree with its record is no failure.
func (r *Reader) storeErr(err error) {
	if err != nil && !errors.Is(err, store.ErrNotFinished) {
		r.mu.Lock()
		r.lastStoreErr = err
		r.mu.Unlock()
	}
}

// StoreErr is why the last run read could not be stored, if it could not
// (saving has stopped: the program goes on reading from the API).
func (r *Reader) StoreErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastStoreErr
}

// storedBaseline is a run from the store as a baseline: every row, and
// nothing missing (a run is stored only when its rows agree with its
// record).
func storedBaseline(stored store.Run, withRows bool, progress func(read, total int)) *compare.Baseline {
	base := compare.NewBaseline(withRows)
	for i := range stored.Details {
		base.Add(&stored.Details[i])
	}
	base.Expect(len(stored.Details))
	if progress != nil {
		progress(len(stored.Details), len(stored.Details))
	}
	return base
}

// Incomplete is a run read short: Missing rows of those it says it has
// did not come.
type Incomplete struct {
	Run     api.Record
	Missing int
}

// History is the outcomes by desktop over run runID and the n-1 runs
// before it (run 0, the run itself, is left to the caller), the runs
// before it read, the nearest first, and those of them read short.
// progress hears the runs read.
func (r *Reader) History(ctx context.Context, taskID, runID string, n int, progress func(read, total int)) (*compare.History, []api.Record, []Incomplete, error) {
	before, err := r.Before(ctx, taskID, runID, n-1)
	if err != nil {
		return nil, nil, nil, err
	}
	h := compare.NewHistory(n)
	var short []Incomplete
	for i, run := range before {
		if progress != nil {
			progress(i, len(before))
		}
		// The run just before with its rows: it is the baseline c
		// compares with unless another is marked, and H then c must not
		// read it twice.
		base, err := r.Read(ctx, taskID, run, i == 0, nil)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("reading the run of %s: %w", run.StartTime, err)
		}
		if m := base.Missing(); m > 0 {
			short = append(short, Incomplete{Run: run, Missing: m})
		}
		h.AddRun(i+1, base)
	}
	if progress != nil {
		progress(len(before), len(before))
	}
	return h, before, short, nil
}
