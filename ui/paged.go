package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/paging"
)

// FetchFunc loads one page of a listing.
type FetchFunc[T any] func(ctx context.Context, offset, limit int) (api.Page[T], error)

// pageMsg carries one page (or its error) back to the list that asked for it.
// list lets the list drop answers meant for another list; the engine drops
// those of a generation before the latest refresh.
type pageMsg[T any] struct {
	list, gen, page int
	result          api.Page[T]
	err             error
}

// retryPageMsg says a failed page's retry delay has passed.
type retryPageMsg struct{ list, gen, page int }

var listIDs atomic.Int64

// pagedList is a paging engine wired to Bubble Tea: the one place where
// the engine's requests become commands, and their answers messages. It
// holds the context of the current generation, cancelled on refresh and
// close so stale requests stop.
type pagedList[T any] struct {
	*paging.List[T]
	id     int
	fetch  FetchFunc[T]
	ctx    context.Context
	cancel context.CancelFunc
	ctxGen int
	budget requestBudget // shared by every list and loader; nil: none
}

func newPagedList[T any](fetch FetchFunc[T], idOf func(T) string, opts paging.Options) *pagedList[T] {
	id := int(listIDs.Add(1))
	if opts.Name == "" {
		opts.Name = strconv.Itoa(id)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &pagedList[T]{List: paging.New(idOf, opts), id: id, fetch: fetch, ctx: ctx, cancel: cancel}
}

// cmds turns the engine's requests into commands.
func (l *pagedList[T]) cmds(reqs []paging.Request) tea.Cmd {
	if l.ctxGen != l.Gen() {
		// A new generation: what the old one has out is of no use.
		l.cancel()
		l.ctx, l.cancel = context.WithCancel(context.Background())
		l.ctxGen = l.Gen()
	}
	if len(reqs) == 0 || l.fetch == nil {
		return nil
	}
	cmds := make([]tea.Cmd, 0, len(reqs))
	for _, r := range reqs {
		if r.Delay > 0 {
			list, gen, p := l.id, r.Gen, r.Page
			cmds = append(cmds, tea.Tick(r.Delay, func(time.Time) tea.Msg { return retryPageMsg{list: list, gen: gen, page: p} }))
			continue
		}
		cmds = append(cmds, l.send(r))
	}
	return tea.Batch(cmds...)
}

// send fetches the page of r within its time.
func (l *pagedList[T]) send(r paging.Request) tea.Cmd {
	ctx, fetch, list, budget := l.ctx, l.fetch, l.id, l.budget
	return func() tea.Msg {
		// The request's time starts once it has its slot: waiting for
		// one is not the network being slow.
		release, err := budget.acquire(ctx)
		if err != nil {
			return pageMsg[T]{list: list, gen: r.Gen, page: r.Page, err: err}
		}
		defer release()
		reqCtx, cancel := context.WithTimeout(ctx, r.Timeout)
		defer cancel()
		res, err := fetch(reqCtx, r.Offset, r.Limit)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			// This request's own time ran out, not the list's: the network
			// was slow, which a retry within the budget may get past.
			err = &api.TransportError{Host: "the API", Err: fmt.Errorf("no answer within %s: %w", r.Timeout.Round(time.Millisecond), err)}
		}
		return pageMsg[T]{list: list, gen: r.Gen, page: r.Page, result: res, err: err}
	}
}

func (l *pagedList[T]) start() tea.Cmd               { return l.cmds(l.Start()) }
func (l *pagedList[T]) ensure() tea.Cmd              { return l.cmds(l.Ensure()) }
func (l *pagedList[T]) refresh() tea.Cmd             { return l.cmds(l.Refresh()) }
func (l *pagedList[T]) moveBy(delta int) tea.Cmd     { return l.cmds(l.MoveBy(delta)) }
func (l *pagedList[T]) moveTo(i int) tea.Cmd         { return l.cmds(l.MoveTo(i)) }
func (l *pagedList[T]) setHeight(h int) tea.Cmd      { return l.cmds(l.SetHeight(h)) }
func (l *pagedList[T]) retry(m retryPageMsg) tea.Cmd { return l.cmds(l.Due(m.gen, m.page)) }

// handle stores a page addressed to this list.
func (l *pagedList[T]) handle(m pageMsg[T]) tea.Cmd {
	return l.cmds(l.Handle(paging.Answer[T]{Gen: m.gen, Page: m.page, Result: m.result, Err: m.err}))
}

// requestBudget bounds the requests the browser has in flight, whichever
// list or loader sends them: a load-all, a baseline and a history read
// together stay within --concurrency. nil is no bound. The pace they go
// at, learnt from the gateway, is the api.Client's (api.Budget), which
// every request of the session shares, whoever sends it.
type requestBudget chan struct{}

func newRequestBudget(n int) requestBudget { return make(requestBudget, max(n, 1)) }

// acquire waits for a free slot (or ctx); release gives it back.
func (b requestBudget) acquire(ctx context.Context) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	select {
	case b <- struct{}{}:
		return func() { <-b }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// acquireBackground is acquire for a loader off screen: a slot of the
// background share first, then of the budget.
func acquireBackground(ctx context.Context, background, budget requestBudget) (release func(), err error) {
	bg, err := background.acquire(ctx)
	if err != nil {
		return nil, err
	}
	fg, err := budget.acquire(ctx)
	if err != nil {
		bg()
		return nil, err
	}
	return func() { fg(); bg() }, nil
}

// close cancels whatever is in flight.
func (l *pagedList[T]) close() { l.cancel() }

// reopen gives a closed list a new context, to be shown again.
func (l *pagedList[T]) reopen() {
	l.cancel()
	l.ctx, l.cancel = context.WithCancel(context.Background())
}
