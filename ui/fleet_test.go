package ui

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/fake"
)

// The fleet screen reads every member at once, the worst first, a member
// that fails a row with its error; Enter opens a run in its member's
// session (the header says the member and its project; the action menu
// names member, region and project); Esc comes back to the fleet.
func TestFleetScreen(t *testing.T) {
	members := []FleetMember{{Name: "lab", Region: "cn-south-1", ProjectID: "p-lab",
		Open: func(context.Context) (Session, error) { return Session{}, errors.New("no credentials for lab") }}}
	for _, m := range []struct {
		name string
		seed uint64
	}{{"rd", 3}, {"finance", 7}} {
		c, _ := loopbackClient(t, fake.Options{Seed: m.seed})
		members = append(members, FleetMember{Name: m.name, Region: "cn-north-4", ProjectID: "p-" + m.name,
			Open: func(context.Context) (Session, error) { return Session{Source: c, ProjectID: "p-" + m.name}, nil }})
	}
	m := start(t, New(Config{Source: &stubSource{}, Fleet: members, StartFleet: true, PageSize: 100,
		AuditPath: filepath.Join(t.TempDir(), "actions.log"), DesktopRest: time.Nanosecond, Clipboard: io.Discard}), 120, 40)
	view := ansi.Strip(m.View())
	fv, ok := m.top().(*fleetView)
	if !ok || fv.list.Count() != 23 || !strings.Contains(view, "✗ no credential") || !strings.Contains(view, "Error        no credentials for lab") {
		t.Fatalf("the fleet:\n%s", view)
	}
	first, _ := fv.list.Row(fv.list.PosOf(0))
	if first.Member != "lab" || first.Err == nil {
		t.Fatalf("the first row %+v: the member that failed comes first", first)
	}
	m = send(t, m, press("j"))
	row, _ := fv.list.Selected()
	if row.Run.Status != "FAIL" {
		t.Fatalf("the second row is %s %s, want the worst failed run", row.Member, row.Run.Status)
	}
	m = send(t, m, press("enter"))
	d, ok := m.top().(*detailsView)
	if !ok || d.recordID != row.Run.ID || d.views.member != row.Member {
		t.Fatalf("enter opened %T", m.top())
	}
	view = ansi.Strip(m.View())
	if !strings.HasPrefix(view, "wksrec · "+row.Member+" · project p-"+row.Member) {
		t.Fatalf("the header:\n%s", view)
	}
	m = send(t, m, press("f"))
	m = send(t, m, press("a"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "In fleet member "+row.Member+" (region cn-north-4, project p-"+row.Member+")") {
		t.Fatalf("the action menu:\n%s", view)
	}
	m = send(t, m, press("esc"))
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*fleetView); !ok {
		t.Fatalf("esc went to %T", m.top())
	}
}
