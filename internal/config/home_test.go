package config

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without $HOME there is no config file, SDK credentials file or KooCLI
// profile: never the real home behind the injected getenv, nor files
// relative to the working directory (which is where they were looked
// for before).
func TestNoHomeMeansNoHomeFiles(t *testing.T) {
	cwd := t.TempDir()
	writeFile(t, filepath.Join(cwd, ".config", "wksrec", "config.toml"), "theme = \"dark\"\n", 0o600)
	writeFile(t, filepath.Join(cwd, ".huaweicloud", "credentials"), sdkCredentials, 0o600)
	writeFile(t, filepath.Join(cwd, ".hcloud", "config.json"), kooConfig, 0o600)
	t.Chdir(cwd)
	noHome := env()

	c, fs, err := Parse([]string{"--region", "cn-north-4"}, noHome)
	if err != nil || c.Theme != "auto" || c.ConfigFile != "" {
		t.Errorf("a config file was read: theme %q from %q, %v", c.Theme, c.ConfigFile, err)
	}
	var out bytes.Buffer
	if err := PrintSettings(&out, c, fs); err != nil || !strings.Contains(out.String(), "the config file is ~/.config/wksrec/config.toml ($HOME is not set)") {
		t.Errorf("--print-config: %v\n%s", err, out.String())
	}
	_, err = FindCredentials(c, noHome, io.Discard)
	for _, want := range []string{"no credentials", "~/.huaweicloud/credentials ($HOME is not set)", "~/.hcloud/config.json ($HOME is not set)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("credentials: %v, want %q", err, want)
		}
	}
	if _, _, err := Parse([]string{"--profile", "work"}, noHome); err == nil || !strings.Contains(err.Error(), "cannot read the KooCLI profiles ~/.hcloud/config.json ($HOME is not set)") {
		t.Errorf("--profile: %v", err)
	}
	if _, err := Switch(c, "profile", "work", noHome); err == nil {
		t.Error(":profile read a profile")
	}
	if names := ProfileNames(noHome); names != nil {
		t.Errorf("profile names %v", names)
	}
	if _, _, err := Parse(nil, noHome); err == nil || !strings.Contains(err.Error(), "missing --region") {
		t.Errorf("a region came from the current profile: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cwd, ".hcloud", "config.json")); err != nil {
		t.Fatal(err) // the files were there to be found
	}
}
