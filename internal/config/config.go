// Package config is wksrec's settings: the command line and the environment,
// and the credentials to sign with. Its errors are Error when the user
// must change the command line or a file (main exits 2 for those).
package config

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/defaults"
)

// Config is everything the command line and environment decided.
type Config struct {
	Endpoint, Region, IAMEndpoint string
	ProjectID, TaskID, RecordID   string
	// TaskName finds the task by its name (--task): resolved to TaskID
	// once connected.
	TaskName                   string
	TokenFile, CredentialsFile string
	Profile                    string // a KooCLI profile
	CAFile                     string
	PageSize, Concurrency      int
	LocalTime                  bool
	Output, Statuses, Filter   string
	// CompareTo is -o's baseline run: a record id, or "previous".
	CompareTo, Changes string
	// History is how many runs the history covers (this one included);
	// HistoryOut says -o prints it (--history was given).
	History    int
	HistoryOut bool
	// Action is a power action on the matching desktops. Confirm is the
	// user's word that it acts on them: their number, or the digest of
	// the plan --dry-run printed ("" when not given). DryRun prints the
	// plan and sends nothing. ReadOnly removes every action.
	Action   string
	Confirm  string
	DryRun   bool
	ReadOnly bool
	ExitCode bool // -o exits 3 when it printed a row
	// ScriptOutput adds each failed row's script output to -o.
	ScriptOutput bool
	// Wait waits for a run still going to finish before -o or --action
	// take it, at most WaitTimeout.
	Wait        bool
	WaitTimeout time.Duration
	// The config file: the one --config named, the columns of each
	// screen and the keys it sets, and where each setting came from
	// (flag name -> "flag", "$VAR" or the file's path).
	ConfigFile string
	Columns    map[string][]string
	Keys       map[string][]string
	Fleet      []FleetMember // the file's [[fleet]]
	// ServeSSH serves the browser over SSH on this address (resolved:
	// a bare :PORT is on 127.0.0.1) to the file's SSHUsers, with these
	// bounds: idle and whole-session times, and sessions at once.
	ServeSSH       string
	SSHUsers       []SSHUser
	SSHIdle        time.Duration
	SSHMaxSession  time.Duration
	SSHMaxSessions int
	// ShowFleet is --fleet: every member's tasks' newest runs.
	ShowFleet   bool
	Sources     map[string]string
	PrintConfig bool
	Watch       time.Duration
	// NotifyCmd and Webhook are where watch mode's alerts go besides the
	// terminal: a shell command given the alert's JSON on stdin, a URL it
	// is POSTed to (a secret when it carries a token: never printed whole).
	NotifyCmd, Webhook string
	Theme, DebugFile   string
	Demo               bool
	// DemoVariant gives a demo fleet member data of its own (0: the
	// demo's own); not a flag.
	DemoVariant     int
	ServeDemo       string
	DemoLatency     time.Duration
	DemoRateLimit   int
	DemoDenyActions bool
	DemoFaults      bool
	// CacheMax bounds the store of finished runs (a size: 1GiB);
	// NoCache keeps no store at all.
	CacheMax              string
	NoCache               bool
	ShowVersion, ShowHelp bool
	Mouse                 bool
}

// KnownRegions are the regions the official SDK has a Workspace endpoint
// for (plus na-mexico-1 from the docs). Others are accepted: regions appear.
var KnownRegions = []string{
	"cn-north-4", "cn-north-9", "cn-north-11", "cn-east-3", "cn-east-5", "cn-south-1", "cn-southwest-2",
	"ap-southeast-1", "ap-southeast-3", "af-south-1", "la-south-2", "la-north-2", "sa-brazil-1",
	"me-east-1", "tr-west-1", "na-mexico-1",
}

// MaxDemoRateLimit bounds --demo-rate-limit: beyond it the fake's limit is
// never felt.
const MaxDemoRateLimit = 1000

// NewFlagSet defines every flag, writing into c.
func NewFlagSet(c *Config) *pflag.FlagSet {
	fs := pflag.NewFlagSet("wksrec", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&c.Region, "region", "", "Huawei Cloud region `NAME`: the endpoint is https://workspace.NAME.myhuaweicloud.com")
	fs.StringVar(&c.Endpoint, "endpoint", "", "Workspace API base `URL`; wins over --region")
	fs.StringVar(&c.ProjectID, "project-id", "", "project `ID` (default $HUAWEICLOUD_SDK_PROJECT_ID, the credentials file, or asked of IAM)")
	fs.StringVar(&c.TaskID, "task-id", "", "open this scheduled task's records (`ID`); without it, start at the task list")
	fs.StringVar(&c.TaskName, "task", "", "the task named `NAME` (exact, else a unique prefix, any case), instead of --task-id")
	fs.StringVar(&c.RecordID, "record-id", "", "open this execution record's details (`ID`, or latest, or latest-finished; needs --task-id)")
	fs.StringVar(&c.TokenFile, "token-file", "", "read an IAM token from `PATH`")
	fs.StringVar(&c.CredentialsFile, "credentials-file", "", "read AK/SK from this SDK credentials `PATH` (INI, [basic] ak, sk)")
	fs.StringVar(&c.Profile, "profile", "", "use the KooCLI (hcloud) profile `NAME` from ~/.hcloud/config.json: its AK/SK, region and project")
	fs.StringVar(&c.IAMEndpoint, "iam-endpoint", "", "IAM base `URL` for project discovery (default $HUAWEICLOUD_SDK_IAM_ENDPOINT or https://iam.REGION.myhuaweicloud.com)")
	fs.StringVar(&c.CAFile, "ca-file", "", "trust the CA certificates in `PEM` as well as the system's (corporate proxies)")
	fs.IntVar(&c.PageSize, "page-size", 100, "rows fetched per request, `N` from 1 to 100 (tasks: at most 50)")
	fs.BoolVar(&c.LocalTime, "local-time", false, "show times in this machine's time zone instead of each record's own")
	fs.DurationVar(&c.Watch, "watch", 0, fmt.Sprintf("refresh every `DURATION` (--watch=30s; at least %s) while anything on screen is RUNNING or WAITING; --watch alone is %s", defaults.MinWatch, defaults.Watch))
	fs.Lookup("watch").NoOptDefVal = defaults.Watch.String()
	fs.StringVar(&c.NotifyCmd, "notify-cmd", "", "in watch mode, run `CMD` (by the shell) for each alert, the alert's JSON on its stdin: a run finished, new failures")
	fs.StringVar(&c.Webhook, "webhook", "", "in watch mode, POST each alert's JSON to `URL` (https, or http to this machine only: a loopback address or localhost); never printed whole")
	fs.StringVar(&c.DebugFile, "debug", "", "append one line per HTTP request to `FILE` (method, path, status, time, request id, retries; never a secret)")
	fs.BoolVar(&c.Mouse, "mouse", true, "the wheel scrolls and a click selects; --mouse=false leaves the mouse to the terminal (Shift+drag selects text either way)")
	fs.StringVar(&c.Theme, "theme", "auto", "colours for a `dark` or light terminal; auto asks this terminal (never a session over --serve-ssh), which can stall over a slow SSH link")
	fs.IntVar(&c.Concurrency, "concurrency", defaults.Concurrency, fmt.Sprintf("requests in flight at most when loading every page (`N` from 1 to %d)", defaults.MaxConcurrency))
	fs.StringVarP(&c.Output, "output", "o", "", "print the run's details as `FORMAT` json, csv or tsv and exit; without --record-id the task's runs, without --task-id the tasks")
	fs.StringVar(&c.Statuses, "status", "", "with -o: keep only these statuses (`LIST`, e.g. FAIL,SKIP)")
	fs.StringVar(&c.CompareTo, "compare-to", "", "with -o: add a change field against the baseline run `RUN` of the same task, a record id or previous (the run before)")
	fs.StringVar(&c.Changes, "change", "", "with -o and --compare-to: keep only these changes (`LIST`, e.g. NEW_FAILURE,STILL_FAILING)")
	fs.IntVar(&c.History, "history", defaults.History, "runs the history covers, this one and the `N`-1 before it (1 to 90): the H column's width, and with -o a history field")
	fs.StringVar(&c.Action, "action", "", "act on the run's desktops matching --status, --filter and --change: `ACTION` reboot, reboot-hard, start, stop, stop-hard, hibernate, or rerun (the task again, a one-off task on them; needs --confirm)")
	fs.StringVar(&c.Confirm, "confirm", "", "with --action: `N|DIGEST`, the number of desktops it acts on (2537 or 2,537) or the plan's digest from --dry-run; anything else sends nothing")
	fs.BoolVar(&c.DryRun, "dry-run", false, "with --action: print the plan (each desktop, the count, the digest --confirm takes) and send nothing")
	fs.BoolVar(&c.ReadOnly, "read-only", false, "never act on desktops: no power actions in the browser, --action refused")
	fs.BoolVar(&c.ExitCode, "exit-code", false, "with -o: exit 3 when at least one row was printed (for cron and monitoring: --change NEW_FAILURE --exit-code)")
	fs.BoolVar(&c.ScriptOutput, "script-output", false, "with -o on a script task's run: add what the script printed on each failed desktop (script_output; a request each)")
	fs.BoolVar(&c.Wait, "wait", false, "with -o or --action: when the run is RUNNING or WAITING, wait for it to finish (a line on stderr each look), then go on")
	fs.DurationVar(&c.WaitTimeout, "wait-timeout", defaults.WaitTimeout, "with --wait: give up (exit 1) when the run is still going after `DURATION`")
	fs.StringVar(&c.Filter, "filter", "", "with -o: keep only details matching `EXPR` (the / filter's syntax, e.g. 'code:WKS.0001 !name:lab')")
	fs.BoolVar(&c.Demo, "demo", false, "browse the built-in fake API on loopback: no credentials, no network")
	fs.StringVar(&c.ServeDemo, "serve-demo", "", "only serve the fake API on `ADDR` (e.g. 127.0.0.1:8080) for scripts, the CLI or SDKs")
	fs.StringVar(&c.ServeSSH, "serve-ssh", "", "serve the browser over SSH on `ADDR` (:2222 is 127.0.0.1:2222; name another interface to serve it) to the config file's [[ssh_user]] keys, with this machine's credentials")
	fs.DurationVar(&c.SSHIdle, "ssh-idle-timeout", defaults.SSHIdle, "end a session with no key pressed and nothing sent for `DURATION` (with --serve-ssh)")
	fs.DurationVar(&c.SSHMaxSession, "ssh-max-session", defaults.SSHMaxSession, "end any session after `DURATION`, busy or not (with --serve-ssh)")
	fs.IntVar(&c.SSHMaxSessions, "ssh-max-sessions", defaults.SSHMaxSessions, "at most `N` sessions at once, more refused with a line saying so (with --serve-ssh)")
	fs.DurationVar(&c.DemoLatency, "demo-latency", 0, "add `DURATION` of latency to every fake API answer (e.g. 300ms)")
	fs.IntVar(&c.DemoRateLimit, "demo-rate-limit", 0, fmt.Sprintf("make the fake API throttle as the gateway does, at `N` requests a second (burst N, 1 to %d), to see wksrec adapt", MaxDemoRateLimit))
	fs.BoolVar(&c.DemoDenyActions, "demo-deny-actions", false, "make the fake API refuse power actions with 403, as for credentials that may read but not act")
	fs.BoolVar(&c.DemoFaults, "demo-faults", false, "make the demo's largest run throttled, failing and slow in places, to see the retries")
	fs.StringVar(&c.CacheMax, "cache-max", "1GiB", "keep finished runs read up to `SIZE` on disk ($XDG_CACHE_HOME/wksrec), the runs read longest ago evicted first")
	fs.BoolVar(&c.NoCache, "no-cache", false, "keep no runs on disk: every run is read from the API, and nothing is written")
	fs.StringVar(&c.ConfigFile, "config", "", "read settings from `PATH` (default $WKSREC_CONFIG, else $XDG_CONFIG_HOME/wksrec/config.toml or ~/.config/wksrec/config.toml)")
	fs.BoolVar(&c.PrintConfig, "print-config", false, "print the settings in force and where each came from, and exit")
	fs.BoolVar(&c.ShowFleet, "fleet", false, "every project of the config file's [[fleet]] at once: each task's newest run, the worst first (with -o, printed)")
	fs.BoolVar(&c.ShowVersion, "version", false, "print the version and exit")
	fs.BoolVarP(&c.ShowHelp, "help", "h", false, "show this help")
	return fs
}

// Parse reads args, the config file and the environment into a Config
// in four steps: parse the flags; layer the config file and the
// environment under them; validate; resolve what the settings imply.
// Its errors are Errors.
func Parse(args []string, getenv func(string) string) (Config, *pflag.FlagSet, error) {
	var c Config
	fs, err := parseFlags(&c, args)
	if err != nil || c.ShowHelp || c.ShowVersion {
		return c, fs, err
	}
	if name, ok := compare.RunName(c.RecordID); ok {
		c.RecordID = name // LATEST is latest, not an id no run has
	}
	if err := layer(&c, fs, getenv); err != nil {
		return c, fs, err
	}
	if c.PrintConfig {
		return c, fs, nil // what is in force, even when it is not enough to start
	}
	if err := validate(c, fs, getenv); err != nil {
		return c, fs, err
	}
	resolve(&c)
	return c, fs, nil
}

// parseFlags parses args into c, and notes the flags given as their
// settings' source. -h is a request for help, not an error.
func parseFlags(c *Config, args []string) (*pflag.FlagSet, error) {
	fs := NewFlagSet(c)
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	if err := fs.Parse(joinWatchValue(args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			c.ShowHelp = true
			return fs, nil
		}
		return fs, Wrap(suggestFlag(fs, err))
	}
	c.Sources = map[string]string{}
	fs.Visit(func(f *pflag.Flag) { c.Sources[f.Name] = "flag" })
	return fs, nil
}

// isDemo reports the fake API standing in for an account: then no
// region, project or credentials are needed, and none is looked up.
func (c Config) isDemo() bool { return c.Demo || c.ServeDemo != "" }

var regionName = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// joinWatchValue lets --watch take its value after a space, as people type
// it (--watch 30s): the flag's value is optional (--watch alone is the
// default interval), so pflag would take 30s for a stray argument.
func joinWatchValue(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		if args[i] == "--watch" && i+1 < len(args) {
			if _, err := time.ParseDuration(args[i+1]); err == nil {
				out = append(out, "--watch="+args[i+1])
				i++
				continue
			}
		}
		out = append(out, args[i])
	}
	return out
}

// shortDuration is d without zero minutes and seconds: 1h, not 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// Switch is c with the region, project or KooCLI profile changed (the :
// command line): what the new session connects with. Its errors are
// Errors; c is unchanged by them.
func Switch(c Config, what, value string, getenv func(string) string) (Config, error) {
	switch what {
	case "region":
		if !regionName.MatchString(value) {
			return c, Errorf("%q is not a region name like cn-north-4", value)
		}
		if value != c.Region {
			// A project and an IAM endpoint belong to one region.
			c.ProjectID, c.IAMEndpoint = "", ""
		}
		c.Region, c.Endpoint = value, workspaceEndpoint(value)
	case "project":
		if err := api.ValidID(value); err != nil {
			return c, Errorf("project %q %w", value, err)
		}
		c.ProjectID = value
	case "profile":
		p, err := readKooProfile(KooCLIPath(getenv), value, io.Discard)
		if err != nil {
			return c, err
		}
		// The profile's keys, not a file named on the command line.
		c.Profile, c.ProjectID, c.TokenFile, c.CredentialsFile = value, "", "", ""
		c.Sources = maps.Clone(c.Sources)
		if c.Sources == nil {
			c.Sources = map[string]string{}
		}
		c.Sources["profile"] = "flag"
		if regionName.MatchString(p.Region) && p.Region != c.Region {
			c.Region, c.Endpoint, c.IAMEndpoint = p.Region, workspaceEndpoint(p.Region), ""
		}
	default:
		return c, Errorf("cannot switch %s", what)
	}
	return c, nil
}
