package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
)

// config is everything the command line and environment decided.
type config struct {
	endpoint, region            string
	projectID, taskID, recordID string
	tokenFile                   string
	pageSize                    int
	demo                        bool
	serveDemo                   string
	demoLatency                 time.Duration
	showVersion, showHelp       bool
}

// usageError is a bad flag, value or missing setting: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func newFlagSet(c *config) *pflag.FlagSet {
	fs := pflag.NewFlagSet("wksrec", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&c.endpoint, "endpoint", "", "Workspace API base `URL` (overrides --region)")
	fs.StringVar(&c.region, "region", "", "Huawei Cloud region `NAME` (e.g. cn-north-4): https://workspace.NAME.myhuaweicloud.com")
	fs.StringVar(&c.projectID, "project-id", "", "project `ID` (default $HUAWEICLOUD_SDK_PROJECT_ID)")
	fs.StringVar(&c.taskID, "task-id", "", "scheduled task `ID`")
	fs.StringVar(&c.recordID, "record-id", "", "execution record `ID` of that task")
	fs.StringVar(&c.tokenFile, "token-file", "", "read the IAM token from `PATH` (default $WKSREC_AUTH_TOKEN)")
	fs.IntVar(&c.pageSize, "page-size", 100, "rows fetched per request, `N` from 1 to 100")
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
	if c.endpoint == "" && c.region != "" {
		if !regionName.MatchString(c.region) {
			return c, fs, usagef("--region %q is not a region name like cn-north-4", c.region)
		}
		c.endpoint = "https://workspace." + c.region + ".myhuaweicloud.com"
	}
	var missing []string
	if c.endpoint == "" {
		missing = append(missing, "--region or --endpoint")
	}
	if c.projectID == "" {
		missing = append(missing, "--project-id (or $HUAWEICLOUD_SDK_PROJECT_ID)")
	}
	if c.taskID == "" {
		missing = append(missing, "--task-id")
	}
	if c.recordID == "" {
		missing = append(missing, "--record-id")
	}
	if len(missing) > 0 {
		return c, fs, usagef("missing %s (or try --demo)", strings.Join(missing, ", "))
	}
	if _, err := api.ParseEndpoint(c.endpoint); err != nil {
		return c, fs, usageError{err.Error()}
	}
	return c, fs, nil
}

var regionName = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)

// token finds the IAM token: --token-file, then $WKSREC_AUTH_TOKEN.
// The token is never echoed, not even in part.
func (c config) token(getenv func(string) string) (string, error) {
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return "", usagef("cannot read --token-file: %v", pathError(err))
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", usagef("--token-file %s is empty", c.tokenFile)
		}
		return tok, nil
	}
	if tok := strings.TrimSpace(getenv("WKSREC_AUTH_TOKEN")); tok != "" {
		return tok, nil
	}
	return "", usagef("no credentials: set WKSREC_AUTH_TOKEN or pass --token-file PATH (or try --demo)")
}

// pathError keeps the OS reason and path of a file error.
func pathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
