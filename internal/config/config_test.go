package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestConfigFromEnvironmentAndRegion(t *testing.T) {
	c, _, err := Parse([]string{"--region", "ap-southeast-1"},
		env("HUAWEICLOUD_SDK_PROJECT_ID", "proj-from-env", "HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.example"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ProjectID != "proj-from-env" || c.Endpoint != "https://workspace.ap-southeast-1.myhuaweicloud.com" ||
		c.IAMEndpoint != "https://iam.example" || c.PageSize != 100 {
		t.Errorf("config %+v", c)
	}
	c, _, err = Parse([]string{"--region", "cn-north-4", "--endpoint", "https://private.example/", "--project-id", "flag-wins",
		"--iam-endpoint", "https://iam.flag"}, env("HUAWEICLOUD_SDK_PROJECT_ID", "env", "HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.env"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint != "https://private.example/" || c.ProjectID != "flag-wins" || c.IAMEndpoint != "https://iam.flag" {
		t.Errorf("flags must win: %+v", c)
	}
	// A region wksrec does not know is still accepted: new regions appear.
	if c, _, err = Parse([]string{"--region", "xx-newland-7"}, env()); err != nil || c.Endpoint != "https://workspace.xx-newland-7.myhuaweicloud.com" {
		t.Errorf("unknown region: %v %+v", err, c)
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

const sdkCredentials = "# written by hcloud\n[basic]\nak = FILEAK\nsk = FILESK\nproject_id = file-project\nsecurity_token = FILESTS\n\n[other]\nak = WRONG\n"

func TestCredentialPrecedence(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".huaweicloud", "credentials"), sdkCredentials, 0o600)
	tokenFile := writeFile(t, filepath.Join(t.TempDir(), "token"), " file-token\n", 0o600)
	namedCreds := writeFile(t, filepath.Join(t.TempDir(), "named"), "[basic]\nak=NAMEDAK\nsk=NAMEDSK\n", 0o600)
	envCreds := writeFile(t, filepath.Join(t.TempDir(), "envcreds"), "[basic]\nak=ENVFILEAK\nsk=ENVFILESK\n", 0o600)

	everything := []string{
		"HOME", home, "WKSREC_AUTH_TOKEN", "env-token", "HUAWEICLOUD_SDK_AK", "ENVAK", "HUAWEICLOUD_SDK_SK", "ENVSK",
		"HUAWEICLOUD_SDK_SECURITY_TOKEN", "ENVSTS", "HUAWEICLOUD_SDK_CREDENTIALS_FILE", envCreds,
	}
	tests := []struct {
		name       string
		c          Config
		env        []string
		token, ak  string
		sts, proj  string
		wantSource string
	}{
		{"token file beats everything", Config{TokenFile: tokenFile}, everything, "file-token", "", "", "", "--token-file"},
		{"credentials file flag next", Config{CredentialsFile: namedCreds}, everything, "", "NAMEDAK", "", "", "--credentials-file"},
		{"then the token variable", Config{}, everything, "env-token", "", "", "", "$WKSREC_AUTH_TOKEN"},
		{"then AK/SK variables", Config{}, everything[4:], "", "ENVAK", "ENVSTS", "", "$HUAWEICLOUD_SDK_AK/_SK"},
		{"then the file the variable names", Config{}, []string{"HOME", home, "HUAWEICLOUD_SDK_CREDENTIALS_FILE", envCreds}, "", "ENVFILEAK", "", "", envCreds},
		{"then ~/.huaweicloud/credentials", Config{}, []string{"HOME", home}, "", "FILEAK", "FILESTS", "file-project", filepath.Join(home, ".huaweicloud", "credentials")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var warn bytes.Buffer
			got, err := FindCredentials(tc.c, env(tc.env...), &warn)
			if err != nil {
				t.Fatal(err)
			}
			if got.Token != tc.token || got.AK != tc.ak || got.SecurityToken != tc.sts || got.ProjectID != tc.proj ||
				!strings.Contains(got.Source, tc.wantSource) {
				t.Errorf("got %+v", got)
			}
			if warn.Len() != 0 {
				t.Errorf("unexpected warning %q", warn.String())
			}
		})
	}
}

// The SDK credentials file as people write it: a BOM from a Windows
// editor, quotes, inline comments, ":" instead of "=", CRLF.
func TestCredentialFileVariants(t *testing.T) {
	for name, content := range map[string]string{
		"bom":                    "\ufeff[basic]\nak = AK1\nsk = SK1\n",
		"double quotes":          "[basic]\nak = \"AK1\"\nsk = \"SK1\"\n",
		"single quotes":          "[basic]\nak = 'AK1'\nsk='SK1'\n",
		"inline comments":        "[basic]\nak = AK1 ; the prod key\nsk = SK1 # rotated monthly\n",
		"quotes, then a comment": "[basic]\nak = \"AK1\" ; the prod key\nsk = 'SK1' # rotated monthly\n",
		"colons":                 "[basic]\nak: AK1\nsk: SK1\n",
		"crlf and spaces":        "[ Basic ]\r\n  AK = AK1  \r\nSK=SK1\r\n",
	} {
		path := writeFile(t, filepath.Join(t.TempDir(), "credentials"), content, 0o600)
		c, err := FindCredentials(Config{CredentialsFile: path}, env(), io.Discard)
		if err != nil || c.AK != "AK1" || c.SK != "SK1" {
			t.Errorf("%s: %v, ak %q sk %q", name, err, c.AK, c.SK)
		}
		if s := fmt.Sprintf("%v %+v", c, c); strings.Contains(s, "SK1") {
			t.Errorf("%s: printing credentials shows the secret: %s", name, s)
		}
	}
}

func TestCredentialFileProblems(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		mode          os.FileMode
		wantErr       string
		wantWarn      bool
	}{
		{"readable by others warns", "[basic]\nak=A\nsk=S\n", 0o644, "", true},
		{"readable by group warns", "[basic]\nak=A\nsk=S\n", 0o640, "", true},
		{"private is quiet", "[basic]\nak=A\nsk=S\n", 0o600, "", false},
		{"no basic section", "[default]\nak=A\nsk=S\n", 0o600, "has no ak and sk in its [basic] section", false},
		{"sk missing", "[basic]\nak=A\n", 0o600, "has no ak and sk", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")), tc.content, tc.mode)
			var warn bytes.Buffer
			_, err := FindCredentials(Config{CredentialsFile: path}, env(), &warn)
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("err = %v, want %q", err, tc.wantErr)
			}
			if got := warn.Len() > 0; got != tc.wantWarn {
				t.Errorf("warning %q, want one: %v", warn.String(), tc.wantWarn)
			}
			if tc.wantWarn && !strings.Contains(warn.String(), "chmod 600 "+path) {
				t.Errorf("warning %q does not say how to fix it", warn.String())
			}
			var ue Error
			if err != nil && !errors.As(err, &ue) {
				t.Errorf("error %v is not a usage error (exit 2)", err)
			}
		})
	}
	// A token file others can read warns too.
	var warn bytes.Buffer
	tok := writeFile(t, filepath.Join(dir, "token"), "tok", 0o604)
	if _, err := FindCredentials(Config{TokenFile: tok}, env(), &warn); err != nil || !strings.Contains(warn.String(), "accessible by others") {
		t.Errorf("token file: %v, warning %q", err, warn.String())
	}
}

// --watch takes its value after a space too; alone it is the default.
func TestWatchValueAfterASpace(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--watch", "30s"}, "30s"},
		{[]string{"--demo", "--watch=45s"}, "45s"},
		{[]string{"--demo", "--watch"}, "10s"},
		{[]string{"--watch", "--demo"}, "10s"},
	} {
		c, _, err := Parse(tc.args, env())
		if err != nil || c.Watch.String() != tc.want {
			t.Errorf("%v: watch %s, err %v; want %s", tc.args, c.Watch, err, tc.want)
		}
	}
}

// --demo-rate-limit is a whole number of requests a second; 0, the
// default, is no limit.
func TestDemoRateLimit(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
		err  string
	}{
		{[]string{"--demo"}, 0, ""},
		{[]string{"--demo", "--demo-rate-limit", "10"}, 10, ""},
		{[]string{"--serve-demo", ":0", "--demo-rate-limit=1000"}, 1000, ""},
		{[]string{"--demo", "--demo-rate-limit", "0"}, 0, ""},
		{[]string{"--demo", "--demo-rate-limit", "1001"}, 0, "--demo-rate-limit must be from 1 to 1000 requests a second (0 is no limit), not 1001"},
		{[]string{"--demo", "--demo-rate-limit", "-3"}, 0, "not -3"},
		{[]string{"--demo", "--demo-rate-limit", "ten"}, 0, `invalid argument "ten"`},
	} {
		c, _, err := Parse(tc.args, env())
		if tc.err != "" {
			var cfgErr Error
			if !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%v: error %v, want a one-line Error with %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || c.DemoRateLimit != tc.want {
			t.Errorf("%v: %d, %v; want %d", tc.args, c.DemoRateLimit, err, tc.want)
		}
	}
}

// --print-config writes no part of a password given in an endpoint.
func TestPrintConfigHidesUserInfo(t *testing.T) {
	c, fs, _ := Parse([]string{"--endpoint", "https://alice:hun/ter2@evil.example.com", "--iam-endpoint", "https://bob:pw@iam.example.com", "--print-config"}, func(string) string { return "" })
	var out bytes.Buffer
	if err := PrintSettings(&out, c, fs); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"alice", "hun", "ter2", "bob", "pw@"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("--print-config shows %q:\n%s", secret, out.String())
		}
	}
}

// A [keys] name that is no key is refused with the file, line and key.
func TestKeysNamesAreKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("[keys]\ndown = [\"\\u001b]0;PWN\\u0007\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := Parse([]string{"--demo", "--config", path}, env())
	var ce Error
	if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), path+":2:") || !strings.Contains(err.Error(), "not a key") || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("err = %q", err)
	}
}
