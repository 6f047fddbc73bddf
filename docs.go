package main

import (
	"cmp"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/manual"
	"github.com/wksrec/wksrec/keymap"
)

// wksrec completion SHELL, wksrec man, and the completion scripts'
// helper: made from the same flag definitions and key tables as --help.

// subcommand runs a word that is not a flag, when args start with one;
// ok is false for anything else.
func subcommand(args []string, stdout, stderr io.Writer, getenv func(string) string) (status int, ok bool) {
	if len(args) == 0 {
		return 0, false
	}
	switch args[0] {
	case "completion":
		if len(args) != 2 {
			fmt.Fprintln(stderr, "wksrec: completion takes one shell: bash, zsh or fish")
			return 2, true
		}
		script, err := manual.Completion(args[1], docFlags())
		if err != nil {
			fmt.Fprintln(stderr, "wksrec: "+err.Error())
			return 2, true
		}
		fmt.Fprint(stdout, script)
		return 0, true
	case "man":
		fmt.Fprint(stdout, manPage())
		return 0, true
	case "__complete":
		// The scripts ask for what only this machine knows: its KooCLI
		// profiles. Nothing is printed on any trouble.
		if len(args) == 2 && args[1] == "profile" {
			for _, p := range config.ProfileNames(getenv) {
				fmt.Fprintln(stdout, p)
			}
		}
		return 0, true
	}
	return 0, false
}

// docFlags are the flags with the values each takes.
func docFlags() []manual.Flag {
	var c config.Config
	fs := config.NewFlagSet(&c)
	var changes []string
	for ch := range compare.NumChanges {
		changes = append(changes, ch.Wire())
	}
	var acts []string
	for _, a := range api.PowerActions {
		acts = append(acts, a.Name)
	}
	values := map[string][]string{
		"region": config.KnownRegions, "theme": {"auto", "light", "dark"}, "output": export.Formats,
		"action": append(acts, actions.Rerun.Name), "status": filter.KnownStatuses, "change": changes,
		"record-id": compare.RunNames, "compare-to": {"previous"},
	}
	files := []string{"config", "token-file", "credentials-file", "ca-file", "debug"}
	return manual.Flags(fs, values, map[string]string{"profile": "profile"}, files)
}

// manPage is `wksrec man`: the flags in --help's sections, the keys.
func manPage() string {
	byName := map[string]manual.Flag{}
	for _, f := range docFlags() {
		byName[f.Name] = f
	}
	var sections []manual.Section
	for _, g := range flagGroups {
		s := manual.Section{Title: g.title}
		for _, name := range g.flags {
			s.Flags = append(s.Flags, byName[name])
		}
		sections = append(sections, s)
	}
	k := keymap.Default()
	var keys []manual.Key
	for _, action := range k.Actions() {
		keysOf, desc := k.HelpOf(action)
		keys = append(keys, manual.Key{Keys: keysOf, Desc: cmp.Or(desc, strings.ReplaceAll(action, "_", " "))})
	}
	return manual.Man(versionString(), buildDate(), sections, keys)
}

// buildDate is the commit's date, or today's.
func buildDate() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.time" && len(s.Value) >= 10 {
				return s.Value[:10]
			}
		}
	}
	return time.Now().UTC().Format("2006-01-02")
}
