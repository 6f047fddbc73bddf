package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/internal/trend"
)

// A finished run loaded whole from the API is stored; opened again (a new
// session), it comes from the store with no detail request, every row at
// once, the triage keys working on it; r asks the API again. A run in
// progress is never stored.
func TestAFinishedRunOpensFromTheStore(t *testing.T) {
	t.Parallel() // a fake of its own
	c, srv := loopbackClient(t, fake.Options{Seed: 3})
	d := srv.Data()
	task := d.Tasks[0].ID
	running, finished := d.Records[task][0], d.Records[task][1]
	st, err := store.Open(filepath.Join(t.TempDir(), "wksrec"), 0)
	if err != nil {
		t.Fatal(err)
	}
	sc := st.For("https://loopback", "p")
	asked := func(run string) int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/records/"+run) {
				n++
			}
		}
		return n
	}
	open := func(run string) Model {
		return start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: run, PageSize: 100, Store: sc}), 120, 30)
	}

	m := send(t, open(finished.ID), press("f")) // every row is needed: loaded whole, then stored
	if _, ok := sc.Load(task, finished.ID); !ok {
		t.Fatal("a finished run loaded whole was not stored")
	}
	if dv(m).stored {
		t.Error("the first opening says it came from the store")
	}
	before := asked(finished.ID)
	m = open(finished.ID)
	l, n := dl(m), len(d.Details[finished.ID])
	if asked(finished.ID) != before || !dv(m).stored || !l.AllLoaded() || l.LoadedRows() != n {
		t.Fatalf("reopened: %d detail requests, from the store %v, all loaded %v, %d of %d rows",
			asked(finished.ID)-before, dv(m).stored, l.AllLoaded(), l.LoadedRows(), n)
	}
	failed := 0
	for _, x := range d.Details[finished.ID] {
		if x.ExecStatus == "FAIL" {
			failed++
		}
	}
	m = send(t, m, press("f"))
	if dl(m).Count() != failed || asked(finished.ID) != before {
		t.Errorf("f on the stored run: %d rows shown of %d failed, %d detail requests", dl(m).Count(), failed, asked(finished.ID)-before)
	}
	if !strings.Contains(m.View(), "loaded from the store") {
		t.Error("the header does not say the rows came from the store")
	}
	m = send(t, m, press("r"))
	if asked(finished.ID) == before || strings.Contains(m.View(), "from the store") {
		t.Error("r did not ask the API again, or still says the rows are from the store")
	}

	send(t, open(running.ID), press("f"))
	if _, ok := sc.Load(task, running.ID); ok {
		t.Error("a run in progress was stored")
	}
}

// R opens the task's trend: every run's failed share and the desktops
// that failed most often across the runs stored, most failed first, with
// no detail request; Esc goes back.
func TestTrendScreen(t *testing.T) {
	t.Parallel() // a fake of its own
	c, srv := loopbackClient(t, fake.Options{Seed: 3})
	d := srv.Data()
	task := d.Tasks[0].ID
	recs := d.Records[task]
	st, err := store.Open(filepath.Join(t.TempDir(), "wksrec"), 0)
	if err != nil {
		t.Fatal(err)
	}
	sc := st.For("https://loopback", "p")
	for _, r := range recs[1:3] { // two finished runs stored
		if err := sc.Save(task, store.Run{Record: r, Details: d.Details[r.ID]}); err != nil {
			t.Fatal(err)
		}
	}
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: recs[1].ID, PageSize: 100, Store: sc}), 120, 30)
	before := len(srv.Requests())
	m = send(t, m, press("R"))
	v, ok := m.top().(*trendView)
	if !ok {
		t.Fatalf("R opened %T", m.top())
	}
	for _, r := range srv.Requests()[before:] {
		if strings.Contains(r.Path, "/records/") {
			t.Fatalf("the trend asked for details: %s", r.Path)
		}
	}
	want := trend.Build(recs, func(r api.Record) ([]api.Detail, bool) {
		if r.ID == recs[1].ID || r.ID == recs[2].ID {
			return d.Details[r.ID], true
		}
		return nil, false
	})
	if v.list.Total() != len(want.Desktops) || len(want.Desktops) == 0 {
		t.Fatalf("%d desktops shown, want %d", v.list.Total(), len(want.Desktops))
	}
	if first, _ := v.list.Row(0); first != want.Desktops[0] {
		t.Errorf("first %+v, want %+v", first, want.Desktops[0])
	}
	view := m.View()
	if !strings.Contains(view, fmt.Sprintf("%d runs: failed share", len(recs))) || !strings.Contains(view, "desktops from the 2 stored") {
		t.Errorf("the summary:\n%s", view)
	}
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*detailsView); !ok {
		t.Errorf("esc went to %T", m.top())
	}
}

// The runs list's sparkline goes on past what the API lists with the runs
// the store still holds, marked so.
func TestRunsSparklineReachesPastTheAPI(t *testing.T) {
	t.Parallel() // a fake of its own
	c, srv := loopbackClient(t, fake.Options{Seed: 3})
	d := srv.Data()
	task := d.Tasks[0].ID
	recs := d.Records[task]
	st, err := store.Open(filepath.Join(t.TempDir(), "wksrec"), 0)
	if err != nil {
		t.Fatal(err)
	}
	sc := st.For("https://loopback", "p")
	oldest := recs[len(recs)-1]
	if err := sc.Save(task, store.Run{Record: oldest, Details: d.Details[oldest.ID]}); err != nil {
		t.Fatal(err)
	}
	d.Records[task] = recs[:len(recs)-1] // the API forgets it
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, PageSize: 100, Store: sc}), 160, 30)
	want := fmt.Sprintf("failed share, last %d runs (the oldest 1 from the store)", len(recs))
	if !strings.Contains(m.View(), want) {
		t.Errorf("want %q in\n%s", want, m.View())
	}
}
