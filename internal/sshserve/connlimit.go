package sshserve

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// connLimit is the rate of new connections from one address, decided
// before the SSH handshake (which costs the server a key exchange).
// wish's ratelimiter middleware limits sessions, after authentication;
// this is the connection itself, so it is a listener's concern.
type connLimit struct {
	mu    sync.Mutex
	every time.Duration
	burst int
	by    map[string]*rate.Limiter
}

// maxTracked bounds the addresses remembered: past it the memory starts
// over (a scan from many addresses costs a burst each, never memory).
const maxTracked = 4096

func newConnLimit(every time.Duration, burst int) *connLimit {
	return &connLimit{every: every, burst: burst, by: map[string]*rate.Limiter{}}
}

// allow reports whether a connection from addr may go on.
func (c *connLimit) allow(addr net.Addr) bool {
	host := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok {
		host = tcp.IP.String()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.by[host]
	if !ok {
		if len(c.by) >= maxTracked {
			clear(c.by)
		}
		l = rate.NewLimiter(rate.Every(c.every), c.burst)
		c.by[host] = l
	}
	return l.Allow()
}
