package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/pflag"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var full = []string{"--region", "cn-north-4", "--project-id", "p", "--task-id", "t", "--record-id", "r"}

func TestFlagErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		getenv func(string) string
		want   string // in the one stderr line
	}{
		{"unknown flag", []string{"--bogus"}, env(), "unknown flag: --bogus"},
		{"page size zero", append([]string{"--page-size", "0"}, full...), env(), "--page-size must be from 1 to 100, not 0"},
		{"page size too big", append([]string{"--page-size", "101"}, full...), env(), "--page-size must be from 1 to 100, not 101"},
		{"page size not a number", append([]string{"--page-size", "ten"}, full...), env(), `invalid argument "ten" for "--page-size"`},
		{"missing everything", nil, env(), "missing --region or --endpoint, --project-id (or $HUAWEICLOUD_SDK_PROJECT_ID), --task-id, --record-id"},
		{"missing task", []string{"--region", "cn-north-4", "--project-id", "p", "--record-id", "r"}, env(), "missing --task-id"},
		{"missing record", []string{"--region", "cn-north-4", "--project-id", "p", "--task-id", "t"}, env(), "missing --record-id"},
		{"missing project", []string{"--region", "cn-north-4", "--task-id", "t", "--record-id", "r"}, env(), "missing --project-id"},
		{"bad region", []string{"--region", "north 4!", "--project-id", "p", "--task-id", "t", "--record-id", "r"}, env(), `--region "north 4!" is not a region name`},
		{"plain http off loopback", []string{"--endpoint", "http://workspace.example.com", "--project-id", "p", "--task-id", "t", "--record-id", "r"}, env(), "plain http to a non-loopback host"},
		{"positional argument", append(full, "extra"), env(), `unexpected argument "extra"`},
		{"no credentials", full, env(), "no credentials: set WKSREC_AUTH_TOKEN or pass --token-file"},
		{"token file missing", append(full, "--token-file", "/nonexistent/token"), env(), "cannot read --token-file: /nonexistent/token"},
		{"demo and serve-demo", []string{"--demo", "--serve-demo", ":0"}, env(), "--demo and --serve-demo do not go together"},
		{"latency out of range", []string{"--demo", "--demo-latency", "2h"}, env(), "--demo-latency must be from 0 to 1m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := run(tc.args, &stdout, &stderr, tc.getenv)
			if status != 2 {
				t.Errorf("status %d, want 2", status)
			}
			if lines := strings.Count(stderr.String(), "\n"); lines != 1 || !strings.HasPrefix(stderr.String(), "wksrec: ") {
				t.Errorf("stderr is not one line: %q", stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout not empty: %q", stdout.String())
			}
		})
	}
}

func TestConfigFromEnvironmentAndRegion(t *testing.T) {
	c, _, err := parseConfig([]string{"--region", "ap-southeast-1", "--task-id", "t", "--record-id", "r"},
		env("HUAWEICLOUD_SDK_PROJECT_ID", "proj-from-env"))
	if err != nil {
		t.Fatal(err)
	}
	if c.projectID != "proj-from-env" || c.endpoint != "https://workspace.ap-southeast-1.myhuaweicloud.com" || c.pageSize != 100 {
		t.Errorf("config %+v", c)
	}
	c, _, err = parseConfig([]string{"--region", "cn-north-4", "--endpoint", "https://private.example/", "--project-id", "flag-wins",
		"--task-id", "t", "--record-id", "r"}, env("HUAWEICLOUD_SDK_PROJECT_ID", "env"))
	if err != nil {
		t.Fatal(err)
	}
	if c.endpoint != "https://private.example/" || c.projectID != "flag-wins" {
		t.Errorf("--endpoint and --project-id must win: %+v", c)
	}
}

func TestTokenSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("  file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, envTok, want string
		wantErr            bool
	}{
		{file, "env-token", "file-token", false}, // the file wins over the environment
		{"", "env-token", "env-token", false},
		{empty, "env-token", "", true},
		{"", "", "", true},
	}
	for _, tc := range tests {
		got, err := config{tokenFile: tc.file}.token(env("WKSREC_AUTH_TOKEN", tc.envTok))
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("file %q env %q: got %q, %v", tc.file, tc.envTok, got, err)
		}
		var ue usageError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("token error %v is not a usage error (exit 2)", err)
		}
		if err != nil && strings.Contains(err.Error(), "env-token") {
			t.Errorf("error shows the token: %v", err)
		}
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--help"}, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("status %d", status)
	}
	var c config
	newFlagSet(&c).VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(stdout.String(), "--"+f.Name) {
			t.Errorf("help does not list --%s", f.Name)
		}
	})
	if strings.Contains(stdout.String(), "[=true|false]") {
		t.Error("help shows pflag's [=true|false] noise")
	}
	stdout.Reset()
	if status := run([]string{"--version"}, &stdout, &stderr, env()); status != 0 || !strings.HasPrefix(stdout.String(), "wksrec ") {
		t.Errorf("--version: %d %q", status, stdout.String())
	}
}

// The same error cases through the real binary: exit statuses are what the
// shell sees, and nothing but one line reaches stderr (no usage dump, no panic).
func TestBinaryExitStatus(t *testing.T) {
	bin := buildBinary(t)
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"--bogus"}, 2, "wksrec: unknown flag: --bogus\n"},
		{[]string{"--page-size", "500", "--demo"}, 2, "wksrec: --page-size must be from 1 to 100, not 500\n"},
		{[]string{"--region", "cn-north-4", "--project-id", "p"}, 2, "wksrec: missing --task-id, --record-id (or try --demo)\n"},
		{[]string{"--version"}, 0, ""},
		{[]string{"--help"}, 0, ""},
	}
	for _, tc := range tests {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		status := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			status = exitErr.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != tc.status || stderr.String() != tc.stderr {
			t.Errorf("%v: status %d stderr %q; want %d %q", tc.args, status, stderr.String(), tc.status, tc.stderr)
		}
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// buildBinary builds wksrec once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wksrec-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wksrec")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// --serve-demo serves the real API shape on loopback until interrupted,
// then exits 0.
func TestServeDemo(t *testing.T) {
	cmd := exec.Command(buildBinary(t), "--serve-demo", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first line %q names no loopback URL", first)
	}
	req, _ := http.NewRequest(http.MethodGet, m[1]+"/v2/any-project/scheduled-tasks?offset=0&limit=50", nil)
	req.Header.Set("X-Auth-Token", "anything")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Tasks []map[string]any `json:"scheduled_tasks"`
		Total int              `json:"total_count"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || body.Total == 0 || len(body.Tasks) != body.Total {
		t.Fatalf("status %d, err %v, body %+v", resp.StatusCode, err, body)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGINT: %v, want exit 0", err)
	}
}
