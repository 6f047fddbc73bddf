package ui

import (
	"context"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/paging"
)

// Every list's requests go through the shared budget: with its one slot
// taken (a baseline being read, say), a page is not sent but waits, and a
// page whose list is left stops waiting; once the slot is free it goes.
// The request's own time starts only then.
func TestListsShareTheRequestBudget(t *testing.T) {
	b := views{budget: newRequestBudget(1)}
	calls := 0
	l := list(b, func(ctx context.Context, _, _ int) (api.Page[api.Task], error) {
		calls++
		if _, ok := ctx.Deadline(); !ok {
			t.Error("a request without its time")
		}
		return api.Page[api.Task]{}, nil
	}, taskID, 50)
	release, err := b.budget.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	req := paging.Request{Page: 0, Limit: 50, Timeout: paging.DefaultTimeout}
	l.cancel() // the list is left while its page waits
	if msg := l.send(req)().(pageMsg[api.Task]); msg.err == nil || calls != 0 {
		t.Fatalf("with the budget spent: %v, %d calls; want the wait given up and nothing sent", msg.err, calls)
	}
	release()
	l.reopen()
	if msg := l.send(req)().(pageMsg[api.Task]); msg.err != nil || calls != 1 {
		t.Fatalf("with the slot free: %v, %d calls", msg.err, calls)
	}
	if len(b.budget) != 0 {
		t.Errorf("%d slots still taken after the request", len(b.budget))
	}
}

// The loaders off screen take at most their share: with it spent, a
// loader waits while a list on screen still gets a slot.
func TestBackgroundShare(t *testing.T) {
	budget, background := newRequestBudget(2), newRequestBudget(1)
	hold, err := acquireBackground(context.Background(), background, budget)
	if err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := acquireBackground(done, background, budget); err == nil {
		t.Error("a second loader got past a spent share")
	}
	fg, err := budget.acquire(context.Background())
	if err != nil || len(budget) != 2 {
		t.Fatalf("the list on screen waited: %v", err)
	}
	fg()
	hold()
	if len(budget) != 0 || len(background) != 0 {
		t.Errorf("slots left taken: %d, %d", len(budget), len(background))
	}
}
