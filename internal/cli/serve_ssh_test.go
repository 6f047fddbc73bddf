package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/sshserve"
	"github.com/wksrec/wksrec/ui"
)

// A read key's browser holds nothing that can send a change, whatever a
// screen asks of it: its source, and each fleet member's, is the API's
// reads only; an act key's is the client itself.
func TestReadKeysBrowserCannotReachAWrite(t *testing.T) {
	home := t.TempDir()
	getenv := func(k string) string { return map[string]string{"HOME": home}[k] }
	c, _, err := config.Parse([]string{"--demo", "--no-cache"}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	for _, mayAct := range []bool{false, true} {
		e := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: getenv, Remote: &Remote{User: sshserve.User{Name: "rita", MayAct: mayAct}, ctx: context.Background()}}
		cfg, stop, err := e.browser(c)
		if err != nil {
			t.Fatal(err)
		}
		sources := []ui.Source{cfg.Source}
		if len(cfg.Fleet) == 0 {
			t.Fatal("the demo's fleet is missing")
		}
		for _, m := range cfg.Fleet {
			sess, err := m.Open(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, sess.Source)
		}
		for i, src := range sources {
			_, acts := src.(ui.ActionSource)
			_, reruns := src.(ui.RerunSource)
			_, readOnly := src.(api.ReadOnly)
			if acts == !mayAct || reruns == !mayAct || readOnly == mayAct {
				t.Errorf("may act %v, source %d (%T): actions %v, re-runs %v", mayAct, i, src, acts, reruns)
			}
		}
		stop()
	}
}

// A session over SSH does not take the server's alert outlets: a watch of
// its own must not run the server's command or post with its token.
func TestSessionsDoNotTakeTheServersOutlets(t *testing.T) {
	c := config.Config{NotifyCmd: "notify-send", Webhook: "https://hooks.example/T0KEN"}
	if got := (Env{}).Own(c); got.NotifyCmd != c.NotifyCmd || got.Webhook != c.Webhook {
		t.Errorf("here: %+v", got)
	}
	if got := (Env{Remote: &Remote{}}).Own(c); got.NotifyCmd != "" || got.Webhook != "" {
		t.Errorf("over SSH: %q %q", got.NotifyCmd, got.Webhook)
	}
}
