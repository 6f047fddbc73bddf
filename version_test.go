package main

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// --version names the commit the binary was built from (and the Go that
// built it), from the build's own information.
func TestVersionNamesTheCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("not a git checkout: %v", err)
	}
	out, err := exec.Command(buildBinary(t), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	line := string(out)
	if !strings.HasPrefix(line, "wksrec ") || !strings.Contains(line, "commit "+strings.TrimSpace(string(head))[:12]) || !strings.Contains(line, " go1.") {
		t.Fatalf("--version says %q; HEAD is %s", line, head)
	}
}

// The line says each thing the build knows, and only those.
func TestDescribeBuild(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d"}, {Key: "vcs.time", Value: "2026-12-03T17:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got := describeBuild("", bi); got != "v1.4.0 (commit 1a2b3c4d5e6f, 2026-12-03T17:00:00Z, with changes not committed) go1.26.8" {
		t.Fatalf("%q", got)
	}
	if got := describeBuild("", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}); got != "dev go1.26.8" {
		t.Fatalf("%q", got)
	}
}
