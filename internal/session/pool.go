package session

import (
	"fmt"
	"sync"

	"github.com/wksrec/wksrec/internal/config"
)

// Pool is one session for each place and set of credentials, shared by
// everyone who asks for it: --serve-ssh's sessions share their client (and
// so the gateway's rate budget) and the store, instead of each learning
// the rate on its own and all of them together exceeding it. A session
// made is kept until Close: the places are the server's own settings and
// its fleet's members, a handful.
type Pool struct {
	env  Env
	mu   sync.Mutex
	made map[string]*pooled
}

type pooled struct {
	once sync.Once
	sess Session
	err  error
}

// NewPool makes sessions in env.
func NewPool(env Env) *Pool { return &Pool{env: env, made: map[string]*pooled{}} }

// Connect is Connect, once for each place: the same Session for the same
// settings of where and with what it reads. Its Stop does nothing (the
// pool's Close stops it). A failure is not kept: the next asks again.
func (p *Pool) Connect(c config.Config) (Session, error) {
	key := placeKey(c)
	p.mu.Lock()
	e, ok := p.made[key]
	if !ok {
		e = &pooled{}
		p.made[key] = e
	}
	p.mu.Unlock()
	e.once.Do(func() { e.sess, e.err = Connect(c, p.env) })
	if e.err != nil {
		p.mu.Lock()
		if p.made[key] == e {
			delete(p.made, key)
		}
		p.mu.Unlock()
		return Session{}, e.err
	}
	s := e.sess
	s.Stop = func() {}
	return s, nil
}

// Close stops every session made.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for key, e := range p.made {
		if e.err == nil && e.sess.Stop != nil {
			e.sess.Stop()
		}
		delete(p.made, key)
	}
}

// placeKey is what makes one session another: where it reads, with which
// credentials, and (for the demo) which fake.
func placeKey(c config.Config) string {
	return fmt.Sprintf("%q", []any{c.Demo, c.DemoVariant, c.DemoLatency, c.DemoRateLimit, c.DemoDenyActions, c.DemoFaults,
		c.Endpoint, c.Region, c.ProjectID, c.IAMEndpoint, c.Profile, c.TokenFile, c.CredentialsFile, c.CAFile,
		c.Concurrency, c.NoCache, c.CacheMax, c.DebugFile})
}
