package manual

import (
	"fmt"
	"strings"
)

// Section is a titled group of flags, as --help groups them.
type Section struct {
	Title string
	Flags []Flag
}

// Key is one action's keys and what it does.
type Key struct{ Keys, Desc string }

// Man is the man page (roff, man(7) macros) of the flags in their --help
// sections and the keys; date is the page's date (the build's, or
// today's).
func Man(version, date string, sections []Section, keys []Key) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH WKSREC 1 %s %s \"User Commands\"\n", roffArg(date), roffArg("wksrec "+version))
	b.WriteString(".SH NAME\nwksrec \\- browse Huawei Cloud Workspace scheduled-task execution records in the terminal\n")
	b.WriteString(".SH SYNOPSIS\n.B wksrec\n[\\fIOPTIONS\\fR]\n.br\n.B wksrec completion\n\\fBbash\\fR|\\fBzsh\\fR|\\fBfish\\fR\n.br\n.B wksrec man\n")
	b.WriteString(".SH DESCRIPTION\nwksrec pages through the execution details of a scheduled task's run, shows them in a table " +
		"coloured by status with a pane for the failure reason, and narrows to the failures in one key. " +
		"With \\fB\\-o\\fR it prints them for scripts instead; with \\fB\\-\\-action\\fR it acts on the desktops.\n")
	for _, s := range sections {
		fmt.Fprintf(&b, ".SH %s\n", roffArg(strings.ToUpper(s.Title)))
		for _, f := range s.Flags {
			b.WriteString(".TP\n")
			if f.Short != "" {
				fmt.Fprintf(&b, "\\fB\\-%s\\fR, ", Escape(f.Short))
			}
			fmt.Fprintf(&b, "\\fB\\-\\-%s\\fR", Escape(f.Name))
			if f.Value != "" {
				fmt.Fprintf(&b, " \\fI%s\\fR", Escape(f.Value))
			}
			b.WriteString("\n" + roffLine(f.Usage) + "\n")
		}
	}
	b.WriteString(".SH KEYS\nIn the browser (each can be rebound in the config file's [keys]):\n")
	for _, k := range keys {
		fmt.Fprintf(&b, ".TP\n\\fB%s\\fR\n%s\n", Escape(k.Keys), roffLine(k.Desc))
	}
	b.WriteString(".SH EXIT STATUS\n0 done; 1 a runtime failure; 2 bad flags or configuration; 3 with \\fB\\-\\-exit\\-code\\fR, rows were printed; " +
		"128+N ended by signal N.\n")
	b.WriteString(".SH FILES\n.TP\n~/.config/wksrec/config.toml\nthe config file (\\fB$WKSREC_CONFIG\\fR, \\fB$XDG_CONFIG_HOME\\fR)\n" +
		".TP\n~/.local/state/wksrec/actions.log\nthe audit log of actions (\\fB$XDG_STATE_HOME\\fR)\n" +
		".TP\n~/.cache/wksrec/runs\nfinished runs kept (\\fB$XDG_CACHE_HOME\\fR)\n")
	b.WriteString(".SH SEE ALSO\nThe README, in the source: https://github.com/wksrec/wksrec\n")
	return b.String()
}

// Escape escapes s for roff: backslashes, and hyphens as minus signs
// (what a flag is typed with).
func Escape(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	var b strings.Builder
	for _, r := range s {
		if r > 0x7e || (r < 0x20 && r != '\t') {
			fmt.Fprintf(&b, `\[u%04X]`, r) // roff's own escape: the page needs no preprocessor for "…" or "–"
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// roffLine is text for a line of its own: escaped, and a leading dot or
// quote (a request to roff) made plain.
func roffLine(s string) string {
	s = Escape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffArg is a macro's argument: quoted, its quotes doubled.
func roffArg(s string) string { return `"` + strings.ReplaceAll(Escape(s), `"`, `""`) + `"` }
