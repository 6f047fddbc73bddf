// Package testclock is a clock that tests move: the fake API's and the
// program's one clock, so that a run in progress fills in, a wait ends or
// a one-off task comes due without the test waiting in real time.
package testclock

import (
	"context"
	"sync"
	"time"
)

// Clock is safe for concurrent use.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	tick  time.Duration
	slept []time.Duration
}

// New is a clock at t that moves only when told.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Ticking is a clock at t that moves tick each time it is read: time
// passes as the program works.
func Ticking(t time.Time, tick time.Duration) *Clock { return &Clock{now: t, tick: tick} }

// Now is the clock's time (moved by its tick, for a ticking clock).
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.tick)
	return c.now
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep is a sleep that moves the clock instead of waiting, and is
// recorded.
func (c *Clock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

// Slept are the sleeps so far; ResetSlept forgets them.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

func (c *Clock) ResetSlept() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = nil
}
