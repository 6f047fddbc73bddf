package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/triage"
)

// N adds the NOW column: the rows on screen asked for in one request (at
// most 100 desktops), each showing its desktop's status now. /now:shutoff
// then keeps the rows whose desktop is off now, reading every row's state,
// 100 a request; the rows it keeps are exactly those.
func TestNowColumnAndFilter(t *testing.T) {
	client, srv := loopbackClient(t, fake.Options{Seed: 7})
	d := srv.Data()
	task := d.Tasks[0].ID
	run := d.Records[task][0]
	m := []any{start(t, New(Config{Source: client, ProjectID: "p", TaskID: task, RecordID: run.ID, Record: &run, PageSize: 100}), 120, 30)}
	bulk := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/desktops/detail") {
				n++
			}
		}
		return n
	}
	mm := m[0].(Model)
	mm = send(t, mm, press("N"))
	view := ansi.Strip(mm.View())
	if !strings.Contains(view, " NOW ") || bulk() != 1 {
		t.Fatalf("%d bulk requests; the screen:\n%s", bulk(), view)
	}
	if !strings.Contains(view, "ACTIVE") || !(strings.Contains(view, "SHUTOFF") || strings.Contains(view, "HIBERNATED") || strings.Contains(view, "ERROR")) {
		t.Fatalf("no states in the NOW column:\n%s", view)
	}

	mm = send(t, mm, press("/"))
	mm = typeText(t, mm, "now:shutoff")
	mm = send(t, mm, press("enter"))
	l := dl(mm)
	rows := d.Details[run.ID]
	if want := (len(rows) + 99) / 100; bulk() < want || bulk() > want+1 {
		t.Fatalf("%d bulk requests for %d rows", bulk(), len(rows))
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.DesktopID)
	}
	off := map[string]bool{}
	for chunk := range slices.Chunk(ids, api.MaxDesktopIDs) {
		desks, err := client.ListDesktops(context.Background(), chunk)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range desks {
			if k.Status == "SHUTOFF" {
				off[k.ID] = true
			}
		}
	}
	want := 0
	for _, r := range rows {
		if off[r.DesktopID] {
			want++
		}
	}
	if want == 0 || l.Count() != want {
		t.Fatalf("now:shutoff shows %d rows, %d desktops are off", l.Count(), want)
	}
	l.Each(func(pos int, r *triage.Row) {
		if l.DisplayIndex(pos) >= 0 && !off[r.DesktopID()] {
			t.Fatalf("row %s shown, its desktop is not off", r.DesktopID())
		}
	})
}
