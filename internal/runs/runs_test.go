package runs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/listing"
)

// counting serves a dataset and counts the detail pages asked for, by
// run; fail makes every details call fail; gate, when set, holds each
// details call until it is closed.
type counting struct {
	d     *fake.Dataset
	mu    sync.Mutex
	pages map[string]int
	fail  atomic.Bool
	gate  chan struct{}
}

func newCounting(d *fake.Dataset) *counting { return &counting{d: d, pages: map[string]int{}} }

func (c *counting) ListRecords(_ context.Context, taskID string, offset, limit int) (api.Page[api.Record], error) {
	recs := c.d.Records[taskID]
	end := min(offset+limit, len(recs))
	return api.Page[api.Record]{Items: recs[min(offset, end):end], Total: len(recs)}, nil
}

func (c *counting) ListRecordDetails(ctx context.Context, _, runID string, offset, limit int) (api.Page[api.Detail], error) {
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return api.Page[api.Detail]{}, ctx.Err()
		}
	}
	c.mu.Lock()
	c.pages[runID]++
	c.mu.Unlock()
	if c.fail.Load() {
		return api.Page[api.Detail]{}, &api.APIError{Status: 400, Code: "WKS.1"}
	}
	rows := c.d.Details[runID]
	end := min(offset+limit, len(rows))
	return api.Page[api.Detail]{Items: rows[min(offset, end):end], Total: len(rows)}, nil
}

func (c *counting) asked(run string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pages[run]
}

func setup(t *testing.T) (*counting, string, []api.Record) {
	t.Helper()
	d := fake.NewDataset(5)
	task := d.Tasks[0].ID
	return newCounting(d), task, d.Records[task]
}

// A baseline read for c is not read again for H: the history of the run
// asks only for the runs not read yet, and its outcomes are those a read
// detail by detail gives.
func TestARunIsReadOnce(t *testing.T) {
	src, task, recs := setup(t)
	r := New(src, Options{PageSize: 100, Concurrency: 4})
	ctx := context.Background()
	before, err := r.Before(ctx, task, recs[0].ID, 1)
	if err != nil || len(before) != 1 || before[0].ID != recs[1].ID {
		t.Fatalf("before: %v %v", before, err)
	}
	base, err := r.Read(ctx, task, before[0], true, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := src.asked(before[0].ID)
	if pages == 0 {
		t.Fatal("no pages read")
	}
	hist, runs, _, err := r.History(ctx, task, recs[0].ID, 3, nil)
	if err != nil || len(runs) != 2 {
		t.Fatalf("history: %d runs, %v", len(runs), err)
	}
	if src.asked(before[0].ID) != pages {
		t.Errorf("the baseline was read again for the history: %d pages, then %d", pages, src.asked(before[0].ID))
	}
	want := compare.NewHistory(3)
	for i, run := range runs {
		for _, d := range src.d.Details[run.ID] {
			want.Add(i+1, &d)
		}
	}
	for _, d := range src.d.Details[recs[1].ID] {
		got, _ := hist.Of(d.DesktopID)
		exp, _ := want.Of(d.DesktopID)
		if got[1] != exp[1] || got[2] != exp[2] {
			t.Fatalf("%s: %v, want %v", d.DesktopID, got, exp)
		}
		if o, _ := base.Outcome(d.DesktopID); o != got[1] {
			t.Fatalf("%s: the baseline says %v, the history %v", d.DesktopID, o, got[1])
		}
	}
}

// Two askers of one run at once: one read, both answered.
func TestTwoAskersShareOneRead(t *testing.T) {
	src, task, recs := setup(t)
	src.gate = make(chan struct{})
	r := New(src, Options{PageSize: 100, Concurrency: 2})
	var wg sync.WaitGroup
	results := make([]*compare.Baseline, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = r.Read(context.Background(), task, recs[1], false, nil)
		}()
	}
	for { // both asking: one reads, one waits
		r.mu.Lock()
		_, started := r.read[task+"\x00"+recs[1].ID]
		r.mu.Unlock()
		if started {
			break
		}
	}
	close(src.gate)
	wg.Wait()
	pages := (len(src.d.Details[recs[1].ID]) + 99) / 100
	if results[0] == nil || results[0] != results[1] || src.asked(recs[1].ID) > pages+1 {
		t.Errorf("answers %p %p; %d pages asked for a run of %d", results[0], results[1], src.asked(recs[1].ID), pages)
	}
}

// A failure is not kept: the next asker reads again. Rows asked for
// after a read without them read the run again; the runs kept are
// bounded.
func TestWhatIsKept(t *testing.T) {
	src, task, recs := setup(t)
	r := New(src, Options{PageSize: 100, Keep: 1})
	ctx := context.Background()
	src.fail.Store(true)
	if _, err := r.Read(ctx, task, recs[1], false, nil); err == nil {
		t.Fatal("no error")
	}
	src.fail.Store(false)
	if _, err := r.Read(ctx, task, recs[1], false, nil); err != nil {
		t.Fatalf("a failure was kept: %v", err)
	}
	n := src.asked(recs[1].ID)
	base, err := r.Read(ctx, task, recs[1], true, nil)
	if err != nil || src.asked(recs[1].ID) == n {
		t.Fatalf("rows asked for after a read without: %v, %d pages then %d", err, n, src.asked(recs[1].ID))
	}
	if rows, _ := base.Gone(func(string) bool { return false }); len(rows) == 0 {
		t.Error("no rows kept")
	}
	n = src.asked(recs[1].ID)
	if _, err := r.Read(ctx, task, recs[2], false, nil); err != nil { // Keep 1: the first is forgotten
		t.Fatal(err)
	}
	if _, err := r.Read(ctx, task, recs[1], false, nil); err != nil || src.asked(recs[1].ID) == n {
		t.Errorf("kept past Keep: %d pages, then %d", n, src.asked(recs[1].ID))
	}
	if _, err := r.Before(ctx, task, "no-such-run", 1); !errors.Is(err, ErrNotListed) {
		t.Errorf("a run not listed: %v", err)
	}
}

// H then c reads the baseline once too: the history reads the run just
// before with its rows, which c's comparison needs.
func TestHistoryThenCompareReadsTheBaselineOnce(t *testing.T) {
	src, task, recs := setup(t)
	r := New(src, Options{PageSize: 100})
	ctx := context.Background()
	if _, _, _, err := r.History(ctx, task, recs[0].ID, 3, nil); err != nil {
		t.Fatal(err)
	}
	pages := src.asked(recs[1].ID)
	base, err := r.Read(ctx, task, recs[1], true, nil)
	if err != nil || src.asked(recs[1].ID) != pages {
		t.Fatalf("%v; the baseline's pages: %d, then %d", err, pages, src.asked(recs[1].ID))
	}
	if rows, _ := base.Gone(func(string) bool { return false }); len(rows) == 0 {
		t.Error("the history's reading kept no rows")
	}
}

// A run still in progress is not kept: it grows, and the next asker reads
// it again.
func TestARunInProgressIsNotKept(t *testing.T) {
	src, task, recs := setup(t)
	r := New(src, Options{PageSize: 100})
	ctx := context.Background()
	running := recs[1]
	running.Status = "RUNNING"
	full := src.d.Details[running.ID]
	src.d.Details[running.ID] = full[:10]
	first, err := r.Read(ctx, task, running, false, nil)
	if err != nil || first.Len() != 10 {
		t.Fatalf("%v, %d desktops", err, first.Len())
	}
	src.d.Details[running.ID] = full
	second, err := r.Read(ctx, task, running, false, nil)
	if err != nil || second.Len() <= 10 {
		t.Errorf("a run in progress was kept: %v, %d desktops", err, second.Len())
	}
}

// What is kept is bounded by the desktops and rows it holds: a run past
// KeepSize pushes the older ones out, and is kept itself.
func TestWhatIsKeptIsBoundedBySize(t *testing.T) {
	src, task, recs := setup(t)
	n := len(src.d.Details[recs[1].ID])
	r := New(src, Options{PageSize: 100, KeepSize: n + n/2})
	ctx := context.Background()
	for _, run := range []api.Record{recs[1], recs[2]} {
		if _, err := r.Read(ctx, task, run, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	before := src.asked(recs[1].ID)
	if _, err := r.Read(ctx, task, recs[2], false, nil); err != nil { // still kept
		t.Fatal(err)
	}
	if _, err := r.Read(ctx, task, recs[1], false, nil); err != nil || src.asked(recs[1].ID) == before {
		t.Errorf("kept past KeepSize: %v, %d pages then %d", err, before, src.asked(recs[1].ID))
	}
}

// An asker whose reading fails (its screen closed) does not take away a
// reading another asker has under way.
func TestAFailedAskerLeavesTheOthersReading(t *testing.T) {
	src, task, recs := setup(t)
	src.gate = make(chan struct{})
	r := New(src, Options{PageSize: 100, Concurrency: 1})
	key := task + "\x00" + recs[1].ID
	ctx, cancel := context.WithCancel(context.Background())
	withoutRows := make(chan error, 1)
	go func() { _, err := r.Read(ctx, task, recs[1], false, nil); withoutRows <- err }()
	waitFor := func(cond func(*reading) bool) {
		for {
			r.mu.Lock()
			rd := r.read[key]
			r.mu.Unlock()
			if rd != nil && cond(rd) {
				return
			}
		}
	}
	waitFor(func(rd *reading) bool { return !rd.withRows })
	withRows := make(chan *compare.Baseline, 1)
	go func() { b, _ := r.Read(context.Background(), task, recs[1], true, nil); withRows <- b }()
	waitFor(func(rd *reading) bool { return rd.withRows })
	cancel()
	if err := <-withoutRows; err == nil {
		t.Fatal("the cancelled asker did not fail")
	}
	r.mu.Lock()
	rd := r.read[key]
	r.mu.Unlock()
	if rd == nil || !rd.withRows {
		t.Fatal("the reading under way was dropped by the failed asker")
	}
	close(src.gate)
	if b := <-withRows; b == nil {
		t.Fatal("no answer")
	}
	pages := src.asked(recs[1].ID)
	if _, err := r.Read(context.Background(), task, recs[1], true, nil); err != nil || src.asked(recs[1].ID) != pages {
		t.Errorf("the reading with rows was not kept: %v, %d pages then %d", err, pages, src.asked(recs[1].ID))
	}
}

// A run read short (a page cut by a gateway: the listing ends early) is
// incomplete by its counts and its total_count, and not kept.
func TestARunReadShortIsIncomplete(t *testing.T) {
	d := fake.NewDataset(5)
	task := d.Tasks[0].ID
	base := d.Records[task][1]
	srv := fake.New(fake.Options{Seed: 5, Quirks: fake.Quirks{ShortPage: fake.ShortPage{RecordID: base.ID, Offset: 200}}})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	auth, _ := api.NewTokenAuth("t")
	c, err := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	r := New(c, Options{PageSize: 100})
	got, err := r.Read(context.Background(), task, base, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(srv.Data().Details[base.ID])
	if got.Missing() != n-299 {
		t.Errorf("missing %d of %d rows, want %d (the listing ended at the page cut short)", got.Missing(), n, n-299)
	}
	r.mu.Lock()
	_, kept := r.read[task+"\x00"+base.ID]
	r.mu.Unlock()
	if kept {
		t.Error("a run read short was kept")
	}
}

// A baseline whose total_count lies: too low, it is still read whole
// (the listing goes on past it) and complete; too high, it is incomplete
// by the rows it claims, and not kept.
func TestABaselineWithALyingTotal(t *testing.T) {
	d := fake.NewDataset(6)
	task := d.Tasks[0].ID
	base := d.Records[task][1]
	n := len(d.Details[base.ID])
	for _, tc := range []struct {
		total   string
		missing int
	}{
		{"50", 0},
		{"0", 0},
		{fmt.Sprint(n + 250), 250},
		{"1000000000000", listing.MaxTotal - n}, // believed up to MaxTotal
	} {
		srv := fake.New(fake.Options{Seed: 6, Quirks: fake.Quirks{RunTotal: map[string]string{base.ID: tc.total}}})
		url, stop, err := fake.Start(srv, "")
		if err != nil {
			t.Fatal(err)
		}
		auth, _ := api.NewTokenAuth("t")
		c, err := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
		if err != nil {
			t.Fatal(err)
		}
		r := New(c, Options{PageSize: 100})
		got, err := r.Read(context.Background(), task, base, false, nil)
		stop()
		if err != nil {
			t.Fatalf("total %s: %v", tc.total, err)
		}
		if got.Len() != distinctDesktops(d.Details[base.ID]) || got.Missing() != tc.missing {
			t.Errorf("total %s over %d rows: %d desktops, %d missing; want %d, %d",
				tc.total, n, got.Len(), got.Missing(), distinctDesktops(d.Details[base.ID]), tc.missing)
		}
		r.mu.Lock()
		_, kept := r.read[task+"\x00"+base.ID]
		r.mu.Unlock()
		if kept != (tc.missing == 0) {
			t.Errorf("total %s: kept %v", tc.total, kept)
		}
	}
}

func distinctDesktops(rows []api.Detail) int {
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.DesktopID] = true
	}
	return len(seen)
}
