package fleet

import (
	"context"
	"errors"
	"testing"

	"github.com/wksrec/wksrec/api"
)

// Worst first: members that failed, then failed runs by failed share,
// then runs going, then the rest, then tasks that never ran.
func TestSortWorstFirst(t *testing.T) {
	rows := []Row{
		{Member: "a", Task: api.Task{TaskName: "ok"}, Run: api.Record{ID: "1", Status: "SUCCESS", SuccessNum: 10}},
		{Member: "a", Task: api.Task{TaskName: "never"}},
		{Member: "b", Task: api.Task{TaskName: "some"}, Run: api.Record{ID: "2", Status: "FAIL", SuccessNum: 9, FailedNum: 1}},
		{Member: "c", Err: errors.New("403")},
		{Member: "b", Task: api.Task{TaskName: "going"}, Run: api.Record{ID: "3", Status: "RUNNING"}},
		{Member: "a", Task: api.Task{TaskName: "most"}, Run: api.Record{ID: "4", Status: "FAIL", SuccessNum: 1, FailedNum: 9}},
	}
	Sort(rows)
	want := []string{"", "most", "some", "going", "ok", "never"}
	for i, r := range rows {
		if r.Task.TaskName != want[i] {
			t.Fatalf("order %d: %q, want %q", i, r.Task.TaskName, want[i])
		}
	}
}

// A member that cannot be opened is one row with its error; the others
// are read all the same.
func TestAMemberThatFailsHoldsUpNoOther(t *testing.T) {
	var got []Row
	members := []Member{
		{Name: "bad", Open: func(context.Context) (Source, error) { return nil, errors.New("no credentials") }},
		{Name: "good", Open: func(context.Context) (Source, error) { return oneTask{}, nil }},
	}
	Read(context.Background(), members, Options{}, func(rs []Row) { got = append(got, rs...) })
	Sort(got)
	if len(got) != 2 || got[0].Member != "bad" || got[0].Err == nil || got[1].Run.ID != "new" || got[1].Previous.ID != "old" {
		t.Fatalf("rows %+v", got)
	}
	if d, ok := got[1].Change(); !ok || d != 2 {
		t.Fatalf("change %d %v", d, ok)
	}
}

type oneTask struct{}

func (oneTask) ListTasks(_ context.Context, kind string, _, _ int) (api.Page[api.Task], error) {
	if kind != "" {
		return api.Page[api.Task]{}, nil
	}
	return api.Page[api.Task]{Items: []api.Task{{ID: "t", TaskName: "T"}}, Total: 1}, nil
}

func (oneTask) ListRecords(context.Context, string, int, int) (api.Page[api.Record], error) {
	return api.Page[api.Record]{Items: []api.Record{
		{ID: "old", StartTime: "2026-11-27 02:00:00", FailedNum: 1},
		{ID: "new", StartTime: "2026-11-28 02:00:00", FailedNum: 3},
	}, Total: 2}, nil
}
