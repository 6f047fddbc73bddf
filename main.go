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
	"time"
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
	var sig signalled
	if errors.As(err, &sig) {
		return 128 + int(sig.sig) // as a shell reports a command a signal ended
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
	running := &actions.Running{}
	model := ui.New(ui.Config{Source: client, ProjectID: projectID, TaskID: c.TaskID, RecordID: c.RecordID,
		PageSize: c.PageSize, LocalTime: c.LocalTime, Concurrency: c.Concurrency, History: c.History, Watch: c.Watch, Debug: sess.debug,
		Clipboard: os.Stdout, InTmux: getenv("TMUX") != "", InScreen: getenv("STY") != "", NoColor: noColor, Mouse: c.Mouse,
		ReadOnly: c.ReadOnly, AuditPath: auditPath, Keys: &keys, Columns: c.Columns, Running: running, Where: sess.where,
		Reconnect: switcher(c, getenv, &sessions), Regions: config.KnownRegions, Profiles: config.ProfileNames(getenv)})
	// Bubble Tea's own signal handler turns SIGTERM into a quit that
	// exits 0 and knows nothing of power actions going out; a dropped SSH
	// session, or a closed tmux pane, sends SIGHUP, whose default ends the
	// process at once (alternate screen, hidden cursor and no echo left
	// behind). So wksrec handles SIGHUP, SIGTERM and SIGINT (which comes
	// from kill: in raw mode ctrl+c is a key) itself: the batches going out
	// stop before their next request and their request in flight is
	// aborted, Kill restores the terminal without waiting for a last frame
	// or for input that will never come, each batch is accounted for, and
	// the exit status is 128 + the signal's number.
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithoutSignalHandler()}
	if c.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(model, opts...)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	caught := make(chan syscall.Signal, 1)
	var stopped []*actions.Batch
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			sig := s.(syscall.Signal)
			stopped = running.Abort("stopped by " + signalName(sig)) // before Kill: no request slips out meanwhile
			caught <- sig
			p.Kill()
		case <-done:
		}
	}()
	_, err = p.Run()
	close(done)
	select {
	case sig := <-caught:
		return signalled{sig, interrupted(sig, stopped, auditPath, stderr)}
	default:
	}
	// q waits while requests go out; only a failure of the terminal ends
	// the browser then. The batch stops and is accounted for all the same.
	if left := running.Abort("the browser ended"); len(left) > 0 {
		account(left, "the browser ended", auditPath, stderr)
		return fmt.Errorf("the browser ended (%v) while power actions went out: they were stopped; see the audit log", err)
	}
	if err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// account waits a bounded time for stopped batches to end (their request
// in flight was aborted: its answer is quick) and writes a line for each;
// false when one did not end in time.
func account(stopped []*actions.Batch, why, auditPath string, stderr io.Writer) bool {
	all := actions.Wait(stopped, 5*time.Second)
	for _, b := range stopped {
		fmt.Fprintf(stderr, "wksrec: %s: %s (the audit log is %s)\n", why,
			sanitize.Line(actions.Count(b.Chunks()).Summary(b.Plan.Action)), auditPath)
	}
	return all
}

// interrupted accounts for the batches a signal stopped, a line each, and
// says why the browser ended.
func interrupted(sig syscall.Signal, stopped []*actions.Batch, auditPath string, stderr io.Writer) error {
	all := account(stopped, signalName(sig), auditPath, stderr)
	what := map[syscall.Signal]string{syscall.SIGHUP: "the terminal hung up", syscall.SIGTERM: "terminated", syscall.SIGINT: "interrupted"}[sig]
	switch {
	case len(stopped) > 0 && !all:
		return fmt.Errorf("%s (%s) while power actions went out: a request did not end within 5 s; it may have been applied (see the audit log)", what, signalName(sig))
	case len(stopped) > 0:
		return fmt.Errorf("%s (%s): the power actions going out were stopped; what was not sent is in the audit log", what, signalName(sig))
	}
	return fmt.Errorf("%s (%s)", what, signalName(sig))
}

// isTerminal reports whether w is a terminal (a test's buffer is not).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
