// Command wksrec browses the execution details of Huawei Cloud Workspace
// scheduled-task runs in the terminal. See README.md.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // record time zones must resolve on hosts without tzdata

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/quietinit"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/ui"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = ""

func init() {
	// The dependencies have initialised without asking the terminal
	// anything (see internal/quietinit); from here TERM is the user's again.
	quietinit.Restore()
}

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
	c, fs, err := config.Parse(args, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	switch {
	case c.ShowHelp:
		fmt.Fprint(stdout, usage(fs))
		return 0
	case c.ShowVersion:
		fmt.Fprintln(stdout, "wksrec", versionString())
		return 0
	case c.PrintConfig:
		return fail(stderr, config.PrintSettings(stdout, c, fs, getenv))
	}
	if err := ui.CheckColumns(c.Columns); err != nil {
		return fail(stderr, config.Errorf("%s: %v", c.ConfigFile, err))
	}
	switch {
	case c.ServeDemo != "":
		return fail(stderr, serveDemo(c, stdout))
	}
	if c.Output != "" {
		printed, err := printDetails(c, getenv, stdout, stderr)
		if err == nil && c.ExitCode && printed > 0 {
			return 3 // --exit-code: rows were printed (cron, monitoring)
		}
		return fail(stderr, err)
	}
	if c.Action != "" {
		return fail(stderr, act(c, getenv, stdout, stderr))
	}
	return fail(stderr, browse(c, getenv, stdout, stderr))
}

// fail prints err as one line and returns its exit status.
func fail(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	// Errors can quote the API (a project id, a message): sanitise like the UI.
	fmt.Fprintf(stderr, "wksrec: %s%s\n", sanitize.Line(err.Error()), flagHint(err))
	var ue config.Error
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// flagHint names the flag that mends err, where the API's own words cannot.
func flagHint(err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		verify    *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &verify) {
		return " (--ca-file PEM trusts a corporate proxy's CA)"
	}
	return ""
}

func browse(c config.Config, getenv func(string) string, stdout, stderr io.Writer) error {
	if !isTerminal(stdout) {
		return config.Errorf("standard output is not a terminal: to print details for a script use -o json, -o csv or -o tsv")
	}
	sess, err := connect(c, getenv, stderr)
	if err != nil {
		return err
	}
	defer sess.stop()
	var sessions sessionList // made by the : command line, released at the end
	defer sessions.stopAll()
	client, projectID := sess.client, sess.projectID
	setUpColour(termenv.NewOutput(os.Stdout), c.Theme, getenv)
	noColor := getenv("NO_COLOR") != ""
	auditPath, _ := actions.AuditPath(getenv) // "" (no home): the browser offers no actions, and says why
	keys := keymap.Default()
	for action, ks := range c.Keys {
		_ = keys.Rebind(action, ks) // checked with the config file
	}
	model := ui.New(ui.Config{Source: client, ProjectID: projectID, TaskID: c.TaskID, RecordID: c.RecordID,
		PageSize: c.PageSize, LocalTime: c.LocalTime, Concurrency: c.Concurrency, History: c.History, Watch: c.Watch, Debug: sess.debug,
		Clipboard: os.Stdout, InTmux: getenv("TMUX") != "", InScreen: getenv("STY") != "", NoColor: noColor, Mouse: c.Mouse,
		ReadOnly: c.ReadOnly, AuditPath: auditPath, Keys: &keys, Columns: c.Columns,
		Reconnect: switcher(c, getenv, &sessions), Regions: config.KnownRegions, Profiles: config.ProfileNames(getenv)})
	opts := []tea.ProgramOption{tea.WithAltScreen()}
	if c.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(model, opts...)
	// Bubble Tea restores the terminal on SIGINT and SIGTERM. A dropped SSH
	// session, or a closed tmux pane, sends SIGHUP instead, whose default
	// ends the process at once: alternate screen, hidden cursor and no echo
	// would be left behind. Kill restores the terminal without waiting for
	// a last frame or for input that will never come.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	hungUp := make(chan struct{})
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-hup:
			close(hungUp)
			p.Kill()
		case <-done:
		}
	}()
	_, err = p.Run()
	select {
	case <-hungUp:
		return errors.New("the terminal hung up (SIGHUP)")
	default:
	}
	if err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// isTerminal reports whether w is a terminal (a test's buffer is not).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
