package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
	"github.com/wksrec/wksrec/internal/session"
)

// ServeDemo is --serve-demo: the fake API on an address until ctrl+c.
func (e Env) ServeDemo(c config.Config) error {
	stdout := e.Stdout
	// Catch Ctrl+C before saying where the API is: a script that reads the
	// address and stops the server at once must see a clean exit (0).
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	srv := fake.New(session.DemoOptions(c))
	url, stop, err := fake.Start(srv, c.ServeDemo)
	if err != nil {
		return config.Errorf("--serve-demo %s: %v", c.ServeDemo, err)
	}
	defer stop()
	data := srv.Data()
	task := data.Tasks[0].ID
	fmt.Fprintf(stdout, "serving the fake Workspace API on %s (any token or signature, any project id); ctrl+c stops it\n", url)
	fmt.Fprintf(stdout, "try: WKSREC_AUTH_TOKEN=x wksrec --endpoint %s --project-id demo-project\n", url)
	fmt.Fprintf(stdout, " or: WKSREC_AUTH_TOKEN=x wksrec --endpoint %s --project-id demo-project --task-id %s --record-id %s\n",
		url, task, data.Records[task][0].ID)
	<-ctx.Done()
	return nil
}
