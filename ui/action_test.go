package ui

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/fake"
)

// loopbackClient is a real client of the fake API on loopback.
func loopbackClient(t *testing.T, opts fake.Options) (*api.Client, *fake.Server) {
	t.Helper()
	srv := fake.New(opts)
	url, stop, err := fake.Start(srv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	auth, err := api.NewTokenAuth("token")
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.New(api.Config{Endpoint: url, ProjectID: "p", Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func posts(srv *fake.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/desktops/action") {
			n++
		}
	}
	return n
}

func actionModel(t *testing.T, readOnly bool, deny ...bool) (Model, *fake.Server, string, int) {
	t.Helper()
	c, srv := loopbackClient(t, fake.Options{Seed: 4, JobDuration: time.Nanosecond, DenyActions: len(deny) > 0 && deny[0]})
	d := srv.Data()
	task := d.Tasks[0].ID
	run := d.Records[task][0].ID
	failed := map[string]bool{}
	for _, x := range d.Details[run] {
		if x.ExecStatus == "FAIL" {
			failed[x.DesktopID] = true
		}
	}
	log := filepath.Join(t.TempDir(), "state", "actions.log")
	m := start(t, New(Config{Source: c, ProjectID: "p", TaskID: task, RecordID: run, PageSize: 100, ReadOnly: readOnly,
		AuditPath: log, JobPoll: time.Nanosecond, DesktopRest: time.Nanosecond, Clipboard: io.Discard}), 120, 40)
	m = send(t, m, press("f"))
	return m, srv, log, len(failed)
}

// a acts on the desktops shown, only once their number is typed out: the
// requests go in chunks of 100, the refusals are listed, the jobs are
// followed to their end, and each request is in the audit log.
func TestActionOnTheDesktopsShown(t *testing.T) {
	t.Parallel() // a model and sources of its own
	m, srv, log, n := actionModel(t, false)
	m = send(t, m, press("a"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "Act on the "+commas(n)+" desktops shown (failed only)") {
		t.Fatalf("no menu:\n%s", view)
	}
	m = send(t, m, press("r"))
	m = typeText(t, m, strconv.Itoa(n-1))
	m = send(t, m, press("enter"))
	if posts(srv) != 0 || !strings.Contains(ansi.Strip(m.View()), "not confirmed: nothing was sent") {
		t.Fatalf("a wrong number sent %d requests:\n%s", posts(srv), ansi.Strip(m.View()))
	}
	if _, ok := m.top().(*detailsView); !ok {
		t.Fatal("not back at the details")
	}
	m = send(t, m, press("a"))
	m = send(t, m, press("r"))
	m = typeText(t, m, strconv.Itoa(n))
	m = send(t, m, press("enter"))
	a, ok := m.top().(*actionView)
	if !ok || a.stage != stageDone {
		t.Fatalf("after confirming: %T", m.top())
	}
	if want := (n + 99) / 100; posts(srv) != want {
		t.Errorf("%d requests for %d desktops, want %d", posts(srv), n, want)
	}
	refused, jobs, done := 0, 0, 0
	a.list.Each(func(_ int, r *actionRow) {
		switch {
		case r.refused != nil:
			refused++
		default:
			jobs++
			if r.job != nil && r.job.Status == "SUCCESS" {
				done++
			}
		}
	})
	if accepted := actions.Count(a.batch.Chunks()).Accepted; jobs != posts(srv) || done != jobs || refused == 0 || accepted != n-refused {
		t.Errorf("%d jobs (%d done), %d refused, %d accepted of %d", jobs, done, refused, accepted, n)
	}
	if line, _ := a.statusLine(200); !strings.Contains(line, "reboot: "+commas(n-refused)+" of "+commas(n)+" desktops accepted") {
		t.Errorf("status line %q", line)
	}
	// The results are no dead end: Y copies the ids not acted on, the
	// refused ones among them, to act on them again.
	m = send(t, m, press("Y"))
	if want := commas(refused) + " desktop ids not acted on"; !strings.Contains(m.note, want) {
		t.Errorf("Y on the results: %q, want %q", m.note, want)
	}
	// / keeps the refusals, y then copies one's id.
	m = send(t, m, press("/"))
	m = typeText(t, m, "status:refused")
	m = send(t, m, press("enter"))
	if got := a.list.Count(); got != refused {
		t.Errorf("/status:refused on the results: %d rows, want %d", got, refused)
	}
	m = send(t, m, press("y"))
	if !strings.Contains(m.note, "desktop id") {
		t.Errorf("y on a refusal: %q", m.note)
	}
	m = send(t, m, press("e")) // the refusals shown, a line each
	files, _ := filepath.Glob(filepath.Join(m.cfg.ExportDir, "wksrec-reboot-results*.csv"))
	if len(files) != 1 {
		t.Fatalf("e on the results wrote %v (%q)", files, m.note)
	}
	if b, _ := os.ReadFile(files[0]); strings.Count(string(b), "REFUSED") != refused {
		t.Errorf("the results' export has %d refusals of %d", strings.Count(string(b), "REFUSED"), refused)
	}
	b, err := os.ReadFile(log)
	if err != nil || strings.Count(string(b), "\n") != 2*posts(srv) {
		t.Errorf("audit log: %v, %d lines", err, strings.Count(string(b), "\n"))
	}
}

// A read-only session offers no action and sends nothing.
func TestReadOnlyHasNoActions(t *testing.T) {
	t.Parallel() // a model and sources of its own
	m, srv, _, _ := actionModel(t, true)
	m = send(t, m, press("a"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "a read-only session (--read-only): no actions on desktops") {
		t.Errorf("read-only, a says:\n%s", view)
	}
	m = send(t, m, press("r"))
	if _, ok := m.top().(*actionView); ok || posts(srv) != 0 {
		t.Errorf("read-only: %T on top, %d requests", m.top(), posts(srv))
	}
}

// Without the permission, the first request's 403 says what is missing,
// and the requests after it are not sent.
func TestActionDenied(t *testing.T) {
	t.Parallel() // a model and sources of its own
	m, srv, _, n := actionModel(t, false, true)
	m = send(t, m, press("a"))
	m = send(t, m, press("s"))
	m = typeText(t, m, strconv.Itoa(n))
	m = send(t, m, press("enter"))
	line, isErr := m.top().(*actionView).statusLine(200)
	if posts(srv) != 1 || !isErr || !strings.Contains(line, "HTTP 403 WKS.00000403") || !strings.Contains(line, "needs an IAM permission to operate Workspace desktops") ||
		!strings.Contains(line, "the requests after it were not sent") {
		t.Errorf("%d requests; status line %q", posts(srv), line)
	}
}

// After acting, back on the run, the state of the desktop under the
// cursor (acted on, so forgotten) is asked for again (once the action's
// job is over, with the others acted on), not only once the cursor moves
// away and back.
func TestStateAskedAgainAfterActing(t *testing.T) {
	t.Parallel() // a model and sources of its own
	m, srv, _, n := actionModel(t, false)
	r, _ := dl(m).Selected()
	asked := func() int {
		k := 0
		for _, req := range srv.Requests() {
			// Alone, or in bulk once the action's job is over.
			if strings.HasSuffix(req.Path, "/desktops/"+r.DesktopID()) || strings.HasSuffix(req.Path, "/desktops/detail") {
				k++
			}
		}
		return k
	}
	before := asked()
	if before == 0 {
		t.Fatal("the desktop's state was never asked for")
	}
	m = send(t, m, press("a"))
	m = send(t, m, press("r"))
	m = typeText(t, m, strconv.Itoa(n))
	m = send(t, m, press("enter"))
	m = send(t, m, press("esc"))
	if _, ok := m.top().(*detailsView); !ok {
		t.Fatalf("esc went to %T", m.top())
	}
	if asked() <= before {
		t.Errorf("the state of the desktop acted on was not asked for again (%d asks)", asked())
	}
}
