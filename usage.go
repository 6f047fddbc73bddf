package main

import (
	"cmp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/internal/config"
)

// --help and --version.

func versionString() string {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return cmp.Or(version, "dev")
}

// versionLine is --version's line: the version, and what the build says
// of itself (its commit, the commit's time, changes not committed, the Go
// that built it).
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionString() + " " + runtime.Version()
	}
	return describeBuild(version, bi)
}

// describeBuild says what was built, from the build's own information:
// the module's version (or -ldflags' version, or "dev"), the commit, its
// time and whether the tree had changes, and the Go that built it.
// "v1.4.0 (commit 1a2b3c4d5e6f, 2026-12-03T17:00:00Z) go1.26.8".
func describeBuild(version string, bi *debug.BuildInfo) string {
	v := version
	if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	v = cmp.Or(v, "dev")
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var parts []string
	if rev := settings["vcs.revision"]; rev != "" {
		parts = append(parts, "commit "+rev[:min(len(rev), 12)])
	}
	if t := settings["vcs.time"]; t != "" {
		parts = append(parts, t)
	}
	if settings["vcs.modified"] == "true" {
		parts = append(parts, "with changes not committed")
	}
	if len(parts) > 0 {
		v += " (" + strings.Join(parts, ", ") + ")"
	}
	return v + " " + cmp.Or(bi.GoVersion, runtime.Version())
}

// flagGroups are --help's sections, each its flags in order: what a
// user looks for (connecting, browsing, scripts, actions, settings) before
// the demo's. Every flag is in one (TestHelpGroupsEveryFlag).
var flagGroups = []struct {
	title string
	flags []string
}{
	{"Connect", []string{"region", "endpoint", "project-id", "profile", "token-file", "credentials-file", "iam-endpoint", "ca-file"}},
	{"Open", []string{"task-id", "task", "record-id", "fleet"}},
	{"Browse", []string{"watch", "notify-cmd", "webhook", "local-time", "theme", "mouse", "history", "read-only"}},
	{"Scripts (-o)", []string{"output", "status", "filter", "compare-to", "change", "exit-code", "script-output", "wait", "wait-timeout"}},
	{"Act on desktops", []string{"action", "confirm", "dry-run"}},
	{"Loading and the store", []string{"page-size", "concurrency", "cache-max", "no-cache", "debug"}},
	{"Settings", []string{"config", "print-config", "version", "help"}},
	{"Serve over SSH (a bastion host: see the README)", []string{"serve-ssh", "ssh-idle-timeout", "ssh-max-session", "ssh-max-sessions"}},
	{"Demo (a fake API on loopback: no account needed)", []string{"demo", "serve-demo", "demo-latency", "demo-rate-limit", "demo-deny-actions", "demo-faults"}},
}

// sessionUsage is --help in a session served over SSH: only the flags a
// session may give (an act key's, or a read key's without --action).
func sessionUsage(fs *pflag.FlagSet, mayAct bool) string {
	return `wksrec over SSH – browse Huawei Cloud Workspace scheduled tasks, their runs
and each run's per-desktop results, with the server's credentials.

Usage:
  ssh -t -p PORT HOST                     the browser
  ssh -t -p PORT HOST -- --task NAME --record-id latest
  ssh -p PORT HOST -- --task NAME --record-id latest --status FAIL -o csv
` + flagUsagesOf(fs, func(name string) bool { return config.SessionFlag(name, mayAct) })
}

// flagUsages is pflag's table, section by section, each line within 80
// columns, without the "[=true|false]" it prints after every bool flag
// (blanked, not removed, so the columns stay aligned).
func flagUsages(fs *pflag.FlagSet) string {
	return flagUsagesOf(fs, func(string) bool { return true })
}

// flagUsagesOf is flagUsages of the flags shown says to show; a section
// with none is left out.
func flagUsagesOf(fs *pflag.FlagSet, shown func(name string) bool) string {
	var b strings.Builder
	for _, g := range flagGroups {
		part := pflag.NewFlagSet(g.title, pflag.ContinueOnError)
		part.SortFlags = false
		for _, name := range g.flags {
			if f := fs.Lookup(name); f != nil && shown(name) {
				part.AddFlag(f)
			}
		}
		if !part.HasFlags() {
			continue
		}
		b.WriteString("\n" + g.title + ":\n")
		b.WriteString(strings.ReplaceAll(part.FlagUsagesWrapped(80), "[=true|false]", "             "))
	}
	return b.String()
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
	return `wksrec – browse Huawei Cloud Workspace scheduled tasks, their runs and
each run's per-desktop results.

Usage:
  wksrec --region cn-north-4          the project's tasks › runs › details
  wksrec --region cn-north-4 --task-id ID --record-id ID
  wksrec --demo                       a built-in fake API: no account needed
  wksrec completion bash|zsh|fish     a completion script for your shell
  wksrec man                          the man page (wksrec man > wksrec.1)
` + flagUsages(fs) + `
` + wrapWords("Regions known: "+strings.Join(config.KnownRegions, ", ")+". Others are accepted too; --endpoint always wins.", 80) + `

Credentials, first found wins (secrets are never taken as flag values):
  1. --token-file PATH, then --credentials-file PATH, then --profile NAME
  2. $WKSREC_AUTH_TOKEN: an IAM token, sent as X-Auth-Token
  3. $HUAWEICLOUD_SDK_AK, $HUAWEICLOUD_SDK_SK (+ _SECURITY_TOKEN)
  4. $HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials
     ([basic] ak, sk, project_id, security_token)
  5. the KooCLI (hcloud) profile in use in ~/.hcloud/config.json
  AK/SK requests are signed (SDK-HMAC-SHA256). Without a project id, wksrec
  asks IAM for the project named after --region.

Environment:
  HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_IAM_ENDPOINT  flag defaults
  HTTPS_PROXY, NO_PROXY                                     proxy settings
  NO_COLOR                                                  no colour

Keys: j/k or arrows move, PgUp/PgDn page, g/G first/last, enter or l opens
(in details: the detail pane), tab the detail pane, esc or h goes back,
r retries or refreshes, : commands (:q quits), ? shows every key, q quits.
`
}
