package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
)

// The demo: the fake API in this process (--demo, -o --demo) or on an
// address (--serve-demo).

// demoSeed fixes the demo data, so the README's screen is what users see.
const demoSeed = 7

// demoOptions are the fake API's settings for --demo and --serve-demo.
func demoOptions(c config.Config) fake.Options {
	opts := fake.Options{Seed: demoSeed, Latency: c.DemoLatency, RateLimit: c.DemoRateLimit, DenyActions: c.DemoDenyActions}
	if c.DemoFaults {
		opts.Faults = fake.DemoFaults()
	}
	return opts
}

// withDemoDefaults names the demo project; without ids the demo opens on
// the task list, as a real project does.
func withDemoDefaults(c config.Config) config.Config {
	if c.ProjectID == "" {
		c.ProjectID = "demo-project"
	}
	return c
}

// withDemoRecord points -o --demo at the showcase record unless ids were given.
func withDemoRecord(c config.Config) config.Config {
	data := fake.NewDataset(demoSeed)
	c.TaskID = data.Tasks[0].ID
	c.RecordID = data.Records[c.TaskID][0].ID
	return c
}

func serveDemo(c config.Config, stdout io.Writer) error {
	// Catch Ctrl+C before saying where the API is: a script that reads the
	// address and stops the server at once must see a clean exit (0).
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	srv := fake.New(demoOptions(c))
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
