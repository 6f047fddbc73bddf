// Command wksrec browses the execution details of Huawei Cloud Workspace
// scheduled-task runs in the terminal. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // record time zones must resolve on hosts without tzdata

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/api/fake"
	"github.com/wksrec/wksrec/ui"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is main without the process: it returns the exit status. 0 on
// success, 2 for bad flags or configuration, 1 for runtime failures.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) (status int) {
	defer func() {
		// Never a stack trace: a bug still ends in one line and status 1.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "wksrec: internal error: %v (please report it)\n", r)
			status = 1
		}
	}()
	c, fs, err := parseConfig(args, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	switch {
	case c.showHelp:
		fmt.Fprint(stdout, usage(fs))
		return 0
	case c.showVersion:
		fmt.Fprintln(stdout, "wksrec", versionString())
		return 0
	case c.serveDemo != "":
		return fail(stderr, serveDemo(c, stdout))
	}
	return fail(stderr, browse(c, getenv))
}

// fail prints err as one line and returns its exit status.
func fail(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "wksrec: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func browse(c config, getenv func(string) string) error {
	var auth api.Authenticator
	if c.demo {
		url, stop, err := fake.Start(fake.New(fake.Options{Seed: demoSeed, Latency: c.demoLatency}), "")
		if err != nil {
			return fmt.Errorf("starting the demo API: %w", err)
		}
		defer stop()
		c.endpoint = url
		c = withDemoDefaults(c)
		auth, _ = api.NewTokenAuth("demo-token")
	} else {
		tok, err := c.token(getenv)
		if err != nil {
			return err
		}
		if auth, err = api.NewTokenAuth(tok); err != nil {
			return usageError{err.Error()}
		}
	}
	client, err := api.New(api.Config{Endpoint: c.endpoint, ProjectID: c.projectID, Auth: auth, UserAgent: "wksrec/" + versionString()})
	if err != nil {
		return usageError{err.Error()}
	}
	// Ask the terminal for its background once, before Bubble Tea owns the
	// input: adaptive colours need it, and asking later races the key reader.
	lipgloss.HasDarkBackground()
	model := ui.New(ui.Config{Source: client, ProjectID: c.projectID, TaskID: c.taskID, RecordID: c.recordID, PageSize: c.pageSize})
	if _, err := tea.NewProgram(model, tea.WithAltScreen()).Run(); err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// demoSeed fixes the demo data, so the README's screen is what users see.
const demoSeed = 7

// withDemoDefaults points the demo at the showcase record unless ids were given.
func withDemoDefaults(c config) config {
	data := fake.NewDataset(demoSeed)
	if c.projectID == "" {
		c.projectID = "demo-project"
	}
	if c.taskID == "" {
		c.taskID = data.Tasks[0].ID
	}
	if c.recordID == "" {
		c.recordID = data.Records[c.taskID][0].ID
	}
	return c
}

func serveDemo(c config, stdout io.Writer) error {
	srv := fake.New(fake.Options{Seed: demoSeed, Latency: c.demoLatency})
	url, stop, err := fake.Start(srv, c.serveDemo)
	if err != nil {
		return usagef("--serve-demo %s: %v", c.serveDemo, err)
	}
	defer stop()
	d := withDemoDefaults(c)
	fmt.Fprintf(stdout, "serving the fake Workspace API on %s (any token, any project id); ctrl+c stops it\n", url)
	fmt.Fprintf(stdout, "try: WKSREC_AUTH_TOKEN=x wksrec --endpoint %s --project-id %s --task-id %s --record-id %s\n",
		url, d.projectID, d.taskID, d.recordID)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	<-ctx.Done()
	return nil
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// flagUsages is pflag's table without the "[=true|false]" it prints after
// every bool flag (blanked, not removed, so the columns stay aligned).
func flagUsages(fs interface{ FlagUsages() string }) string {
	return strings.ReplaceAll(fs.FlagUsages(), "[=true|false]", "             ")
}

func usage(fs interface{ FlagUsages() string }) string {
	return `wksrec – browse the execution details of a Huawei Cloud Workspace scheduled-task run.

Usage:
  wksrec --region cn-north-4 --project-id ID --task-id ID --record-id ID
  wksrec --demo

Flags:
` + flagUsages(fs) + `
Credentials:
  The IAM token is read from --token-file or $WKSREC_AUTH_TOKEN and sent as X-Auth-Token.
  It is never accepted on the command line, where other users could read it.

Environment:
  WKSREC_AUTH_TOKEN            IAM token
  HUAWEICLOUD_SDK_PROJECT_ID   default for --project-id
  HTTPS_PROXY, NO_PROXY        proxy settings
  NO_COLOR                     disable colour

Keys: j/k or arrows move, PgUp/PgDn page, g/G first/last, enter or tab opens the
detail pane (esc back), r retries or refreshes, ? shows every key, q quits.
`
}
