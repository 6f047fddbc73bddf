package ui

import (
	"context"
	"testing"

	"github.com/wksrec/wksrec/api"
)

// Every list's requests go through the shared budget: with its one slot
// taken (a baseline being read, say), a page is not sent but waits, and a
// page whose list is left stops waiting; once the slot is free it goes.
func TestListsShareTheRequestBudget(t *testing.T) {
	b := views{budget: newRequestBudget(1)}
	calls := 0
	l := list(b, func(context.Context, int, int) (api.Page[api.Task], error) {
		calls++
		return api.Page[api.Task]{}, nil
	}, taskID, 50)
	release, err := b.budget.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	left, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.fetch(left, 0, 50); err == nil || calls != 0 {
		t.Fatalf("with the budget spent: %v, %d calls; want the wait given up and nothing sent", err, calls)
	}
	release()
	if _, err := l.fetch(context.Background(), 0, 50); err != nil || calls != 1 {
		t.Fatalf("with the slot free: %v, %d calls", err, calls)
	}
	if len(b.budget) != 0 {
		t.Errorf("%d slots still taken after the request", len(b.budget))
	}
}
