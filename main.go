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
	_ "time/tzdata" // record time zones must resolve on hosts without tzdata

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/cli"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/quietinit"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = ""

func init() {
	// The dependencies have initialised without asking the terminal
	// anything (see internal/quietinit); from here TERM is the user's again.
	quietinit.Restore()
}

func main() {
	env := cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Version: versionString(), Retry: api.DefaultRetry}
	os.Exit(runIn(env, os.Args[1:]))
}

// runIn is main without the process: it returns the exit status. 0 on
// success, 2 for bad flags or configuration, 1 for runtime failures, 3
// for -o --exit-code with rows printed, 128 + n for a signal n.
func runIn(env cli.Env, args []string) (status int) {
	stdout, stderr, getenv := env.Stdout, env.Stderr, env.Getenv
	defer func() {
		// Never a stack trace: a bug still ends in one line and status 1.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "wksrec: internal error: %v (please report it)\n", r)
			status = 1
		}
	}()
	if status, ok := subcommand(args, stdout, stderr, getenv); ok {
		return status
	}
	c, fs, err := config.Parse(args, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	c = env.Own(c)
	switch {
	case c.ShowHelp && env.Remote != nil:
		fmt.Fprint(stdout, sessionUsage(fs, env.Remote.User.MayAct))
		return 0
	case c.ShowHelp:
		fmt.Fprint(stdout, usage(fs))
		return 0
	case c.ShowVersion:
		fmt.Fprintln(stdout, "wksrec", versionLine())
		return 0
	case c.PrintConfig:
		return fail(stderr, config.PrintSettings(stdout, c, fs))
	}
	switch {
	case c.ServeDemo != "":
		return fail(stderr, env.ServeDemo(c))
	case c.ServeSSH != "":
		return fail(stderr, env.ServeSSH(c, fs, args, runIn))
	case c.ShowFleet && c.Output != "":
		printed, err := env.PrintFleet(c)
		if err == nil && c.ExitCode && printed > 0 {
			return 3 // --exit-code: rows were printed (a member's newest run with --status)
		}
		return fail(stderr, err)
	case c.Output != "" && c.Watch > 0:
		return fail(stderr, env.WatchJSON(c))
	case c.Output != "":
		printed, err := env.PrintDetails(c)
		if err == nil && c.ExitCode && printed > 0 {
			return 3 // --exit-code: rows were printed (cron, monitoring)
		}
		return fail(stderr, err)
	case c.Action != "":
		return fail(stderr, env.Act(c))
	}
	return fail(stderr, env.Browse(c))
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
	var sig cli.SignalError
	if errors.As(err, &sig) {
		return sig.Status()
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
