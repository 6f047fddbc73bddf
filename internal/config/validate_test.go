package config

import (
	"strings"
	"testing"
)

// The first error found is the one said, in a fixed order: the settings
// every mode shares, then (outside the demo) the account's ids, region,
// profile, what says where, the run and the endpoints.
func TestValidateOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string // "" is no error
	}{
		{"settings before the account", []string{"--page-size", "0", "--region", "Mars"}, nil, "--page-size must be"},
		{"the demo needs no account", []string{"--demo", "--region", "Mars", "--record-id", "r"}, []string{"HUAWEICLOUD_SDK_PROJECT_ID", "a/b"}, ""},
		{"the project's id first", []string{"--region", "cn-north-4", "--task-id", "t", "--record-id", ".."}, []string{"HUAWEICLOUD_SDK_PROJECT_ID", "a/b"}, `--project-id (or $HUAWEICLOUD_SDK_PROJECT_ID) "a/b"`},
		{"then the task's", []string{"--region", "cn-north-4", "--task-id", "a/b", "--record-id", ".."}, nil, `--task-id "a/b"`},
		{"ids before the region", []string{"--region", "Mars", "--task-id", "a/b"}, nil, `--task-id "a/b"`},
		{"the profile before what says where", []string{"--profile", "nope"}, nil, "cannot read the KooCLI profiles"},
		{"where before the run", []string{"--record-id", "r"}, nil, "missing --region"},
		{"the run before the endpoints", []string{"--endpoint", "http://x.example", "--record-id", "r"}, nil, "--record-id needs --task-id"},
		{"--endpoint before --iam-endpoint", []string{"--endpoint", "http://x.example", "--iam-endpoint", "http://y.example"}, nil, `--endpoint: endpoint "http://x.example"`},
		{"the environment's IAM endpoint is checked", []string{"--region", "cn-north-4"}, []string{"HUAWEICLOUD_SDK_IAM_ENDPOINT", "iam.example"}, `--iam-endpoint: endpoint "iam.example"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse(tc.args, env(append([]string{"HOME", t.TempDir()}, tc.env...)...))
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// resolve makes the endpoint of a region; the demo has its own.
func TestResolveEndpoint(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--region", "cn-north-4"}, "https://workspace.cn-north-4.myhuaweicloud.com"},
		{[]string{"--region", "cn-north-4", "--endpoint", "https://127.0.0.1:8443"}, "https://127.0.0.1:8443"},
		{[]string{"--region", "cn-north-4", "--demo"}, ""},
	} {
		c, _, err := Parse(tc.args, env("HOME", t.TempDir()))
		if err != nil || c.Endpoint != tc.want {
			t.Errorf("%q: endpoint %q, %v; want %q", tc.args, c.Endpoint, err, tc.want)
		}
	}
}

// --cache-max and cache_max take a size with a unit, at least 1MiB.
func TestCacheMax(t *testing.T) {
	for s, want := range map[string]int64{"1GiB": 1 << 30, "500MiB": 500 << 20, "2G": 2 << 30, "750mb": 750e6, "1048576": 1 << 20, " 3 GiB ": 3 << 30} {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "GiB", "-1GiB", "1.5GiB", "1PiB", "lots", "99999999999999999999"} {
		if n, err := ParseSize(s); err == nil {
			t.Errorf("%q: %d, no error", s, n)
		}
	}
	home := t.TempDir()
	for _, args := range [][]string{{"--cache-max", "100KiB"}, {"--cache-max", "big"}} {
		if _, _, err := Parse(append([]string{"--demo"}, args...), env("HOME", home)); err == nil || !strings.Contains(err.Error(), "--cache-max") {
			t.Errorf("%v: %v", args, err)
		}
	}
	c, _, err := Parse([]string{"--demo", "--cache-max", "2GiB"}, env("HOME", home))
	if err != nil || c.CacheBytes() != 2<<30 {
		t.Errorf("--cache-max 2GiB: %d, %v", c.CacheBytes(), err)
	}
	fileHome, _ := configHome(t, "cache_max = \"1KiB\"\n")
	if _, _, err := Parse([]string{"--demo"}, env("HOME", fileHome)); err == nil || !strings.Contains(err.Error(), "config.toml:1: cache_max must be a size") {
		t.Errorf("cache_max 1KiB in the file: %v", err)
	}
	fileHome, _ = configHome(t, "cache_max = \"300MiB\"\n")
	if c, _, err := Parse([]string{"--demo"}, env("HOME", fileHome)); err != nil || c.CacheBytes() != 300<<20 {
		t.Errorf("cache_max 300MiB in the file: %d, %v", c.CacheBytes(), err)
	}
}

// An unknown flag names the nearest one, when one is near.
func TestUnknownFlagSuggestsTheNearest(t *testing.T) {
	for arg, want := range map[string]string{
		"--regoin":       "unknown flag: --regoin; did you mean --region?",
		"--taskid":       "unknown flag: --taskid; did you mean --task-id?",
		"--recordid":     "did you mean --record-id?",
		"--no-cahce":     "did you mean --no-cache?",
		"--zzzzzzzzzzzz": "unknown flag: --zzzzzzzzzzzz (wksrec --help lists the flags)",
	} {
		_, _, err := Parse([]string{arg}, env())
		if _, ok := err.(Error); !ok || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want a config error with %q", arg, err, want)
		}
	}
}
