package api

import (
	"context"
	"testing"
	"time"
)

// Stream's gate lets a try go when the window has room, no hold-off is on
// and no lower page waits; a throttled try halves the window and holds
// every page off for its wait. Probed with a cancelled context, so that a
// try that may not go returns at once instead of waiting.
func TestGate(t *testing.T) {
	clock := time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)
	g := newGate(4, func() time.Time { return clock })
	probe, cancel := context.WithCancel(context.Background())
	cancel()
	mayGo := func(p int) (Ticket, bool) {
		tk, err := g.acquire(probe, p)
		return tk, err == nil
	}
	var out []Ticket
	for p := range 4 {
		tk, ok := mayGo(p)
		if !ok {
			t.Fatalf("page %d may not go with %d of 4 out", p, p)
		}
		out = append(out, tk)
	}
	if _, ok := mayGo(4); ok {
		t.Fatal("a fifth request went with a window of 4")
	}

	g.release(out[0], nil, 0)
	g.mu.Lock()
	g.waiting = append(g.waiting, 4) // page 4's goroutine waits for room
	g.mu.Unlock()
	if _, ok := mayGo(5); ok {
		t.Error("page 5 went before page 4, which waits")
	}
	g.mu.Lock()
	g.waiting = nil
	g.mu.Unlock()

	g.release(out[1], &APIError{Status: 429, Code: "APIG.0308"}, time.Second) // 4 -> 2, held off for 1 s
	g.release(out[2], &APIError{Status: 429, Code: "APIG.0308"}, time.Second) // sent at 4: no second halving
	g.release(out[3], nil, 0)
	if window, throttled := g.counts(); window != 2 || throttled != 2 {
		t.Errorf("window %d after %d refusals; want 2 after 2", window, throttled)
	}
	clock = clock.Add(999 * time.Millisecond)
	if _, ok := mayGo(4); ok {
		t.Error("a request went before the Retry-After was over")
	}
	clock = clock.Add(time.Millisecond)
	for p := 4; p < 6; p++ {
		if _, ok := mayGo(p); !ok {
			t.Errorf("page %d may not go after the hold-off", p)
		}
	}
	if _, ok := mayGo(6); ok {
		t.Error("a third request went with a window of 2")
	}
}
