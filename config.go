package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
)

// config is everything the command line and environment decided.
type config struct {
	endpoint, region, iamEndpoint string
	projectID, taskID, recordID   string
	tokenFile, credentialsFile    string
	caFile                        string
	pageSize, concurrency         int
	localTime                     bool
	output, statuses, filter      string
	watch                         time.Duration
	theme, debugFile              string
	demo                          bool
	serveDemo                     string
	demoLatency                   time.Duration
	showVersion, showHelp         bool
}

// knownRegions are the regions the official SDK has a Workspace endpoint
// for (plus na-mexico-1 from the docs). Others are accepted: regions appear.
var knownRegions = []string{
	"cn-north-4", "cn-north-9", "cn-north-11", "cn-east-3", "cn-east-5", "cn-south-1", "cn-southwest-2",
	"ap-southeast-1", "ap-southeast-3", "af-south-1", "la-south-2", "la-north-2", "sa-brazil-1",
	"me-east-1", "tr-west-1", "na-mexico-1",
}

// usageError is a bad flag, value or missing setting: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func newFlagSet(c *config) *pflag.FlagSet {
	fs := pflag.NewFlagSet("wksrec", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&c.region, "region", "", "Huawei Cloud region `NAME`: the endpoint is https://workspace.NAME.myhuaweicloud.com")
	fs.StringVar(&c.endpoint, "endpoint", "", "Workspace API base `URL`; wins over --region")
	fs.StringVar(&c.projectID, "project-id", "", "project `ID` (default $HUAWEICLOUD_SDK_PROJECT_ID, the credentials file, or asked of IAM)")
	fs.StringVar(&c.taskID, "task-id", "", "open this scheduled task's records (`ID`); without it, start at the task list")
	fs.StringVar(&c.recordID, "record-id", "", "open this execution record's details (`ID`; needs --task-id)")
	fs.StringVar(&c.tokenFile, "token-file", "", "read an IAM token from `PATH`")
	fs.StringVar(&c.credentialsFile, "credentials-file", "", "read AK/SK from this SDK credentials `PATH` (INI, [basic] ak, sk)")
	fs.StringVar(&c.iamEndpoint, "iam-endpoint", "", "IAM base `URL` for project discovery (default $HUAWEICLOUD_SDK_IAM_ENDPOINT or https://iam.REGION.myhuaweicloud.com)")
	fs.StringVar(&c.caFile, "ca-file", "", "trust the CA certificates in `PEM` as well as the system's (corporate proxies)")
	fs.IntVar(&c.pageSize, "page-size", 100, "rows fetched per request, `N` from 1 to 100 (tasks: at most 50)")
	fs.BoolVar(&c.localTime, "local-time", false, "show times in this machine's time zone instead of each record's own")
	fs.DurationVar(&c.watch, "watch", 0, "refresh every `DURATION` (--watch=30s; at least 2s) while anything on screen is RUNNING or WAITING; --watch alone is 10s")
	fs.Lookup("watch").NoOptDefVal = "10s"
	fs.StringVar(&c.debugFile, "debug", "", "append one line per HTTP request to `FILE` (method, path, status, time, request id, retries; never a secret)")
	fs.StringVar(&c.theme, "theme", "auto", "colours for a `dark` or light terminal; auto asks the terminal, which can stall over a slow SSH link")
	fs.IntVar(&c.concurrency, "concurrency", 4, "requests in flight at most when loading every page (`N` from 1 to 16)")
	fs.StringVarP(&c.output, "output", "o", "", "print the record's details as `FORMAT` json, csv or tsv and exit (needs --task-id and --record-id)")
	fs.StringVar(&c.statuses, "status", "", "with -o: keep only these statuses (`LIST`, e.g. FAIL,SKIP)")
	fs.StringVar(&c.filter, "filter", "", "with -o: keep only details matching `EXPR` (the / filter's syntax, e.g. 'code:WKS.0001 !name:lab')")
	fs.BoolVar(&c.demo, "demo", false, "browse the built-in fake API on loopback: no credentials, no network")
	fs.StringVar(&c.serveDemo, "serve-demo", "", "only serve the fake API on `ADDR` (e.g. 127.0.0.1:8080) for scripts, the CLI or SDKs")
	fs.DurationVar(&c.demoLatency, "demo-latency", 0, "add `DURATION` of latency to every fake API answer (e.g. 300ms)")
	fs.BoolVar(&c.showVersion, "version", false, "print the version and exit")
	fs.BoolVarP(&c.showHelp, "help", "h", false, "show this help")
	return fs
}

// parseConfig reads args and the environment. Its errors are usageErrors.
func parseConfig(args []string, getenv func(string) string) (config, *pflag.FlagSet, error) {
	var c config
	fs := newFlagSet(&c)
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			c.showHelp = true
			return c, fs, nil
		}
		return c, fs, usageError{err.Error()}
	}
	if c.showHelp || c.showVersion {
		return c, fs, nil
	}
	if fs.NArg() > 0 {
		return c, fs, usagef("unexpected argument %q: every setting is a flag", fs.Arg(0))
	}
	if c.pageSize < 1 || c.pageSize > api.MaxDetailLimit {
		return c, fs, usagef("--page-size must be from 1 to %d, not %d", api.MaxDetailLimit, c.pageSize)
	}
	if c.watch != 0 && (c.watch < 2*time.Second || c.watch > time.Hour) {
		return c, fs, usagef("--watch must be from 2s to 1h, not %s", c.watch)
	}
	if c.theme != "auto" && c.theme != "light" && c.theme != "dark" {
		return c, fs, usagef("--theme %q: use auto, light or dark", c.theme)
	}
	if c.concurrency < 1 || c.concurrency > 16 {
		return c, fs, usagef("--concurrency must be from 1 to 16, not %d", c.concurrency)
	}
	if c.output != "" && !slices.Contains(export.Formats, c.output) {
		return c, fs, usagef("-o %q: use json, csv or tsv", c.output)
	}
	if (c.statuses != "" || c.filter != "") && c.output == "" {
		return c, fs, usagef("--status and --filter go with -o; in the browser use f, s and /")
	}
	if _, err := filter.Parse(c.filter); err != nil {
		return c, fs, usagef("--filter: %v", err)
	}
	if c.demoLatency < 0 || c.demoLatency > time.Minute {
		return c, fs, usagef("--demo-latency must be from 0 to 1m, not %s", c.demoLatency)
	}
	if c.serveDemo != "" || c.demo {
		if c.serveDemo != "" && c.demo {
			return c, fs, usagef("--demo and --serve-demo do not go together: --demo browses, --serve-demo only serves")
		}
		return c, fs, nil
	}
	if c.projectID == "" {
		c.projectID = getenv("HUAWEICLOUD_SDK_PROJECT_ID")
	}
	if c.iamEndpoint == "" {
		c.iamEndpoint = getenv("HUAWEICLOUD_SDK_IAM_ENDPOINT")
	}
	for flag, id := range map[string]string{"--project-id (or $HUAWEICLOUD_SDK_PROJECT_ID)": c.projectID, "--task-id": c.taskID, "--record-id": c.recordID} {
		if id == "" {
			continue
		}
		if err := api.ValidID(id); err != nil {
			return c, fs, usagef("%s %q %v", flag, id, err)
		}
	}
	if c.region != "" && !regionName.MatchString(c.region) {
		return c, fs, usagef("--region %q is not a region name like cn-north-4", c.region)
	}
	switch {
	case c.endpoint == "" && c.region == "":
		return c, fs, usagef("missing --region (one of %s) or --endpoint (or try --demo)", strings.Join(knownRegions, ", "))
	case c.endpoint == "":
		c.endpoint = "https://workspace." + c.region + ".myhuaweicloud.com"
	}
	if c.recordID != "" && c.taskID == "" {
		return c, fs, usagef("--record-id needs --task-id: a record belongs to a task")
	}
	if c.output != "" && c.recordID == "" {
		return c, fs, usagef("-o prints one record's details: give --task-id and --record-id")
	}
	for flag, u := range map[string]string{"--endpoint": c.endpoint, "--iam-endpoint": c.iamEndpoint} {
		if u == "" {
			continue
		}
		if _, err := api.ParseEndpoint(u); err != nil {
			return c, fs, usagef("%s: %v", flag, err)
		}
	}
	return c, fs, nil
}

var regionName = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
