package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/cli"
	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/session"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/internal/fake"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var full = []string{"--region", "cn-north-4", "--project-id", "p", "--task-id", "t", "--record-id", "r"}

// scripted is full in script mode (-o), which gets past the terminal check
// to the credentials without opening the browser.
var scripted = append([]string{"-o", "json"}, full...)

func TestFlagErrors(t *testing.T) {
	noCreds := env("HOME", t.TempDir())
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
		{"missing region", nil, env(), "missing --region (one of cn-north-4, "},
		{"record without task", []string{"--region", "cn-north-4", "--record-id", "r"}, env(), "--record-id needs --task-id"},
		{"bad region", []string{"--region", "north 4!"}, env(), `--region "north 4!" is not a region name`},
		{"plain http off loopback", []string{"--endpoint", "http://workspace.example.com"}, env(), "--endpoint: endpoint \"http://workspace.example.com\" uses plain http to a non-loopback host"},
		{"bad iam endpoint", []string{"--region", "cn-north-4", "--iam-endpoint", "iam.example.com"}, env(), "--iam-endpoint: endpoint"},
		{"positional argument", append(full, "extra"), env(), `unexpected argument "extra"`},
		{"no credentials", scripted, noCreds, "no credentials: tried --token-file, --credentials-file, --profile, $WKSREC_AUTH_TOKEN, $HUAWEICLOUD_SDK_AK/_SK, "},
		{"token file missing", append(scripted, "--token-file", "/nonexistent/token"), env(), "cannot read --token-file /nonexistent/token: no such file or directory"},
		{"credentials file missing", append(scripted, "--credentials-file", "/nonexistent/creds"), env(), "cannot read --credentials-file /nonexistent/creds"},
		{"ak without sk", scripted, env("HUAWEICLOUD_SDK_AK", "AK1"), "$HUAWEICLOUD_SDK_AK is set but $HUAWEICLOUD_SDK_SK is not"},
		{"ca file missing", append(scripted, "--ca-file", "/nonexistent/ca.pem"), env("WKSREC_AUTH_TOKEN", "t"), "cannot read --ca-file"},
		{"demo and serve-demo", []string{"--demo", "--serve-demo", ":0"}, env(), "--demo and --serve-demo do not go together"},
		{"latency out of range", []string{"--demo", "--demo-latency", "2h"}, env(), "--demo-latency must be from 0 to 1m"},
		{"rate limit below zero", []string{"--demo", "--demo-rate-limit", "-1"}, env(), "--demo-rate-limit must be from 1 to 1000 requests a second (0 is no limit), not -1"},
		{"rate limit too high", []string{"--serve-demo", ":0", "--demo-rate-limit", "5000"}, env(), "--demo-rate-limit must be from 1 to 1000"},
		{"rate limit not a number", []string{"--demo", "--demo-rate-limit", "10/s"}, env(), `invalid argument "10/s" for "--demo-rate-limit"`},
		{"unknown output format", []string{"--demo", "-o", "xml"}, env(), `-o "xml": use json, csv or tsv`},
		{"comparison without a run", []string{"--region", "cn-north-4", "-o", "json", "--compare-to", "previous"}, env(), "--compare-to and --history compare one run's details with the runs before: give --task-id and --record-id"},
		{"bad filter", []string{"--demo", "-o", "json", "--filter", "colour:red"}, env(), `--filter: unknown field "colour"`},
		{"filter without output", []string{"--demo", "--status", "FAIL"}, env(), "--status and --filter go with -o"},
		{"concurrency", []string{"--demo", "--concurrency", "0"}, env(), "--concurrency must be from 1 to 16, not 0"},
		{"bad theme", []string{"--demo", "--theme", "blue"}, env(), `--theme "blue": use auto, light or dark`},
		{"watch too often", []string{"--demo", "--watch=500ms"}, env(), "--watch must be from 2s to 1h, not 500ms"},
		{"wait in the browser", []string{"--demo", "--wait"}, env(), "--wait goes with -o or --action"},
		{"wait without a run", []string{"--region", "cn-north-4", "--task-id", "t", "-o", "json", "--wait"}, env(), "--wait needs the run: --record-id ID, or --record-id latest"},
		{"watch csv", []string{"--demo", "-o", "csv", "--watch", "5m"}, env(), "-o csv --watch: watching prints a JSON line for each change, use -o json"},
		{"watch without a run", []string{"--region", "cn-north-4", "--task-id", "t", "-o", "json", "--watch", "5m"}, env(), "-o json --watch needs the run"},
		{"watch and exit code", []string{"--demo", "-o", "json", "--watch", "5m", "--exit-code"}, env(), "--exit-code, --status, --filter, --change and --history do not go with it"},
		{"script output in the browser", []string{"--demo", "--script-output"}, env(), "--script-output goes with -o (not --watch)"},
		{"fleet without members", []string{"--fleet", "-o", "json"}, env(), "--fleet: the config file has no [[fleet]] members"},
		{"status typo on runs", []string{"--demo", "--task", "Nightly", "-o", "csv", "--status", "FIAL"}, env(), "--status FIAL: no such status; the API's are SUCCESS, FAIL, FAILED, SKIP, RUNNING, WAITING, and the task's runs had"},
		{"watch with a task but no run", []string{"--demo", "--task", "Rolling", "-o", "json", "--watch", "5s"}, env(), "-o json --watch needs the run"},
		{"task twice in the demo", []string{"--demo", "--task", "Rolling", "--task-id", "abc", "-o", "json"}, env(), "--task and --task-id both name a task"},
		{"wait-timeout without wait", []string{"--demo", "-o", "json", "--wait-timeout", "5s"}, env(), "--wait-timeout goes with --wait"},
		{"wait for ever", []string{"--demo", "-o", "json", "--wait", "--wait-timeout", "0s"}, env(), "--wait-timeout must be above 0 and at most 24h, not 0s"},
		{"endpoint with a password", []string{"--endpoint", "http://alice:hunter2@127.0.0.1:1", "--project-id", "p"}, env(), `must not carry user info`},
		{"token file without end", append(scripted, "--token-file", "/dev/zero"), env(), "--token-file /dev/zero is not a regular file (a device): refused"},
		{"token with a newline", scripted, env("WKSREC_AUTH_TOKEN", "tok\nen"), "$WKSREC_AUTH_TOKEN: the token has a character that cannot go in an HTTP header (byte 4 of 6 is 0x0a)"},
		{"sk with a control character", scripted, env("HUAWEICLOUD_SDK_AK", "AK1", "HUAWEICLOUD_SDK_SK", "s\x1bk"), "$HUAWEICLOUD_SDK_AK/_SK: the secret key (SK) has a character"},
		{"project id with a slash", []string{"--region", "cn-north-4", "--project-id", "p/../q"}, env(), `--project-id (or $HUAWEICLOUD_SDK_PROJECT_ID) "p/../q" must not be "." or contain ".."`},
		{"project id from the environment", []string{"--region", "cn-north-4"}, env("HUAWEICLOUD_SDK_PROJECT_ID", "p\r"), `has U+000D`},
		{"task id with a control character", []string{"--region", "cn-north-4", "--project-id", "p", "--task-id", "t\x1b[2J"}, env(), `--task-id "t\x1b[2J" has U+001B`},
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
			for _, secret := range []string{"hunter2", "tok\nen", "s\x1bk"} {
				if strings.Contains(stdout.String()+stderr.String(), secret) {
					t.Errorf("output shows the secret %q", secret)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // not subject to umask
		t.Fatal(err)
	}
	return path
}

func TestHelpListsEveryFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--help"}, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("status %d", status)
	}
	var c config.Config
	config.NewFlagSet(&c).VisitAll(func(f *pflag.Flag) {
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
		{[]string{"--bogus"}, 2, "wksrec: unknown flag: --bogus (wksrec --help lists the flags)\n"},
		{[]string{"--page-size", "500", "--demo"}, 2, "wksrec: --page-size must be from 1 to 100, not 500\n"},
		{[]string{"--region", "cn-north-4", "--record-id", "r"}, 2, "wksrec: --record-id needs --task-id (or --task NAME): a record belongs to a task\n"},
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

// run is the command in-process, its retries shortened: no test waits
// seconds for a retry.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	retry := api.DefaultRetry
	retry.Base = time.Millisecond
	return runIn(cli.Env{Stdout: stdout, Stderr: stderr, Getenv: getenv, Version: versionString(), Retry: retry}, args)
}

func TestMain(m *testing.M) {
	// The demo is dated from its clock: fixed, so the tests' data is the
	// demo's whatever the hour (the binary's subprocesses date it from now).
	demoNow := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	session.DemoClock = func() time.Time { return demoNow }
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// buildBinary builds wksrec once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wksrec-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wksrec")
		// -buildvcs=true: the build says its commit (--version), whatever
		// GOFLAGS this machine sets.
		if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", binPath, ".").CombinedOutput(); err != nil {
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

// Ctrl+C right after --serve-demo prints its address is a clean stop: the
// signal handler is in place before the address is printed.
func TestServeDemoInterruptedAtOnce(t *testing.T) {
	for i := range 20 {
		cmd := exec.Command(buildBinary(t), "--serve-demo", "127.0.0.1:0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("run %d: interrupted right after the address: %v, want exit 0", i, err)
		}
	}
}

// --demo-rate-limit reaches the fake API that --demo and --serve-demo
// start: past the burst, a call is refused as the gateway refuses it.
func TestDemoRateLimitReachesTheFake(t *testing.T) {
	srv := fake.New(session.DemoOptions(config.Config{DemoRateLimit: 2}))
	var codes []int
	for range 3 {
		req := httptest.NewRequest(http.MethodGet, "/v2/demo-project/scheduled-tasks?offset=0&limit=10", nil)
		req.Header.Set("X-Auth-Token", "x")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		codes = append(codes, rec.Code)
		if rec.Code == http.StatusTooManyRequests && rec.Header().Get("Retry-After") != "1" {
			t.Errorf("a refusal without Retry-After 1: %v", rec.Header())
		}
	}
	if fmt.Sprint(codes) != "[200 200 429]" {
		t.Errorf("statuses %v, want two served and the third refused", codes)
	}
}

// --help lists every flag once, in its section, and no line is wider than
// 80 columns.
func TestHelpGroupsEveryFlag(t *testing.T) {
	var c config.Config
	fs := config.NewFlagSet(&c)
	seen := map[string]int{}
	for _, g := range flagGroups {
		for _, name := range g.flags {
			seen[name]++
			if fs.Lookup(name) == nil {
				t.Errorf("section %q names no flag --%s", g.title, name)
			}
		}
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if seen[f.Name] != 1 {
			t.Errorf("--%s is in %d sections", f.Name, seen[f.Name])
		}
	})
	var stdout, stderr bytes.Buffer
	if status := run([]string{"--help"}, &stdout, &stderr, env()); status != 0 {
		t.Fatalf("--help: status %d", status)
	}
	for i, line := range strings.Split(stdout.String(), "\n") {
		if w := utf8.RuneCountInString(line); w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, line)
		}
	}
	for _, want := range []string{"Connect:", "Scripts (-o):", "Act on desktops:", "Demo (", "the KooCLI (hcloud) profile"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}
