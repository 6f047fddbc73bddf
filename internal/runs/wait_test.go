package runs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/testclock"
)

// liveServer is a fake API on loopback whose run in progress started 90 s
// before dated, with a client for it.
func liveServer(t *testing.T, clk *testclock.Clock, faults ...fake.Fault) (*api.Client, *fake.Server, string, api.Record) {
	t.Helper()
	srv := fake.New(fake.Options{Seed: 3, DatedFrom: clk.Now(), Now: clk.Now, Faults: faults})
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	auth, _ := api.NewTokenAuth("token")
	client, err := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	d := srv.Data()
	for _, task := range d.Tasks {
		if recs := d.Records[task.ID]; len(recs) > 0 && d.Live[recs[0].ID] != nil {
			return client, srv, task.ID, recs[0]
		}
	}
	t.Fatal("no run in progress")
	return nil, nil, "", api.Record{}
}

// Wait looks with a growing gap while the run goes on, says how far it
// has got each time, and returns the record as it is once finished.
func TestWaitUntilTheRunEnds(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	client, _, task, final := liveServer(t, clk)
	var seen []Progress
	rec, err := Wait(context.Background(), client, task, final.ID, WaitOptions{Now: clk.Now, Sleep: clk.Sleep,
		Progress: func(p Progress) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if rec != final {
		t.Fatalf("after waiting the record is %+v, want the run's final %+v", rec, final)
	}
	if len(seen) < 3 {
		t.Fatalf("%d looks at a run of four minutes", len(seen))
	}
	want := []time.Duration{5 * time.Second, 7500 * time.Millisecond, 11250 * time.Millisecond}
	for i, d := range want {
		if clk.Slept()[i] != d {
			t.Fatalf("gaps %v, want them to start %v", clk.Slept(), want)
		}
	}
	for _, d := range clk.Slept() {
		if d > time.Minute {
			t.Fatalf("a gap of %s: at most a minute", d)
		}
	}
	first, last := seen[0].Record, seen[len(seen)-1].Record
	if first.Status != "RUNNING" || last.SuccessNum+last.FailedNum+last.SkipNum <= first.SuccessNum+first.FailedNum+first.SkipNum {
		t.Fatalf("progress did not move: first %+v, last %+v", first, last)
	}
	if seen[1].Waited != 5*time.Second || seen[1].Next != 7500*time.Millisecond {
		t.Fatalf("second look: waited %s, next %s", seen[1].Waited, seen[1].Next)
	}
}

// A run still going when the time is up is an error saying so, after
// exactly the time given; a finished run returns at once, with one look.
func TestWaitTimesOutAndFinishedRunsDoNotWait(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	client, srv, task, final := liveServer(t, clk)
	_, err := Wait(context.Background(), client, task, final.ID, WaitOptions{Timeout: 20 * time.Second, Now: clk.Now, Sleep: clk.Sleep})
	var timeout *WaitTimeoutError
	if !errors.As(err, &timeout) || timeout.Record.Status != "RUNNING" {
		t.Fatalf("err %v, want a WaitTimeoutError on a RUNNING record", err)
	}
	var total time.Duration
	for _, d := range clk.Slept() {
		total += d
	}
	if total != 20*time.Second {
		t.Fatalf("slept %s in all (%v), want the 20s given", total, clk.Slept())
	}

	older := srv.Data().Records[task][1]
	served, _ := srv.Calls()
	clk.ResetSlept()
	if rec, err := Wait(context.Background(), client, task, older.ID, WaitOptions{Now: clk.Now, Sleep: clk.Sleep}); err != nil || rec != older || len(clk.Slept()) > 0 {
		t.Fatalf("a finished run: %+v, %v, slept %v", rec, err, clk.Slept())
	}
	if after, _ := srv.Calls(); after-served != 1 {
		t.Fatalf("a finished run took %d requests, want 1", after-served)
	}
	if _, err := Wait(context.Background(), client, task, "no-such-run", WaitOptions{Now: clk.Now, Sleep: clk.Sleep}); !errors.Is(err, ErrNotListed) {
		t.Fatalf("a run not listed: %v", err)
	}
}

// Looks that fail are tried again at the next look; five in a row end
// the wait with the last error.
func TestWaitOutlastsFailedLooks(t *testing.T) {
	clk := testclock.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	client, srv, task, final := liveServer(t, clk, fake.Fault{Status: 503, Code: "APIG.0201", Times: 3, PathContains: "/records"})
	if rec, err := Wait(context.Background(), client, task, final.ID, WaitOptions{Now: clk.Now, Sleep: clk.Sleep}); err != nil || rec != final {
		t.Fatalf("after three failed looks: %+v, %v", rec, err)
	}
	srv.SetFaults(fake.Fault{Status: 503, Code: "APIG.0201", PathContains: "/records"})
	clk.ResetSlept()
	_, err := Wait(context.Background(), client, task, final.ID, WaitOptions{Now: clk.Now, Sleep: clk.Sleep})
	if err == nil || len(clk.Slept()) != maxFailedLooks-1 {
		t.Fatalf("a server always failing: %v after %d sleeps", err, len(clk.Slept()))
	}
}
