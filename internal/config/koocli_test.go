package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const kooConfig = `{
  "current": "work",
  "authEncrypt": "false",
  "language": "en",
  "profiles": [
    {"name": "work", "mode": "AKSK", "accessKeyId": "AKWORK", "secretAccessKey": "sk-work", "region": "cn-north-4", "projectId": "proj-work"},
    {"name": "lab", "mode": "AKSK", "accessKeyId": "AKLAB", "secretAccessKey": "sk-lab", "securityToken": "sts", "region": "ap-southeast-1"},
    {"name": "sso", "mode": "SSO", "region": "cn-east-3"}
  ]
}`

// kooHome is a home with a KooCLI config.json holding body.
func kooHome(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, ".hcloud")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return home
}

// --profile takes a KooCLI profile's keys, region and project; without it
// the current profile is the last source tried; flags still win.
func TestKooCLIProfiles(t *testing.T) {
	home := kooHome(t, kooConfig, 0o600)
	getenv := env("HOME", home)
	c, _, err := Parse([]string{"--profile", "lab"}, getenv)
	if err != nil || c.Region != "ap-southeast-1" || c.Endpoint != "https://workspace.ap-southeast-1.myhuaweicloud.com" {
		t.Fatalf("--profile lab: %+v, %v", c, err)
	}
	var warn bytes.Buffer
	creds, err := FindCredentials(c, getenv, &warn)
	if err != nil || creds.AK != "AKLAB" || creds.Profile != "lab" || creds.SK != "sk-lab" || creds.SecurityToken != "sts" || !strings.Contains(creds.Source, "KooCLI profile lab") || warn.Len() != 0 {
		t.Errorf("lab's credentials: %v, %v, warn %q", creds, err, warn.String())
	}
	// No --profile, no other source: the current profile, region and all.
	c, _, err = Parse([]string{"-o", "json"}, getenv)
	if err != nil || c.Region != "cn-north-4" {
		t.Fatalf("the current profile's region: %+v, %v", c, err)
	}
	if creds, err = FindCredentials(c, getenv, &warn); err != nil || creds.AK != "AKWORK" || creds.ProjectID != "proj-work" {
		t.Errorf("the current profile: %v, %v", creds, err)
	}
	// Flags win over the profile; other sources come before the current one.
	c, _, _ = Parse([]string{"--region", "la-south-2", "--profile", "lab"}, getenv)
	if c.Region != "la-south-2" {
		t.Errorf("--region lost to the profile: %s", c.Region)
	}
	withEnv := env("HOME", home, "HUAWEICLOUD_SDK_AK", "AKENV", "HUAWEICLOUD_SDK_SK", "sk-env")
	if creds, _ = FindCredentials(c, withEnv, &warn); creds.AK != "AKLAB" {
		t.Errorf("--profile lost to the environment: %s", creds.Source)
	}
	c.Profile = ""
	if creds, _ = FindCredentials(c, withEnv, &warn); creds.AK != "AKENV" || creds.Profile != "" {
		t.Errorf("the environment lost to the current profile: %s", creds.Source)
	}
}

// What cannot be reused is refused at once (exit 2), saying what to do,
// and a file others can read is warned about.
func TestKooCLIRefusals(t *testing.T) {
	for _, tc := range []struct {
		body, profile, want string
	}{
		{strings.Replace(kooConfig, `"authEncrypt": "false"`, `"authEncrypt": "true"`, 1), "work", "hcloud configure set --cli-auth-encrypt=false"},
		{kooConfig, "sso", `the KooCLI profile "sso" uses mode SSO; wksrec can reuse AKSK profiles only`},
		{kooConfig, "nope", `no KooCLI profile "nope"`},
		{`{"profiles": [`, "work", "are not valid JSON"},
		{`{"profiles": [{"name": "empty", "mode": "AKSK"}]}`, "empty", `"empty" has no access key and secret key`},
	} {
		home := kooHome(t, tc.body, 0o600)
		_, _, err := Parse([]string{"--profile", tc.profile}, env("HOME", home))
		var cfgErr Error
		if !errors.As(err, &cfgErr) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want a config error with %q", tc.profile, err, tc.want)
		}
		if strings.Contains(err.Error(), "sk-") {
			t.Errorf("a secret in the error: %v", err)
		}
	}
	if _, _, err := Parse([]string{"--profile", "work"}, env("HOME", t.TempDir())); err == nil || !strings.Contains(err.Error(), ".hcloud/config.json") {
		t.Errorf("no KooCLI file: %v", err)
	}
	home := kooHome(t, kooConfig, 0o644)
	c, _, _ := Parse([]string{"--profile", "work"}, env("HOME", home))
	var warn bytes.Buffer
	if _, err := FindCredentials(c, env("HOME", home), &warn); err != nil || !strings.Contains(warn.String(), "accessible by others") {
		t.Errorf("a profile file others can read: %v, warn %q", err, warn.String())
	}
}

// The command line's switches: a region, a project, a KooCLI profile
// (its region with it); a bad value changes nothing.
func TestSwitch(t *testing.T) {
	home := kooHome(t, kooConfig, 0o600)
	getenv := env("HOME", home)
	c := Config{Region: "cn-north-4", Endpoint: "https://workspace.cn-north-4.myhuaweicloud.com", ProjectID: "p1"}
	// A project belongs to one region: another region drops it.
	if n, err := Switch(c, "region", "ap-southeast-3", getenv); err != nil || n.Endpoint != "https://workspace.ap-southeast-3.myhuaweicloud.com" || n.ProjectID != "" {
		t.Errorf("region: %+v %v", n, err)
	}
	if n, _ := Switch(c, "region", "cn-north-4", getenv); n.ProjectID != "p1" {
		t.Errorf("the same region dropped the project: %+v", n)
	}
	withFile := c
	withFile.CredentialsFile = "/some/credentials"
	if n, _ := Switch(withFile, "profile", "lab", getenv); n.CredentialsFile != "" || n.Sources["profile"] != "flag" || withFile.Sources != nil {
		t.Errorf("profile kept the credentials file, or changed the old settings: %+v", n)
	}
	if n, err := Switch(c, "project", "p2", getenv); err != nil || n.ProjectID != "p2" || n.Region != "cn-north-4" {
		t.Errorf("project: %+v %v", n, err)
	}
	if n, err := Switch(c, "profile", "lab", getenv); err != nil || n.Profile != "lab" || n.Region != "ap-southeast-1" || n.ProjectID != "" {
		t.Errorf("profile: %+v %v", n, err)
	}
	for _, tc := range [][2]string{{"region", "Mars"}, {"project", "../x"}, {"profile", "sso"}, {"profile", "nope"}} {
		if n, err := Switch(c, tc[0], tc[1], getenv); err == nil || n.Region != c.Region || n.ProjectID != c.ProjectID {
			t.Errorf("%v: %v, %+v", tc, err, n)
		}
	}
	if names := ProfileNames(getenv); strings.Join(names, ",") != "work,lab,sso" {
		t.Errorf("profile names %v", names)
	}
}

// The current profile's region is not taken for keys from elsewhere.
func TestCurrentProfileRegionOnlyWithItsKeys(t *testing.T) {
	home := kooHome(t, kooConfig, 0o600)
	if _, _, err := Parse(nil, env("HOME", home, "HUAWEICLOUD_SDK_AK", "AKENV", "HUAWEICLOUD_SDK_SK", "sk")); err == nil || !strings.Contains(err.Error(), "missing --region") {
		t.Errorf("environment keys took the current profile's region: %v", err)
	}
}
