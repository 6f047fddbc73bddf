package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// brokenPipe fails every write, as stdout does once its reader is gone.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

type acceptAll struct{ calls int }

func (a *acceptAll) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	a.calls++
	return api.ActionResult{JobID: "j"}, nil
}

// When the report cannot be written (the reader of stdout is gone), the
// batch stops before its next request, and the rest is logged as not sent.
func TestActionStopsWhenNobodyHearsOfIt(t *testing.T) {
	reboot, _ := api.PowerActionNamed("reboot")
	var targets []actions.Target
	for i := range 250 {
		targets = append(targets, actions.Target{ID: fmt.Sprintf("d%03d", i), Status: "FAIL"})
	}
	path := filepath.Join(t.TempDir(), "wksrec", "actions.log")
	log, err := actions.OpenAuditLog(path, "p", time.Now, env())
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	s := &acceptAll{}
	var stderr bytes.Buffer
	err = sendPlan(context.Background(), s, actions.NewPlan(reboot, targets), log, nil, brokenPipe{}, &stderr)
	if s.calls != 1 || err == nil || !strings.Contains(err.Error(), "150 not sent") {
		t.Errorf("%d requests sent; error %v", s.calls, err)
	}
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), `"phase":"not-sent"`); n != 2 || !strings.Contains(string(b), "standard output failed") {
		t.Errorf("%d not-sent lines: %s", n, b)
	}
}

// closingSender closes the audit log while its last request is out: the
// answer cannot be recorded.
type closingSender struct {
	log   *actions.AuditLog
	calls int
}

func (c *closingSender) DesktopAction(_ context.Context, ids []string, _ api.PowerAction) (api.ActionResult, error) {
	c.calls++
	if c.calls == 2 {
		c.log.Close()
	}
	return api.ActionResult{JobID: "j"}, nil
}

// Every desktop accepted, but the last answer could not be logged: that
// is a failure to say (exit 1), not a success.
func TestActionFailsWhenAnAnswerIsNotLogged(t *testing.T) {
	reboot, _ := api.PowerActionNamed("reboot")
	var targets []actions.Target
	for i := range 150 {
		targets = append(targets, actions.Target{ID: fmt.Sprintf("d%03d", i), Status: "FAIL"})
	}
	log, err := actions.OpenAuditLog(filepath.Join(t.TempDir(), "wksrec", "actions.log"), "p", time.Now, env())
	if err != nil {
		t.Fatal(err)
	}
	s := &closingSender{log: log}
	var stdout, stderr bytes.Buffer
	err = sendPlan(context.Background(), s, actions.NewPlan(reboot, targets), log, nil, &stdout, &stderr)
	if s.calls != 2 || err == nil || !strings.Contains(err.Error(), "the audit log could not be written") || !strings.Contains(err.Error(), "150 of 150 desktops accepted") {
		t.Errorf("%d calls; error %v", s.calls, err)
	}
}
