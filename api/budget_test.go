package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A refusal one caller saw holds off every caller of the budget, for the
// gateway's Retry-After or, without one, the hold learnt: 250 ms at
// first, doubled while fewer than 5 good answers come between refusals,
// halved while more than 20 do; the window, shared, halves once.
func TestBudgetRefusalHoldsEveryCallerOff(t *testing.T) {
	clock := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	b := newBudget(4, func() time.Time { return clock })
	// Probed with a cancelled context: a request that may not go returns
	// at once instead of waiting (on the real clock).
	probe, cancel := context.WithCancel(context.Background())
	cancel()
	take := func() (Ticket, bool) {
		tk, err := b.acquire(probe)
		return tk, err == nil
	}
	// paced waits out the pace a refusal sets (TestBudgetPace): this test
	// is of the holds.
	paced := func() {
		b.g.mu.Lock()
		d := b.g.next.Sub(clock)
		b.g.mu.Unlock()
		clock = clock.Add(max(d, 0))
	}
	mayGo := func(ctx context.Context) bool {
		tk, err := b.acquire(ctx)
		if err == nil {
			b.release(tk, nil)
		}
		return err == nil
	}
	refused := func(retryAfter time.Duration) {
		t.Helper()
		paced()
		tk, ok := take()
		if !ok {
			t.Fatal("no request may go to be refused")
		}
		b.release(tk, &APIError{Status: 429, Code: "APIG.0308", RetryAfter: retryAfter})
	}
	heldFor := func(what string, want time.Duration) {
		t.Helper()
		clock = clock.Add(want - time.Millisecond)
		if mayGo(probe) || mayGo(Background(probe)) {
			t.Errorf("%s: a request went before %s", what, want)
		}
		clock = clock.Add(time.Millisecond)
		paced()
		if !mayGo(probe) {
			t.Fatalf("%s: no request went after %s", what, want)
		}
	}

	baseline, _ := b.acquire(Background(probe)) // a baseline's page
	list, _ := take()                           // the list's
	b.release(baseline, &APIError{Status: 429, Code: "APIG.0308"})
	b.release(list, &APIError{Status: 429, Code: "APIG.0308"}) // sent with it: says nothing new
	if w, throttled := b.Counts(); w != 2 || throttled != 2 {
		t.Errorf("window %d after %d refusals; want 2 after 2", w, throttled)
	}
	heldFor("the baseline's refusal", 250*time.Millisecond)

	// One good answer (above) between refusals: the hold doubles, and
	// again, up to maxHold.
	for _, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, maxHold, maxHold} {
		refused(0)
		heldFor("refused again", want)
	}
	// Many good answers between refusals: it halves.
	for range manyGoods {
		paced()
		mayGo(probe)
	}
	refused(0)
	heldFor("refused after many good answers", maxHold/2)
	// The gateway's Retry-After, when longer, wins, up to maxHold.
	for range manyGoods {
		paced()
		mayGo(probe)
	}
	refused(4 * time.Second) // the hold learnt halves again, to 1.25 s
	heldFor("a Retry-After", 4*time.Second)
	for range manyGoods {
		paced()
		mayGo(probe)
	}
	refused(time.Hour)
	heldFor("a Retry-After of an hour", maxHold)
}

// With the window full, a foreground request in line goes before a
// background one that came first.
func TestBudgetForegroundGoesFirst(t *testing.T) {
	b := newBudget(1, time.Now)
	first, _ := b.acquire(context.Background())
	order := make(chan string, 2)
	inLine := func(n int) {
		for {
			b.g.mu.Lock()
			l := len(b.g.waiting)
			b.g.mu.Unlock()
			if l == n {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	wait := func(ctx context.Context, name string) {
		tk, err := b.acquire(ctx)
		if err != nil {
			order <- err.Error()
			return
		}
		order <- name
		b.release(tk, nil)
	}
	go wait(Background(context.Background()), "background")
	inLine(1)
	go wait(context.Background(), "foreground")
	inLine(2)
	b.release(first, nil)
	if a, z := <-order, <-order; a != "foreground" || z != "background" {
		t.Errorf("went in the order %s, %s", a, z)
	}
}

// Every request a Client sends takes its turn of the client's budget: a
// refusal of one holds the next off, which never reaches the server.
func TestClientRequestsShareOneBudget(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "5")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error_code":"APIG.0308","error_msg":"The request is throttled."}`))
	}))
	defer ts.Close()
	auth, _ := NewTokenAuth("t")
	c, err := New(Config{Endpoint: ts.URL, ProjectID: "p", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTasks(context.Background(), "", 0, 10)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.Throttled() {
		t.Fatalf("first call: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.ListRecords(ctx, "task-1", 0, 10); !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 1 {
		t.Errorf("a second call within the refusal's hold: %v, %d calls reached the server", err, calls.Load())
	}
}

// After a refusal the budget paces the requests at 9/10 of the rate the
// gateway let through since the last one, lets what it refilled during
// the hold go at once, and quickens with each good answer: 9 good
// answers in 1 s then a refusal (Retry-After 1 s) is a pace of one per
// 10/81 s, 7 requests at once after the hold, then one per interval.
func TestBudgetPace(t *testing.T) {
	clock := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	b := newBudget(1, func() time.Time { return clock })
	probe, cancel := context.WithCancel(context.Background())
	cancel()
	mayGo := func() bool {
		tk, err := b.acquire(probe)
		if err == nil {
			b.release(tk, nil)
		}
		return err == nil
	}
	for range 9 {
		if !mayGo() {
			t.Fatal("a request was paced before any refusal")
		}
		clock = clock.Add(100 * time.Millisecond)
	}
	clock = clock.Add(100 * time.Millisecond)
	tk, _ := b.acquire(probe)
	b.release(tk, &APIError{Status: 429, Code: "APIG.0308", RetryAfter: time.Second})
	interval := time.Second * 10 / 81 // 123.45 ms
	b.g.mu.Lock()
	paced, credit := b.g.interval, b.g.credit
	b.g.mu.Unlock()
	if paced != interval || credit != 7 {
		t.Fatalf("paced at one per %s with %d at once after the hold; want %s and 7", paced, credit, interval)
	}
	clock = clock.Add(time.Second)
	for i := range credit {
		if !mayGo() {
			t.Fatalf("request %d of the refill after the hold was paced", i+1)
		}
	}
	pace := func() time.Duration {
		b.g.mu.Lock()
		defer b.g.mu.Unlock()
		return b.g.interval
	}
	// The last of the refill went at the pace then; each good answer
	// since quickens it.
	if pace() >= interval {
		t.Errorf("7 good answers left the pace at %s", pace())
	}
	for i := range 5 {
		want := pace() * 50 / 49 // the pace the request before went at, before its good answer
		if mayGo() {
			t.Fatalf("paced request %d went at once", i+1)
		}
		clock = clock.Add(want - time.Millisecond) // give or take a nanosecond of rounding
		if mayGo() {
			t.Fatalf("paced request %d went %s early", i+1, time.Millisecond)
		}
		clock = clock.Add(2 * time.Millisecond)
		if !mayGo() {
			t.Fatalf("paced request %d did not go after %s", i+1, want)
		}
	}
}
