package session

import (
	"context"
	"testing"

	"github.com/wksrec/wksrec/internal/config"
)

// The pool makes one session a place: the same settings get the same
// client (so one rate budget) however often they ask, another place its
// own; its sessions' Stop leaves them for the others, and Close stops all.
func TestPoolSharesASessionAPlace(t *testing.T) {
	home := t.TempDir()
	env := Env{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }}
	pool := NewPool(env)
	demo := config.Config{Demo: true, NoCache: true}
	a, err := pool.Connect(demo)
	if err != nil {
		t.Fatal(err)
	}
	a.Stop() // a session's own Stop: the next one still reads through it
	b, err := pool.Connect(demo)
	if err != nil {
		t.Fatal(err)
	}
	if a.Client != b.Client {
		t.Fatal("the same place got two clients (two rate budgets)")
	}
	if _, err := b.Client.ListTasks(context.Background(), "", 0, 1); err != nil {
		t.Fatalf("after a session's Stop: %v", err)
	}
	other := demo
	other.DemoVariant = 1
	c, err := pool.Connect(other)
	if err != nil {
		t.Fatal(err)
	}
	if c.Client == a.Client {
		t.Fatal("another place got the same client")
	}
	pool.Close()
	if _, err := b.Client.ListTasks(context.Background(), "", 0, 1); err == nil {
		t.Fatal("Close left the demo API serving")
	}
}
