package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/alert"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/notify"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/ui"
)

// Browse is the browser: the session, the terminal set up, the Bubble Tea
// program, and what a signal ends. Over SSH (e.Remote), the session's own
// terminal (browseRemote).
func (e Env) Browse(c config.Config) error {
	if e.Remote == nil && !isTerminal(e.Stdout) {
		return config.Errorf("standard output is not a terminal: to print details for a script use -o json, -o csv or -o tsv")
	}
	if e.Remote != nil && !e.Remote.hasTerminal() {
		return config.Errorf("no terminal: ssh -t opens the browser; to print details for a script add -o json, -o csv or -o tsv")
	}
	erase := e.lookingUp(c)
	cfg, stop, err := e.browser(c)
	erase()
	if err != nil {
		return err
	}
	defer stop()
	if e.Remote != nil {
		return e.browseRemote(c, cfg)
	}
	return e.browseHere(c, cfg)
}

// lookingUp says on the terminal what the browser reads before its first
// frame (a request or several: seconds over a slow proxy, when a blank
// terminal looks hung), and returns what erases it. Short and without an
// id, to stay on one line at any width the browser can use. On stdout,
// the terminal the screen is drawn on: over SSH stderr is a stream of its
// own, which a client may show after the first frame.
func (e Env) lookingUp(c config.Config) (erase func()) {
	what := "connecting"
	switch name, named := compare.RunName(c.RecordID); {
	case c.ShowFleet:
	case named:
		what = "finding the task's " + name + " run"
	case c.TaskName != "":
		what = "finding the task"
	case c.RecordID != "":
		what = "reading the run"
	}
	fmt.Fprintf(e.Stdout, "wksrec: %s…", what)
	return func() { fmt.Fprint(e.Stdout, "\r\x1b[2K") }
}

// browser is what the browser opens on, here or over SSH: the session,
// the task and run the settings name, the fleet's members, the keys and
// columns. stop releases what it made.
func (e Env) browser(c config.Config) (cfg ui.Config, stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	sess, err := e.connect(c)
	var client ui.Source = sess.Client
	switch {
	case err != nil && c.ShowFleet:
		// The fleet's members have sessions of their own: without one of
		// its own, the browser still opens on them.
		client = noProject{err}
	case err != nil:
		return cfg, stop, err
	default:
		stops = append(stops, sess.Stop)
	}
	var record *api.Record
	if !c.ShowFleet {
		if c, err = e.resolveTask(c, sess.Client); err != nil {
			return cfg, stop, err
		}
		if c, err = e.resolveRun(c, sess.Client); err != nil {
			return cfg, stop, err
		}
		record = e.lookUpRecord(c, sess.Client)
	}
	members, stopMembers := e.browserFleet(session.WithDemoFleet(c))
	stops = append(stops, stopMembers)
	auditPath, _ := actions.AuditPath(e.Getenv) // "" (no home): the browser offers no actions, and says why
	keys := keymap.Default()
	if err := config.RebindKeys(&keys, c.Keys); err != nil {
		return cfg, stop, config.Wrap(err) // Parse accepted them by the same rule: not to be ignored if it did not
	}
	if e.Remote != nil && !e.Remote.User.MayAct && sess.Client != nil {
		// A read key's session holds no client that can send a change.
		client, members = api.ReadOnlyOf(sess.Client), readOnlyFleet(members)
	}
	return ui.Config{Source: client, ProjectID: sess.ProjectID, TaskID: c.TaskID, TaskName: c.TaskName, RecordID: c.RecordID, Record: record,
		PageSize: c.PageSize, LocalTime: c.LocalTime, Concurrency: c.Concurrency, History: c.History, Watch: c.Watch, Debug: sess.Debug,
		Mouse: c.Mouse, ReadOnly: c.ReadOnly, AuditPath: auditPath, Keys: &keys, Columns: c.Columns, Running: &actions.Running{},
		Where: ui.Where(sess.Where), Store: sess.Store, Regions: config.KnownRegions, Fleet: members, StartFleet: c.ShowFleet}, stop, nil
}

// browseHere runs the browser in this process's terminal.
func (e Env) browseHere(c config.Config, cfg ui.Config) error {
	getenv, stderr := e.Getenv, e.Stderr
	switches := session.NewSwitcher(c, e.session()) // the : command line's sessions, released at the end
	defer switches.StopAll()
	setUpColour(termenv.NewOutput(os.Stdout), c.Theme, getenv)
	out, err := outlets(c)
	if err != nil {
		return err
	}
	alerts := &browserAlerts{}
	running, auditPath := cfg.Running, cfg.AuditPath
	cfg.Clipboard, cfg.InTmux, cfg.InScreen, cfg.NoColor = os.Stdout, getenv("TMUX") != "", getenv("STY") != "", getenv("NO_COLOR") != ""
	cfg.Reconnect, cfg.Profiles = reconnect(switches), config.ProfileNames(getenv)
	cfg.Notification, cfg.SendAlert = terminalNotification(getenv), alerts.send
	model := ui.New(cfg)
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
	if out.Any() {
		alerts.sender = out.Start(func(err error) { p.Send(ui.AlertFailed(err)) }) // after the program ends, Send returns at once
		defer alerts.close(stderr)
	}
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
		return SignalError{sig, interrupted(sig, stopped, auditPath, stderr)}
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

// reconnect is the : command line's switch, as the browser takes it.
func reconnect(s *session.Switcher) ui.Reconnect {
	return func(ctx context.Context, what, value string) (ui.Session, error) {
		sess, release, err := s.Switch(ctx, what, value)
		if err != nil {
			return ui.Session{}, err
		}
		return ui.Session{Source: sess.Client, ProjectID: sess.ProjectID, Where: ui.Where(sess.Where), Release: release, Store: sess.Store}, nil
	}
}

// isTerminal reports whether w is a terminal (a test's buffer is not).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// browserAlerts hands the browser's alerts to --notify-cmd and --webhook.
type browserAlerts struct{ sender *alert.Sender }

func (a *browserAlerts) send(e alert.Event) {
	if a.sender != nil {
		a.sender.Send(e)
	}
}

// close delivers the alerts still queued when the browser ends, saying
// so: each is bounded (the command's timeout, the webhook's attempts).
func (a *browserAlerts) close(stderr io.Writer) {
	n := a.sender.Pending()
	if n == 0 {
		a.sender.Close()
		return
	}
	fmt.Fprintf(stderr, "wksrec: delivering %s to --notify-cmd or --webhook before exiting (at most %s)…\n",
		numfmt.Plural(n, "alert", "alerts"), alertsAtExit)
	if dropped := a.sender.CloseWithin(alertsAtExit); dropped > 0 {
		fmt.Fprintf(stderr, "wksrec: %s not delivered: the time for them ran out\n", numfmt.Plural(dropped, "alert was", "alerts were"))
	}
}

// alertsAtExit bounds the wait for alerts still queued when the browser
// ends: one deadline for all of them, not each its own.
const alertsAtExit = 10 * time.Second

// terminalNotification is the bell and desktop notification for this
// terminal, by what it is (internal/notify); in tmux, tmux is asked once
// whether it passes escapes through.
func terminalNotification(getenv func(string) string) func(title, body string) string {
	t := notify.Terminal{Getenv: getenv, Tmux: func() (string, bool) { return notify.TmuxInfo(context.Background()) }}
	return func(title, body string) string { return notify.TerminalSequence(t, title, body) }
}

// lookUpRecord is the run opened by id, for its counts and the
// script-execution task whose output the pane shows; nil when it cannot
// be found (the details' own listing then says what is wrong).
func (e Env) lookUpRecord(c config.Config, client *api.Client) *api.Record {
	if c.TaskID == "" || c.RecordID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(e.context(), 30*time.Second)
	defer cancel()
	rec, err := runs.FindRecord(ctx, client, c.TaskID, c.RecordID, api.MaxRecordLimit)
	if err != nil {
		return nil
	}
	return &rec
}

// readOnlyFleet is members whose sessions can only read.
func readOnlyFleet(members []ui.FleetMember) []ui.FleetMember {
	out := make([]ui.FleetMember, len(members))
	for i, m := range members {
		open := m.Open
		m.Open = func(ctx context.Context) (ui.Session, error) {
			sess, err := open(ctx)
			if client, ok := sess.Source.(*api.Client); ok {
				sess.Source = api.ReadOnlyOf(client)
			}
			return sess, err
		}
		out[i] = m
	}
	return out
}

// browserFleet are the config file's [[fleet]] members as the browser
// opens them: each its own session, made when the fleet screen first reads
// it; stop releases what was made.
func (e Env) browserFleet(c config.Config) ([]ui.FleetMember, func()) {
	opened := &memberSessions{env: e}
	members := make([]ui.FleetMember, len(c.Fleet))
	for i, m := range c.Fleet {
		open, region, project := opened.opener(c, m)
		members[i] = ui.FleetMember{Name: m.Name, Region: region, ProjectID: project,
			Open: func(ctx context.Context) (ui.Session, error) {
				sess, err := open(ctx)
				if err != nil {
					return ui.Session{}, err
				}
				return ui.Session{Source: sess.Client, ProjectID: sess.ProjectID, Where: ui.Where(sess.Where), Store: sess.Store}, nil
			}}
	}
	return members, opened.stop
}

// noProject is the browser's own source when it opens on the fleet
// without a session of its own: it says why.
type noProject struct{ err error }

func (n noProject) ListTasks(context.Context, string, int, int) (api.Page[api.Task], error) {
	return api.Page[api.Task]{}, n.why()
}

func (n noProject) ListRecords(context.Context, string, int, int) (api.Page[api.Record], error) {
	return api.Page[api.Record]{}, n.why()
}

func (n noProject) ListRecordDetails(context.Context, string, string, int, int) (api.Page[api.Detail], error) {
	return api.Page[api.Detail]{}, n.why()
}

func (n noProject) why() error {
	return fmt.Errorf("no project of its own (%w): open a member's run from the fleet (:fleet)", n.err)
}
