package config

import (
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// remoteFlags are the flags a session served over SSH may give
// (ssh -p 2222 bastion -- --task-id … -o csv): what to open or print,
// and how. The rest are the server's: where it reads and with which
// credentials (a session pointing --endpoint at its own server would be
// sent the server's signed requests), which files it reads and writes,
// which commands it runs, and the demo's make-up.
var remoteFlags = []string{
	"task-id", "task", "record-id", "page-size", "local-time", "watch", "mouse", "theme",
	"output", "status", "compare-to", "change", "history", "exit-code", "script-output",
	"wait", "wait-timeout", "filter", "fleet", "read-only", "help", "version",
	"action", "confirm", "dry-run",
}

// actingFlags act on desktops: refused to a read key.
var actingFlags = []string{"action", "confirm", "dry-run"}

// SessionFlag reports whether a session over SSH may give flag name (an
// act key's session, or a read key's).
func SessionFlag(name string, mayAct bool) bool {
	return slices.Contains(remoteFlags, name) && (mayAct || !slices.Contains(actingFlags, name))
}

// CheckRemoteArgs checks a session's arguments before anything is read:
// flags only (they are never given to a shell), and of those only
// remoteFlags; a key that may not act may not name --action at all.
func CheckRemoteArgs(args []string, mayAct bool) error {
	var c Config
	fs, err := parseFlags(&c, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return Errorf("unexpected argument %q: a session takes wksrec's flags only (ssh -p PORT HOST -- --task-id ID -o csv)", fs.Arg(0))
	}
	var refused error
	fs.Visit(func(f *pflag.Flag) {
		switch {
		case refused != nil:
		case !slices.Contains(remoteFlags, f.Name):
			var mine []string
			for _, name := range remoteFlags {
				if SessionFlag(name, mayAct) {
					mine = append(mine, name)
				}
			}
			refused = Errorf("--%s is the server's to set: over SSH a session chooses what to open or print (--%s)", f.Name, strings.Join(mine, ", --"))
		case !SessionFlag(f.Name, mayAct):
			refused = Errorf("--%s: this key's role is read, which looks and never acts; nothing was sent", f.Name)
		}
	})
	return refused
}
