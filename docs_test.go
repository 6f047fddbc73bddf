package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/manual"
	"github.com/wksrec/wksrec/keymap"
)

func generated(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if status := run(args, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("%v: status %d: %s", args, status, stderr.String())
	}
	return stdout.String()
}

// Each completion script parses in its shell (CI installs bash, zsh and
// fish; elsewhere a shell not installed is not tried).
func TestCompletionScriptsParse(t *testing.T) {
	check := map[string][]string{"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}}
	for shell, argv := range check {
		t.Run(shell, func(t *testing.T) {
			if _, err := exec.LookPath(argv[0]); err != nil {
				t.Skipf("%s is not installed here (.ci/run installs it)", shell)
			}
			file := filepath.Join(t.TempDir(), "wksrec."+shell)
			if err := os.WriteFile(file, []byte(generated(t, "completion", shell)), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(argv[0], append(argv[1:], file)...).CombinedOutput(); err != nil {
				t.Fatalf("%s does not parse it: %v\n%s", shell, err, out)
			}
		})
	}
	var stderr bytes.Buffer
	if status := run([]string{"completion", "tcsh"}, &bytes.Buffer{}, &stderr, env()); status != 2 || !strings.Contains(stderr.String(), "bash, zsh and fish") {
		t.Fatalf("completion tcsh: %d %s", status, stderr.String())
	}
}

// The bash script completes what it should: flags, a flag's values.
func TestBashCompletes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "wksrec.bash")
	if err := os.WriteFile(file, []byte(generated(t, "completion", "bash")), 0o600); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) string {
		script := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _wksrec; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command("bash", append([]string{"-c", script, "bash", file}, words...)...).Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if got := complete("wksrec", "--theme", "d"); got != "dark\n" {
		t.Errorf("--theme d: %q", got)
	}
	if got := complete("wksrec", "--action", "re"); got != "reboot\nreboot-hard\nrerun\n" {
		t.Errorf("--action re: %q", got)
	}
	if got := complete("wksrec", "--no-"); got != "--no-cache\n" {
		t.Errorf("--no-: %q", got)
	}
	if got := complete("wksrec", "com"); got != "completion\n" {
		t.Errorf("com: %q", got)
	}
}

// The man page renders without a warning and names every flag and every
// key the program has: it is made from them, so it cannot drift.
func TestManPage(t *testing.T) {
	page := generated(t, "man")
	var c config.Config
	fs := config.NewFlagSet(&c)
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(page, `\fB\-\-`+manual.Escape(f.Name)+`\fR`) {
			t.Errorf("the man page lacks --%s", f.Name)
		}
	})
	k := keymap.Default()
	for _, action := range k.Actions() {
		keys, _ := k.HelpOf(action)
		if !strings.Contains(page, ".TP\n\\fB"+manual.Escape(keys)+"\\fR") {
			t.Errorf("the man page lacks the keys %q (%s)", keys, action)
		}
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff is not installed here (.ci/run installs it)")
	}
	cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(page)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("groff: %v\n%s", err, out)
	}
}

// The fish script completes a flag's values (fish asked as at a Tab).
func TestFishCompletes(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed here (.ci/run installs it)")
	}
	file := filepath.Join(t.TempDir(), "wksrec.fish")
	if err := os.WriteFile(file, []byte(generated(t, "completion", "fish")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("fish", "-c", "source $argv[1]; complete -C 'wksrec --output '", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		got = append(got, strings.Split(line, "\t")[0])
	}
	if strings.Join(got, " ") != "csv json tsv" {
		t.Fatalf("--output: %q", out)
	}
}
