// Package manual writes what a shell and man(1) load from the command's
// own flag definitions and key tables, so neither can drift from --help:
// the completion scripts of bash, zsh and fish, and the man page.
//
// The scripts are written here rather than by a library: pflag has none
// of its own, and the libraries that complete (cobra's, posener/complete)
// want their own command tree or a binary that answers the shell at every
// Tab; three small scripts, each checked by its shell in the tests, are
// simpler and work on a bastion where the binary is slow to start.
package manual

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// Flag is one flag as completion and the man page see it.
type Flag struct {
	Name, Short string
	Value       string   // the value's name ("" for a switch)
	Usage       string   // what it does, without the value's name marks
	Values      []string // the values it takes, when they are known
	Dynamic     string   // the values come from `wksrec __complete KIND` (profiles)
	File        bool     // the value is a path
	Optional    bool     // the value may be left out (--watch)
}

// Flags are fs's flags in fs's order, with the values each takes.
func Flags(fs *pflag.FlagSet, values map[string][]string, dynamic map[string]string, files []string) []Flag {
	var out []Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		fl := Flag{Name: f.Name, Short: f.Shorthand, Usage: usage, Values: values[f.Name], Dynamic: dynamic[f.Name],
			File: slices.Contains(files, f.Name), Optional: f.NoOptDefVal != "" && f.Value.Type() != "bool"}
		if f.Value.Type() != "bool" {
			fl.Value = strings.ToUpper(name)
		}
		out = append(out, fl)
	})
	return out
}

// Completion is the completion script for shell: bash, zsh or fish.
func Completion(shell string, flags []Flag) (string, error) {
	switch shell {
	case "bash":
		return bash(flags), nil
	case "zsh":
		return zsh(flags), nil
	case "fish":
		return fish(flags), nil
	}
	return "", fmt.Errorf("no completion for %q: the shells are bash, zsh and fish", shell)
}

func bash(flags []Flag) string {
	var b strings.Builder
	b.WriteString("# bash completion for wksrec: source it, or put it in ~/.local/share/bash-completion/completions/wksrec\n")
	b.WriteString("_wksrec() {\n\tlocal cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	b.WriteString("\tif [ \"$COMP_CWORD\" -eq 1 ] && [[ \"$cur\" != -* ]]; then\n\t\tCOMPREPLY=($(compgen -W 'completion man' -- \"$cur\"))\n\t\treturn\n\tfi\n")
	b.WriteString("\tcase \"$prev\" in\n")
	for _, f := range flags {
		if f.Value == "" || f.Optional {
			continue
		}
		fmt.Fprintf(&b, "\t%s)\n", flagWords(f))
		switch {
		case len(f.Values) > 0:
			fmt.Fprintf(&b, "\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))\n", shQuote(strings.Join(f.Values, " ")))
		case f.Dynamic != "":
			fmt.Fprintf(&b, "\t\tCOMPREPLY=($(compgen -W \"$(wksrec __complete %s 2>/dev/null)\" -- \"$cur\"))\n", f.Dynamic)
		case f.File:
			b.WriteString("\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n")
		default:
			b.WriteString("\t\tCOMPREPLY=()\n")
		}
		b.WriteString("\t\treturn\n\t\t;;\n")
	}
	b.WriteString("\tesac\n")
	var all []string
	for _, f := range flags {
		all = append(all, "--"+f.Name)
		if f.Short != "" {
			all = append(all, "-"+f.Short)
		}
	}
	fmt.Fprintf(&b, "\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))\n}\ncomplete -F _wksrec wksrec\n", shQuote(strings.Join(all, " ")))
	return b.String()
}

func flagWords(f Flag) string {
	if f.Short != "" {
		return "--" + f.Name + "|-" + f.Short
	}
	return "--" + f.Name
}

func zsh(flags []Flag) string {
	var b strings.Builder
	b.WriteString("#compdef wksrec\n# zsh completion for wksrec: put it in a directory of $fpath as _wksrec\n\n_wksrec() {\n\t_arguments -s \\\n")
	for _, f := range flags {
		desc := zshEscape(firstSentence(f.Usage))
		spec := "--" + f.Name
		if f.Short != "" {
			spec = "(-" + f.Short + " --" + f.Name + ")'{-" + f.Short + ",--" + f.Name + "}'"
		}
		action := ""
		switch {
		case f.Value == "":
		case len(f.Values) > 0:
			action = ":" + strings.ToLower(f.Value) + ":(" + strings.Join(f.Values, " ") + ")"
		case f.Dynamic != "":
			action = ":" + strings.ToLower(f.Value) + ":{compadd -- ${(f)\"$(wksrec __complete " + f.Dynamic + " 2>/dev/null)\"}}"
		case f.File:
			action = ":" + strings.ToLower(f.Value) + ":_files"
		default:
			action = ":" + strings.ToLower(f.Value) + ": "
		}
		if f.Optional {
			action = strings.Replace(action, ":", "::", 1)
			spec += "="
		} else if f.Value != "" {
			spec += "="
		}
		fmt.Fprintf(&b, "\t\t'%s[%s]%s' \\\n", spec, desc, action)
	}
	b.WriteString("\t\t'1:command:(completion man)'\n}\n\ncompdef _wksrec wksrec\n")
	return b.String()
}

func fish(flags []Flag) string {
	var b strings.Builder
	b.WriteString("# fish completion for wksrec: put it in ~/.config/fish/completions/wksrec.fish\n")
	b.WriteString("complete -c wksrec -f -n __fish_use_subcommand -a 'completion man'\n")
	b.WriteString("complete -c wksrec -f -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n")
	for _, f := range flags {
		line := "complete -c wksrec -l " + f.Name
		if f.Short != "" {
			line += " -s " + f.Short
		}
		switch {
		case f.Value == "":
		case len(f.Values) > 0:
			line += " -x -a " + shQuote(strings.Join(f.Values, " "))
		case f.Dynamic != "":
			line += " -x -a '(wksrec __complete " + f.Dynamic + " 2>/dev/null)'"
		case f.File:
			line += " -r -F"
		default:
			line += " -x"
		}
		line += " -d " + shQuote(firstSentence(f.Usage))
		b.WriteString(line + "\n")
	}
	return b.String()
}

// firstSentence is a usage cut at its first clause: a completion menu's
// line.
func firstSentence(s string) string {
	for _, sep := range []string{"; ", ": ", " ("} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return s
}

// shQuote quotes s for sh and fish: single quotes, a quote inside closed
// and escaped.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// zshEscape makes s safe inside an _arguments spec's [description],
// itself in single quotes.
func zshEscape(s string) string {
	r := strings.NewReplacer("'", `'\''`, "[", `\[`, "]", `\]`, ":", `\:`)
	return r.Replace(s)
}
