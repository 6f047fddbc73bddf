package config

import (
	"cmp"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/defaults"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/notify"
)

// validate checks the layered settings, and the first error found is
// the one said: each check assumes the ones before it passed, and their
// order is the order the user has always met the errors in. The demo
// needs no account, so the account's checks are skipped for it.
func validate(c Config, fs *pflag.FlagSet, getenv func(string) string) error {
	if err := firstError(
		func() error { return checkNoArguments(fs) },
		c.checkPageSize, c.checkWatch, c.checkTheme, c.checkConcurrency, c.checkOutput,
		c.checkWithoutAction, c.checkAction, c.checkExitCode, c.checkWait, c.checkOutputWatch, c.checkAlerts, c.checkScriptOutput, c.checkFleet, c.checkOneTask, c.checkOutputFilters, c.checkFilter,
		c.checkHistory, c.checkComparison, c.checkBaseline, c.checkCacheMax,
		c.checkDemoLatency, c.checkDemoRateLimit, c.checkDemoModes, c.checkServeSSH,
	); err != nil || c.isDemo() || c.ShowFleet {
		return err // the demo needs no account; the fleet's members were checked in the file
	}
	return firstError(
		c.checkIDs, c.checkRegion,
		func() error { return c.checkProfile(getenv) },
		c.checkWhere, c.checkRecordHasTask, c.checkActionHasRecord, c.checkComparisonHasRecord, c.checkEndpoints,
	)
}

// firstError runs checks in order up to the first that fails.
func firstError(checks ...func() error) error {
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func checkNoArguments(fs *pflag.FlagSet) error {
	if fs.NArg() > 0 {
		return Errorf("unexpected argument %q: every setting is a flag", fs.Arg(0))
	}
	return nil
}

func (c Config) checkPageSize() error {
	if c.PageSize < 1 || c.PageSize > api.MaxDetailLimit {
		return Errorf("--page-size must be from 1 to %d, not %d", api.MaxDetailLimit, c.PageSize)
	}
	return nil
}

// checkWatch allows 0 (no --watch) and the bounds' interval.
func (c Config) checkWatch() error {
	if c.Watch != 0 && (c.Watch < defaults.MinWatch || c.Watch > defaults.MaxWatch) {
		return Errorf("--watch must be from %s to %s, not %s", defaults.MinWatch, shortDuration(defaults.MaxWatch), c.Watch)
	}
	return nil
}

func (c Config) checkTheme() error {
	if c.Theme != "auto" && c.Theme != "light" && c.Theme != "dark" {
		return Errorf("--theme %q: use auto, light or dark", c.Theme)
	}
	return nil
}

func (c Config) checkConcurrency() error {
	if c.Concurrency < 1 || c.Concurrency > defaults.MaxConcurrency {
		return Errorf("--concurrency must be from 1 to %d, not %d", defaults.MaxConcurrency, c.Concurrency)
	}
	return nil
}

func (c Config) checkOutput() error {
	if c.Output != "" && !slices.Contains(export.Formats, c.Output) {
		return Errorf("-o %q: use json, csv or tsv", c.Output)
	}
	return nil
}

// checkWithoutAction refuses what only --action takes.
func (c Config) checkWithoutAction() error {
	switch {
	case c.Action != "":
		return nil
	case c.Confirm != "":
		return Errorf("--confirm goes with --action")
	case c.DryRun:
		return Errorf("--dry-run goes with --action")
	}
	return nil
}

// checkAction checks --action with --confirm, --dry-run, --read-only and -o.
func (c Config) checkAction() error {
	if c.Action == "" {
		return nil
	}
	if c.ReadOnly {
		return Errorf("--action is refused in --read-only mode: nothing was sent")
	}
	if _, ok := api.PowerActionNamed(c.Action); !ok && c.Action != actions.Rerun.Name {
		return Errorf("--action %q: use %s", c.Action, strings.Join(powerActionNames(), ", "))
	}
	if c.Output != "" {
		return Errorf("--action does not go with -o: print the desktops first with -o, then act on them with --action")
	}
	return c.checkConfirm()
}

// checkConfirm checks the user's word for --action: --dry-run, or a
// count or digest to --confirm.
func (c Config) checkConfirm() error {
	switch {
	case c.DryRun && c.Confirm != "":
		return Errorf("--dry-run sends nothing, --confirm sends: give one of them")
	case c.DryRun:
		return nil
	case c.Confirm == "":
		return Errorf("--action needs --confirm N (the number of desktops it acts on) or --confirm DIGEST (from --dry-run, which prints the plan first)")
	case !actions.ValidConfirm(c.Confirm):
		return Errorf("--confirm %q is neither a number of desktops (2537 or 2,537) nor a plan's digest (16 hex digits from --dry-run); nothing was sent", c.Confirm)
	}
	return nil
}

func powerActionNames() []string {
	var names []string
	for _, a := range api.PowerActions {
		names = append(names, a.Name)
	}
	return append(names, actions.Rerun.Name)
}

func (c Config) checkExitCode() error {
	if c.ExitCode && c.Output == "" {
		return Errorf("--exit-code goes with -o: it says whether rows were printed")
	}
	return nil
}

// checkWait refuses --wait where nothing takes the run, and a wait
// without bounds.
func (c Config) checkWait() error {
	switch {
	case c.Wait && c.Output == "" && c.Action == "":
		return Errorf("--wait goes with -o or --action: the browser shows a run going as it goes (W watches it)")
	case c.Wait && c.RecordID == "" && (!c.Demo || c.TaskID != "" || c.TaskName != ""):
		return Errorf("--wait needs the run: --record-id ID, or --record-id latest for the task's newest")
	case !c.Wait && c.Sources["wait-timeout"] == "flag":
		return Errorf("--wait-timeout goes with --wait: without it nothing waits")
	case c.WaitTimeout <= 0 || c.WaitTimeout > defaults.MaxWaitTimeout:
		return Errorf("--wait-timeout must be above 0 and at most %s, not %s", shortDuration(defaults.MaxWaitTimeout), c.WaitTimeout)
	}
	return nil
}

// checkOutputWatch keeps -o --watch to what it is: a JSON line for each
// change of one run (or of the task's newest), until interrupted.
func (c Config) checkOutputWatch() error {
	if c.Watch == 0 || c.Output == "" {
		return nil
	}
	switch {
	case c.Output != "json":
		return Errorf("-o %s --watch: watching prints a JSON line for each change, use -o json", c.Output)
	case c.RecordID == "" && (!c.Demo || c.TaskID != "" || c.TaskName != ""):
		return Errorf("-o json --watch needs the run: --record-id ID, or --record-id latest to follow the task's newest")
	case c.Wait || c.ExitCode || c.Statuses != "" || c.Filter != "" || c.Changes != "" || c.HistoryOut:
		return Errorf("-o json --watch prints every change until interrupted: --wait, --exit-code, --status, --filter, --change and --history do not go with it")
	}
	return nil
}

// checkScriptOutput keeps --script-output to a run's details printed.
func (c Config) checkScriptOutput() error {
	switch {
	case !c.ScriptOutput:
		return nil
	case c.Output == "" || c.Watch > 0:
		return Errorf("--script-output goes with -o (not --watch): it adds a field to each failed row printed")
	case c.RecordID == "" && (!c.Demo || c.TaskID != "" || c.TaskName != ""):
		return Errorf("--script-output needs the run: --record-id ID (or latest)")
	}
	return nil
}

// checkOneTask refuses two names for the task, demo or not.
func (c Config) checkOneTask() error {
	if c.TaskName != "" && c.TaskID != "" {
		return Errorf("--task and --task-id both name a task: give one")
	}
	return nil
}

// checkFleet keeps --fleet to what it is: every member at once, on the
// fleet screen or printed with -o.
func (c Config) checkFleet() error {
	switch {
	case !c.ShowFleet:
		return nil
	case len(c.Fleet) == 0 && !c.Demo:
		return Errorf("--fleet: the config file has no [[fleet]] members (name, and a profile, or region or endpoint and project_id)")
	case c.TaskID != "" || c.TaskName != "" || c.RecordID != "" || c.Action != "" || c.Watch > 0 || c.CompareTo != "" || c.HistoryOut || c.ScriptOutput:
		return Errorf("--fleet reads every member's tasks: it takes no task, run, action, watch or comparison (open a member's run with its profile or region)")
	}
	return nil
}

// checkAlerts refuses a webhook that would send alerts in the clear, and
// alert outlets where nothing watches.
func (c Config) checkAlerts() error {
	if c.Webhook != "" {
		if err := notify.CheckWebhookURL(c.Webhook); err != nil {
			return Errorf("--webhook: %v", err)
		}
	}
	given := c.Sources["notify-cmd"] == "flag" || c.Sources["webhook"] == "flag"
	if given && c.Output != "" && c.Watch == 0 {
		return Errorf("--notify-cmd and --webhook alert from watch mode: add --watch (with -o json, or in the browser)")
	}
	return nil
}

// checkOutputFilters refuses --status and --filter where nothing is
// printed or acted on: the browser filters with keys.
func (c Config) checkOutputFilters() error {
	if (c.Statuses != "" || c.Filter != "") && c.Output == "" && c.Action == "" {
		return Errorf("--status and --filter go with -o; in the browser use f, s and /")
	}
	return nil
}

func (c Config) checkFilter() error {
	if _, err := filter.Parse(c.Filter); err != nil {
		return Errorf("--filter: %w", err)
	}
	return nil
}

func (c Config) checkHistory() error {
	if c.History < 1 || c.History > defaults.MaxHistory {
		return Errorf("--history must be from 1 to %d, not %d", defaults.MaxHistory, c.History)
	}
	return nil
}

// checkComparison checks --compare-to and --change go with -o (or
// --action) and with each other.
func (c Config) checkComparison() error {
	if c.CompareTo != "" && c.Output == "" && c.Action == "" {
		return Errorf("--compare-to and --change go with -o; in the browser press c in a run's details")
	}
	if c.Changes != "" && c.CompareTo == "" {
		return Errorf("--change needs --compare-to: a change is against a baseline run")
	}
	if _, err := compare.ParseChanges(c.Changes); err != nil {
		return Errorf("--change: %w", err)
	}
	if expr, _ := filter.Parse(c.Filter); expr.UsesChange() && c.CompareTo == "" {
		return Errorf("--filter looks at change: give --compare-to too")
	}
	return nil
}

// checkBaseline checks --compare-to's run, when it names one.
func (c Config) checkBaseline() error {
	if c.CompareTo == "" || c.CompareTo == "previous" {
		return nil
	}
	if err := api.ValidID(c.CompareTo); err != nil {
		return Errorf("--compare-to %q %w", c.CompareTo, err)
	}
	if c.CompareTo == c.RecordID {
		return Errorf("--compare-to names the run itself; give another run of the task, or previous")
	}
	return nil
}

func (c Config) checkDemoLatency() error {
	if c.DemoLatency < 0 || c.DemoLatency > time.Minute {
		return Errorf("--demo-latency must be from 0 to 1m, not %s", c.DemoLatency)
	}
	return nil
}

func (c Config) checkDemoRateLimit() error {
	if c.DemoRateLimit < 0 || c.DemoRateLimit > MaxDemoRateLimit {
		return Errorf("--demo-rate-limit must be from 1 to %d requests a second (0 is no limit), not %d", MaxDemoRateLimit, c.DemoRateLimit)
	}
	return nil
}

func (c Config) checkDemoModes() error {
	if c.ServeDemo != "" && c.Demo {
		return Errorf("--demo and --serve-demo do not go together: --demo browses, --serve-demo only serves")
	}
	return nil
}

// checkServeSSH checks --serve-ssh's address, users and bounds, and that
// it is asked for alone: the sessions choose what to browse or print.
func (c Config) checkServeSSH() error {
	if c.ServeSSH == "" {
		for _, f := range []string{"ssh-idle-timeout", "ssh-max-session", "ssh-max-sessions"} {
			if c.Sources[f] == "flag" {
				return Errorf("--%s goes with --serve-ssh", f)
			}
		}
		return nil
	}
	if _, err := SSHAddress(c.ServeSSH); err != nil {
		return err
	}
	switch {
	case len(c.SSHUsers) == 0:
		return Errorf("--serve-ssh: the config file (%s) has no [[ssh_user]] (name, key: one OpenSSH public key line, role: read or act): nobody could log in", cmp.Or(c.ConfigFile, configFileHome))
	case c.Output != "" || c.Action != "" || c.ShowFleet || c.ServeDemo != "" || c.Watch > 0:
		return Errorf("--serve-ssh only serves: each session chooses what to open or print (ssh -p PORT HOST -- --task-id ID -o csv)")
	case c.SSHIdle < time.Minute || c.SSHIdle > 24*time.Hour:
		return Errorf("--ssh-idle-timeout must be from 1m to 24h, not %s", c.SSHIdle)
	case c.SSHMaxSession < time.Minute || c.SSHMaxSession > 7*24*time.Hour:
		return Errorf("--ssh-max-session must be from 1m to 168h, not %s", c.SSHMaxSession)
	case c.SSHMaxSessions < 1 || c.SSHMaxSessions > 1000:
		return Errorf("--ssh-max-sessions must be from 1 to 1000, not %d", c.SSHMaxSessions)
	}
	return nil
}

// checkIDs checks the ids that go into request paths, in a fixed order
// (the first bad one is named).
func (c Config) checkIDs() error {
	for _, id := range []struct{ flag, value string }{
		{"--project-id (or $HUAWEICLOUD_SDK_PROJECT_ID)", c.ProjectID}, {"--task-id", c.TaskID}, {"--record-id", c.RecordID},
	} {
		if id.value == "" {
			continue
		}
		if err := api.ValidID(id.value); err != nil {
			return Errorf("%s %q %w", id.flag, id.value, err)
		}
	}
	return nil
}

// checkRegion checks the region's name: it goes into the endpoint's
// host name.
func (c Config) checkRegion() error {
	if c.Region != "" && !regionName.MatchString(c.Region) {
		return Errorf("--region %q is not a region name like cn-north-4", c.Region)
	}
	return nil
}

// checkProfile checks that a profile named can be used, before anything
// is asked of the network.
func (c Config) checkProfile(getenv func(string) string) error {
	if c.Profile == "" {
		return nil
	}
	_, err := readKooProfile(KooCLIPath(getenv), c.Profile, io.Discard)
	return err
}

// checkWhere checks that something says which endpoint to ask.
func (c Config) checkWhere() error {
	if c.Endpoint == "" && c.Region == "" {
		return Errorf("missing --region (one of %s) or --endpoint (or try --demo)", strings.Join(KnownRegions, ", "))
	}
	return nil
}

func (c Config) checkRecordHasTask() error {
	switch {
	case c.RecordID != "" && c.TaskID == "" && c.TaskName == "":
		return Errorf("--record-id needs --task-id (or --task NAME): a record belongs to a task")
	}
	return nil
}

func (c Config) checkActionHasRecord() error {
	if c.Action != "" && c.RecordID == "" {
		return Errorf("--action acts on one run's desktops: give --task-id and --record-id")
	}
	return nil
}

func (c Config) checkComparisonHasRecord() error {
	if c.RecordID == "" && (c.CompareTo != "" || c.HistoryOut) {
		return Errorf("--compare-to and --history compare one run's details with the runs before: give --task-id and --record-id")
	}
	return nil
}

// checkEndpoints checks the endpoints given, in a fixed order. One
// made from a region needs no check: a region name makes a valid host.
func (c Config) checkEndpoints() error {
	for _, u := range []struct{ flag, value string }{{"--endpoint", c.Endpoint}, {"--iam-endpoint", c.IAMEndpoint}} {
		if u.value == "" {
			continue
		}
		if _, err := api.ParseEndpoint(u.value); err != nil {
			return Errorf("%s: %w", u.flag, err)
		}
	}
	return nil
}
