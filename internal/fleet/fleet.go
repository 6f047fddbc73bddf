// Package fleet reads every project an operator looks after at once: for
// each member of the config file's [[fleet]], each task's newest run and
// the run before it. Members are read concurrently, each through its own
// session (its own client and rate budget: a gateway limits per user and
// region), and a member that fails (credentials, network, 403) is a row
// with its error that holds up no other. The browser's fleet screen and
// --fleet -o are both thin clients of it.
package fleet

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/filter"
)

// Source is what a member is read from; *api.Client is one.
type Source interface {
	ListTasks(ctx context.Context, scheduledType string, offset, limit int) (api.Page[api.Task], error)
	ListRecords(ctx context.Context, taskID string, offset, limit int) (api.Page[api.Record], error)
}

// Member is one project of the fleet, as read: its name, where it is, and
// how to open its session (Open may fail: no credentials, a bad profile).
type Member struct {
	Name, Region, ProjectID string
	Open                    func(ctx context.Context) (Source, error)
}

// Row is one task's newest run in one member, or the member's error (Task
// and Run empty).
type Row struct {
	Member, Region, ProjectID string
	Task                      api.Task
	Run                       api.Record // the newest by start; zero when the task has not run
	Previous                  *api.Record
	Err                       error
}

// FailedShare is the run's failed desktops over its desktops (0 for a run
// without counts).
func (r Row) FailedShare() float64 {
	total := r.Run.SuccessNum + r.Run.FailedNum + r.Run.SkipNum
	if total == 0 {
		return 0
	}
	return float64(r.Run.FailedNum) / float64(total)
}

// Change is how many more desktops failed than in the run before; false
// when there is none, or the run is still going (its count is not final).
func (r Row) Change() (int, bool) {
	if r.Previous == nil || r.Run.ID == "" || filter.InProgress(r.Run.Status) {
		return 0, false
	}
	return r.Run.FailedNum - r.Previous.FailedNum, true
}

// Options bound the reading.
type Options struct {
	// Concurrency is how many tasks of one member are read at once (its
	// own budget; members are all read at once).
	Concurrency int
	// Timeout bounds one member (default a minute).
	Timeout time.Duration
	// Retry is the listing's retry rule (Retry if zero): shorter than a
	// browse's, so a member that cannot be reached says so in seconds.
	Retry api.RetryPolicy
}

// Retry is a member's listing's rule: two retries within 15 s.
var Retry = api.RetryPolicy{Base: time.Second, ThrottleBase: 250 * time.Millisecond, MaxRetries: 2, Budget: 15 * time.Second}

// Read reads every member at once and hands each row to emit as soon as
// its member is read (emit is called from one goroutine at a time); it
// returns when all are read.
func Read(ctx context.Context, members []Member, o Options, emit func([]Row)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, m := range members {
		wg.Go(func() {
			rows := ReadMember(ctx, m, o)
			mu.Lock()
			defer mu.Unlock()
			emit(rows)
		})
	}
	wg.Wait()
}

// ReadMember reads one member: its tasks and each one's newest two runs,
// or one row with its error. The browser reads each member in a command
// of its own with it.
func ReadMember(ctx context.Context, m Member, o Options) []Row {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(o.Timeout, time.Minute))
	defer cancel()
	row := Row{Member: m.Name, Region: m.Region, ProjectID: m.ProjectID}
	fail := func(err error) []Row { row.Err = err; return []Row{row} }
	src, err := m.Open(ctx)
	if err != nil {
		return fail(err)
	}
	var tasks []api.Task
	for _, kind := range []string{"", api.ScheduledTypeLifeCycle} {
		some, err := api.FetchAll(ctx, func(ctx context.Context, offset, limit int) (api.Page[api.Task], error) {
			return src.ListTasks(ctx, kind, offset, limit)
		}, func(t api.Task) string { return t.ID }, api.FetchAllOptions{Limit: api.MaxTaskLimit, Concurrency: 1, Retry: cmp.Or(o.Retry, Retry)})
		if err != nil {
			return fail(err)
		}
		tasks = append(tasks, some...)
	}
	rows := make([]Row, len(tasks))
	slots := make(chan struct{}, max(o.Concurrency, 1))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			r := row
			r.Task = t
			// The newest two runs: the listing is newest first, but its
			// order is not trusted (compare's rule sorts by start).
			p, err := src.ListRecords(ctx, t.ID, 0, 10)
			if err != nil {
				r.Err = err
			} else if sorted := compare.NewestFirst(p.Items); len(sorted) > 0 {
				r.Run = sorted[0]
				if len(sorted) > 1 {
					prev := sorted[1]
					r.Previous = &prev
				}
			}
			rows[i] = r
		})
	}
	wg.Wait()
	return rows
}

// Sort orders rows worst first: members that failed, then runs that
// failed by their failed share, then runs going, then the rest; ties by
// member and task name.
func Sort(rows []Row) {
	rank := func(r Row) int {
		switch {
		case r.Err != nil:
			return 0
		case filter.IsFailed(r.Run.Status) || r.Run.FailedNum > 0:
			return 1
		case filter.InProgress(r.Run.Status):
			return 2
		case r.Run.ID == "":
			return 4
		}
		return 3
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.FailedShare(), a.FailedShare()),
			cmp.Compare(a.Member, b.Member), cmp.Compare(a.Task.TaskName, b.Task.TaskName))
	})
}
