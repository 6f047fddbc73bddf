// Command wksrec browses the execution details of Huawei Cloud Workspace
// scheduled-task runs in the terminal. See README.md.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // record time zones must resolve on hosts without tzdata

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"
	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
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

// session is what connect set up: the client, the project it reads, the
// --debug log (nil without one) and a function releasing all of it.
type session struct {
	client    *api.Client
	projectID string
	debug     io.Writer
	stop      func()
}

// connect builds the API client from the configuration: the embedded fake
// for --demo, else credentials, CA roots and the project id (discovered
// when not given).
func connect(c config.Config, getenv func(string) string, stderr io.Writer) (session, error) {
	client, projectID, debug, stop, err := dial(c, getenv, stderr)
	return session{client: client, projectID: projectID, debug: debug, stop: stop}, err
}

func dial(c config.Config, getenv func(string) string, stderr io.Writer) (client *api.Client, projectID string, debug io.Writer, stop func(), err error) {
	auth, stop := api.Authenticator(nil), func() {}
	projectID = c.ProjectID
	hc, err := httpClient(c.CAFile)
	if err != nil {
		return nil, "", nil, nil, err
	}
	if c.DebugFile != "" {
		f, err := os.OpenFile(c.DebugFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, "", nil, nil, config.Errorf("cannot open --debug file: %v", config.UnwrapPathError(err))
		}
		hc.Transport = &api.DebugTransport{Base: hc.Transport, Log: f}
		debug, stop = f, func() { f.Close() }
	}
	if c.Demo {
		url, stopFake, err := fake.Start(fake.New(demoOptions(c)), "")
		if err != nil {
			stop()
			return nil, "", nil, nil, fmt.Errorf("starting the demo API: %w", err)
		}
		closeLog := stop
		stop = func() { stopFake(); closeLog() }
		c.Endpoint = url
		projectID = withDemoDefaults(c).ProjectID
		auth, _ = api.NewTokenAuth("demo-token")
	} else {
		creds, err := config.FindCredentials(c, getenv, stderr)
		if err != nil {
			stop()
			return nil, "", nil, nil, err
		}
		if projectID == "" {
			projectID = creds.ProjectID
		}
		if projectID == "" {
			if projectID, err = discoverProject(c, creds, hc); err != nil {
				stop()
				return nil, "", nil, nil, err
			}
		}
		if auth, err = creds.Authenticator(projectID); err != nil {
			stop()
			return nil, "", nil, nil, config.Error{Msg: err.Error()}
		}
	}
	client, err = api.New(api.Config{Endpoint: c.Endpoint, ProjectID: projectID, Auth: auth, HTTPClient: hc,
		UserAgent: "wksrec/" + versionString()})
	if err != nil {
		stop()
		return nil, "", nil, nil, config.Error{Msg: err.Error()}
	}
	return client, projectID, debug, stop, nil
}

// switcher is the browser's :region, :project and :profile: a new
// session from the settings with one of them changed. Each switch builds
// on the one before; a failed one changes nothing.
func switcher(c config.Config, getenv func(string) string, sessions *sessionList) ui.Reconnect {
	var mu sync.Mutex
	return func(ctx context.Context, what, value string) (ui.Source, string, func(), error) {
		mu.Lock()
		defer mu.Unlock()
		next, err := config.Switch(c, what, value, getenv)
		if err != nil {
			return nil, "", nil, err
		}
		sess, err := connect(next, getenv, io.Discard)
		if err != nil {
			return nil, "", nil, err
		}
		// One request before the switch is taken: a region or project
		// mistyped must not throw away the session that works.
		if _, err := sess.client.ListTasks(ctx, "", 0, 1); err != nil {
			sess.stop()
			return nil, "", nil, err
		}
		c = next
		release := sessions.add(sess)
		return sess.client, sess.projectID, release, nil
	}
}

// sessionList holds the sessions the command line made.
type sessionList struct {
	mu   sync.Mutex
	list []session
}

// add keeps s until it is released (the browser replaced it) or the
// program ends, whichever comes first; each session is stopped once.
func (l *sessionList) add(s session) (release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, s)
	i := len(l.list) - 1
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.list[i].stop != nil {
			l.list[i].stop()
			l.list[i].stop = nil
		}
	}
}

func (l *sessionList) stopAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.list {
		if l.list[i].stop != nil {
			l.list[i].stop()
			l.list[i].stop = nil
		}
	}
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

// discoverProject asks IAM for the project named after the region, as the
// SDKs do when no project id is configured.
func discoverProject(c config.Config, creds config.Credentials, hc *http.Client) (string, error) {
	if c.Region == "" {
		return "", config.Errorf("no project id: pass --project-id or set $HUAWEICLOUD_SDK_PROJECT_ID " +
			"(discovery needs --region to know the project's name)")
	}
	if !creds.IsAKSK() {
		return "", config.Errorf("no project id: pass --project-id or set $HUAWEICLOUD_SDK_PROJECT_ID "+
			"(discovery signs with AK/SK, and the credentials found are a token from %s)", creds.Source)
	}
	auth, err := creds.Authenticator("")
	if err != nil {
		return "", config.Error{Msg: err.Error()}
	}
	iam := c.IAMEndpoint
	if iam == "" {
		iam = api.IAMEndpoint(c.Region)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, err := api.DiscoverProject(ctx, api.Config{Endpoint: iam, Auth: auth, HTTPClient: hc, UserAgent: "wksrec/" + versionString()}, c.Region)
	var apiErr *api.APIError
	var choice *api.ProjectChoiceError
	if errors.As(err, &choice) {
		return "", config.Errorf("%v: pass --project-id", err) // the user must choose
	}
	if err != nil && !errors.As(err, &apiErr) && !errors.As(err, new(*api.TransportError)) && !errors.Is(err, context.DeadlineExceeded) {
		return "", config.Error{Msg: err.Error()}
	}
	if err == nil {
		if bad := api.ValidID(id); bad != nil {
			// It would go into every request path: never send it.
			return "", config.Errorf("IAM names project %q for %s, an id that %v; pass --project-id", id, c.Region, bad)
		}
	}
	return id, err
}

// httpClient is the default client, trusting caFile's certificates too.
func httpClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return api.DefaultHTTPClient(), nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, config.Errorf("cannot read --ca-file: %v", config.UnwrapPathError(err))
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, config.Errorf("--ca-file %s holds no PEM certificate", caFile)
	}
	return api.NewHTTPClient(roots), nil
}

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
func flagUsages(fs *pflag.FlagSet) string {
	return strings.ReplaceAll(fs.FlagUsagesWrapped(80), "[=true|false]", "             ")
}

// wrapWords breaks s into lines of at most width bytes at spaces only
// (region names must not break at their hyphens).
func wrapWords(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

func usage(fs *pflag.FlagSet) string {
	return `wksrec – browse Huawei Cloud Workspace scheduled tasks, their runs, and each run's
per-desktop results.

Usage:
  wksrec --region cn-north-4                        the project's tasks › records › details
  wksrec --region cn-north-4 --task-id ID --record-id ID
  wksrec --demo                                     a built-in fake API: no account needed

Flags:
` + flagUsages(fs) + `
` + wrapWords("Regions known: "+strings.Join(config.KnownRegions, ", ")+". Others are accepted too; --endpoint always wins.", 80) + `

Credentials, first found wins (secrets are never taken as flag values):
  1. --token-file PATH, then --credentials-file PATH
  2. $WKSREC_AUTH_TOKEN                   an IAM token, sent as X-Auth-Token
  3. $HUAWEICLOUD_SDK_AK, $HUAWEICLOUD_SDK_SK (+ $HUAWEICLOUD_SDK_SECURITY_TOKEN)
  4. $HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials ([basic] ak, sk,
     project_id, security_token)
  AK/SK requests are signed (SDK-HMAC-SHA256). Without a project id, wksrec asks IAM
  for the project named after --region.

Environment:
  HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_IAM_ENDPOINT   defaults for the flags
  HTTPS_PROXY, NO_PROXY                                      proxy settings
  NO_COLOR                                                   disable colour

Keys: j/k or arrows move, PgUp/PgDn page, g/G first/last, enter opens (in details:
the detail pane), tab the detail pane, esc goes back, r retries or refreshes,
? shows every key, q quits.
`
}
