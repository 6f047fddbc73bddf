package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/keymap"
)

func configHome(t *testing.T, body string) (home, path string) {
	t.Helper()
	home = t.TempDir()
	path = filepath.Join(home, ".config", "wksrec", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return home, path
}

// Flags win over the environment, the environment over the file, the file
// over the defaults; --print-config says which is which.
func TestConfigFilePrecedence(t *testing.T) {
	home, path := configHome(t, `# team settings
region = "cn-east-3"
project_id = "from-file"
page_size = 50
concurrency = 8
theme = "light"
mouse = false
history = 7

[columns]
details = ["desktop", "status"]

[keys]
down = ["j", "n"]
`)
	c, fs, err := Parse([]string{"--concurrency", "2", "-o", "json"}, env("HOME", home, "HUAWEICLOUD_SDK_PROJECT_ID", "from-env"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "cn-east-3" || c.PageSize != 50 || c.Concurrency != 2 || c.Theme != "light" || c.Mouse || c.History != 7 || c.ProjectID != "from-env" {
		t.Errorf("settings %+v", c)
	}
	if c.HistoryOut {
		t.Error("history in the file made -o print a history: only --history on the command line does")
	}
	if strings.Join(c.Columns["details"], ",") != "desktop,status" || strings.Join(c.Keys["down"], ",") != "j,n" {
		t.Errorf("columns %v keys %v", c.Columns, c.Keys)
	}
	var out bytes.Buffer
	if err := PrintSettings(&out, c, fs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`region = "cn-east-3"  # ` + path,
		"concurrency = 2  # flag",
		"page_size = 50  # " + path,
		`project_id = "from-env"  # $HUAWEICLOUD_SDK_PROJECT_ID`,
		`ca_file = ""  # default`,
		`keys.down = ["j", "n"]  # ` + path,
		`columns.details = ["desktop", "status"]  # ` + path,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--print-config lacks %q:\n%s", want, out.String())
		}
	}
	// $WKSREC_CONFIG and --config name another file, which must exist.
	other := filepath.Join(t.TempDir(), "other.toml")
	if err := os.WriteFile(other, []byte(`region = "ap-southeast-1"`), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, _, err := Parse(nil, env("HOME", home, "WKSREC_CONFIG", other)); err != nil || c.Region != "ap-southeast-1" {
		t.Errorf("$WKSREC_CONFIG: %v %v", c.Region, err)
	}
	if _, _, err := Parse([]string{"--config", filepath.Join(home, "nope.toml")}, env("HOME", home)); err == nil || !strings.Contains(err.Error(), "cannot read the config file") {
		t.Errorf("a named file that is not there: %v", err)
	}
	// No file at the default place is no error.
	if _, _, err := Parse([]string{"--region", "cn-north-4"}, env("HOME", t.TempDir())); err != nil {
		t.Errorf("no file: %v", err)
	}
}

// A key the file cannot have, or a value it cannot take, is an error
// naming the file, the line and the key (exit 2); a secret is refused
// with where it belongs.
func TestConfigFileErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"region = \"cn-east-3\"\npage_sise = 3\n", `config.toml:2: unknown key "page_sise"`},
		{"\n\npage_size = \"many\"\n", "config.toml:3: page_size: cannot decode TOML string into a number"},
		{"page_size = 500\n", "config.toml:1: page_size must be from 1 to 100, not 500"},
		{"theme = \"blue\"\n", `config.toml:1: theme is "blue": use auto, light or dark`},
		{"region = \"Mars\"\n", `config.toml:1: region "Mars" is not a region name`},
		{"region = \"cn-east-3\"\nsk = \"secret-value\"\n", "config.toml:2: sk is a secret"},
		{"[keys]\nexplode = [\"x\"]\n", `config.toml:2: [keys] no action "explode"`},
		{"[keys]\ndown = []\n", "down needs at least one key"},
		{"[columns]\nscreens = [\"x\"]\n", `config.toml:2: [columns] screens: no screen "screens"`},
		{"region = \"cn-east-3\"\n\n[columns]\ntasks = [\"name\"]\ndetails = [\n  \"desktop\",\n  \"bogus\",\n]\n", `config.toml:5: [columns] details: no column "bogus"`},
		// history is a setting and an action: the action's line, not the setting's
		{"history = 10\n\n[keys]\nhistory = [\"j\"]\n", `config.toml:4: [keys] history: "j" is down's already`},
		{"columns.details = [\"zz\"]\n", `config.toml:1: [columns] details: no column "zz"`},
		{"[keys]\ndown = [\"j\"]\n[columns]\n\"details\" = []\n", `config.toml:4: [columns] details: a screen needs at least one column`},
		{"region = \n", "config.toml:1"},
		{"region = \"cn-east-3\"\nSK = \"secret-value\"\n", "config.toml:2: sk is a secret"},
		{"keys.down = [\"q\"]\n", "config.toml:1: [keys] down: \"q\" is quit's already"},
		{"endpoint = \"http://example.com\"\n", "config.toml:1: endpoint: "},
		{"project_id = \"a/b\"\n", `config.toml:1: project_id "a/b"`},
	} {
		home, _ := configHome(t, tc.body)
		_, _, err := Parse([]string{"--region", "cn-north-4"}, env("HOME", home))
		if _, ok := err.(Error); !ok || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want a config error with %q", tc.body, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret-value") {
			t.Errorf("the secret in the error: %v", err)
		}
	}
}

// The environment beats a profile named in the file; --region or
// --endpoint on the command line beats both in the file; a profile's
// project goes only with its own region.
func TestConfigFileYieldsToTheCommandLineAndEnvironment(t *testing.T) {
	home, _ := configHome(t, "profile = \"lab\"\nendpoint = \"https://workspace.cn-north-4.myhuaweicloud.com\"\n")
	kooDir := filepath.Join(home, ".hcloud")
	if err := os.MkdirAll(kooDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kooDir, "config.json"), []byte(kooConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := env("HOME", home, "HUAWEICLOUD_SDK_AK", "AKENV", "HUAWEICLOUD_SDK_SK", "sk-env")
	c, _, err := Parse([]string{"--region", "cn-south-1"}, getenv)
	if err != nil || c.Endpoint != "https://workspace.cn-south-1.myhuaweicloud.com" {
		t.Fatalf("--region lost to the file's endpoint: %s %v", c.Endpoint, err)
	}
	var warn bytes.Buffer
	if creds, err := FindCredentials(c, getenv, &warn); err != nil || creds.AK != "AKENV" {
		t.Errorf("the file's profile beat the environment: %s %v", creds.Source, err)
	}
	c, _, _ = Parse([]string{"--profile", "work", "--region", "cn-south-1"}, env("HOME", home))
	if creds, err := FindCredentials(c, env("HOME", home), &warn); err != nil || creds.AK != "AKWORK" || creds.ProjectID != "" {
		t.Errorf("a profile's project went with another region: %+v %v", creds, err)
	}
}

// An action may take a key that another action in [keys] gives up,
// whichever comes first in the file (before, the map's order decided,
// so the same file was accepted or refused at random); a key two
// actions want is refused, naming the same action every time.
func TestConfigFileRebindsInAnyOrder(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"[keys]\nquit = [\"f10\"]\ndown = [\"q\"]\n", ""},
		{"[keys]\nquit = [\"Q\"]\ncompare = [\"q\"]\n", ""}, // the attack's file: exit 2 in 9 runs of 40
		{"[keys]\ndown = [\"q\"]\nquit = [\"f10\"]\n", ""},
		{"[keys]\nup = [\"f9\"]\ndown = [\"f9\"]\n", `config.toml:2: [keys] up: "f9" is down's already`},
		{"[keys]\ndown = [\"q\"]\nup = [\"q\"]\n", `config.toml:2: [keys] down: "q" is quit's already`},
	} {
		for range 20 {
			home, _ := configHome(t, tc.body)
			c, _, err := Parse([]string{"--demo"}, env("HOME", home))
			if tc.want == "" && err != nil {
				t.Fatalf("%q: %v", tc.body, err)
			}
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("%q: %v, want %q", tc.body, err, tc.want)
			}
			if err == nil && RebindKeys(new(keymap.Default()), c.Keys) != nil {
				t.Fatalf("%q: RebindKeys refuses what Parse took", tc.body)
			}
		}
	}
}

// A config file is read only so far: /dev/zero named by mistake is
// refused, not read until memory runs out.
func TestConfigFileReadIsBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, _, err := Parse([]string{"--demo", "--config", "/dev/zero"}, env())
	if err == nil || !strings.Contains(err.Error(), "the config file /dev/zero is not a regular file (a device): refused") {
		t.Errorf("err = %v", err)
	}
}

// --print-config claims what Parse uses, no more: the current KooCLI
// profile's region only when its keys are the ones used and nothing
// else says where; the environment's project not in the demo.
func TestPrintConfigClaimsOnlyWhatIsUsed(t *testing.T) {
	home := kooHome(t, kooConfig, 0o600)
	profileRegion := `region = "cn-north-4"  # the KooCLI profile in ` + filepath.Join(home, ".hcloud", "config.json")
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"the current profile's keys and region", nil, nil, profileRegion},
		{"keys from the environment", nil, []string{"HUAWEICLOUD_SDK_AK", "AK", "HUAWEICLOUD_SDK_SK", "SK"}, `# region = ""  # default`},
		{"an endpoint says where", []string{"--endpoint", "https://workspace.cn-east-3.myhuaweicloud.com"}, nil, `# region = ""  # default`},
		{"a named profile", []string{"--profile", "lab"}, []string{"HUAWEICLOUD_SDK_AK", "AK"}, `region = "ap-southeast-1"  # the KooCLI profile`},
		{"the environment's project", nil, []string{"HUAWEICLOUD_SDK_PROJECT_ID", "p1"}, `project_id = "p1"  # $HUAWEICLOUD_SDK_PROJECT_ID`},
		{"no project from the environment in the demo", []string{"--demo"}, []string{"HUAWEICLOUD_SDK_PROJECT_ID", "p1"}, `# project_id = ""  # none`},
		{"no region in the demo", []string{"--demo"}, nil, `# region = ""  # default`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := env(append([]string{"HOME", home}, tc.env...)...)
			c, fs, err := Parse(append([]string{"--print-config"}, tc.args...), getenv)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := PrintSettings(&out, c, fs); err != nil || !strings.Contains(out.String(), tc.want) {
				t.Errorf("%v; want %q in:\n%s", err, tc.want, out.String())
			}
		})
	}
}

// The file may hold notify_cmd and webhook. The webhook's token is never
// printed: --print-config shows its host; a webhook in the clear is
// refused at its line.
func TestAlertSettingsInTheFile(t *testing.T) {
	home, path := configHome(t, "region = \"cn-north-4\"\nnotify_cmd = \"logger -t wksrec\"\nwebhook = \"https://hooks.example.com/services/T0/B0/SECRET-TOKEN?key=QUERY-SECRET\"\n")
	getenv := func(k string) string { return map[string]string{"HOME": home}[k] }
	c, fs, err := Parse([]string{"--print-config"}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.NotifyCmd != "logger -t wksrec" || !strings.Contains(c.Webhook, "SECRET-TOKEN") {
		t.Fatalf("read %q and %q", c.NotifyCmd, c.Webhook)
	}
	var out bytes.Buffer
	if err := PrintSettings(&out, c, fs); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "SECRET") || !strings.Contains(out.String(), `webhook = "https://hooks.example.com/…"  # `+path) ||
		!strings.Contains(out.String(), `notify_cmd = "logger -t wksrec"`) {
		t.Fatalf("--print-config:\n%s", out.String())
	}

	home, path = configHome(t, "\nwebhook = \"http://hooks.example.com/services/SECRET-TOKEN\"\n")
	_, _, err = Parse(nil, func(k string) string { return map[string]string{"HOME": home}[k] })
	if err == nil || !strings.HasPrefix(err.Error(), path+":2: webhook: webhook URL http://hooks.example.com/… uses http to another machine") ||
		strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("a webhook in the clear: %v", err)
	}
	if _, _, err := Parse([]string{"--webhook", "ftp://x/SECRET"}, func(string) string { return "" }); err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("--webhook ftp: %v", err)
	}
}
