package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/pflag"
)

// The config file: $XDG_CONFIG_HOME/wksrec/config.toml (else
// ~/.config/wksrec/config.toml), or the one --config or $WKSREC_CONFIG
// names. Flags win over the environment, the environment over the file,
// the file over the defaults. It holds no secret: such files are shared
// and committed.

// fileSettings are the file's keys. Pointers tell a key absent from one
// set to its zero value.
type fileSettings struct {
	Region      *string `toml:"region"`
	Endpoint    *string `toml:"endpoint"`
	ProjectID   *string `toml:"project_id"`
	IAMEndpoint *string `toml:"iam_endpoint"`
	CAFile      *string `toml:"ca_file"`
	Profile     *string `toml:"profile"`
	PageSize    *int    `toml:"page_size"`
	Concurrency *int    `toml:"concurrency"`
	Theme       *string `toml:"theme"`
	LocalTime   *bool   `toml:"local_time"`
	Mouse       *bool   `toml:"mouse"`
	ReadOnly    *bool   `toml:"read_only"`
	History     *int    `toml:"history"`
	CacheMax    *string `toml:"cache_max"`
	NotifyCmd   *string `toml:"notify_cmd"`
	Webhook     *string `toml:"webhook"`
	// Columns are the columns of each screen (tasks, runs, details), in
	// their order; Keys rebind the keys.
	Columns map[string][]string `toml:"columns"`
	Keys    map[string][]string `toml:"keys"`
	// Fleet are the projects --fleet reads at once (fleet.go).
	Fleet []FleetMember `toml:"fleet"`
	// SSHUsers are who may log in to --serve-ssh (sshusers.go).
	SSHUsers []SSHUser `toml:"ssh_user"`

	// Secrets, only to refuse them with a pointer to where they belong.
	AK            *string `toml:"ak"`
	SK            *string `toml:"sk"`
	Token         *string `toml:"token"`
	SecurityToken *string `toml:"security_token"`
	AccessKey     *string `toml:"access_key"`
	SecretKey     *string `toml:"secret_key"`
	Password      *string `toml:"password"`
}

// ConfigPath is the config file to read, and whether the user named it
// (then it must exist); "" when there is none to look for (no $HOME).
func ConfigPath(flagValue string, getenv func(string) string) (path string, named bool) {
	switch {
	case flagValue != "":
		return flagValue, true
	case getenv("WKSREC_CONFIG") != "":
		return getenv("WKSREC_CONFIG"), true
	}
	if dir := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "wksrec", "config.toml"), false
	}
	return homePath(getenv, ".config", "wksrec", "config.toml"), false
}

// configFileHome is ConfigPath's default under any home, for messages.
const configFileHome = "~/.config/wksrec/config.toml"

// fileFlags maps the file's keys to the flags they stand for.
var fileFlags = []struct{ key, flag string }{
	{"region", "region"}, {"endpoint", "endpoint"}, {"project_id", "project-id"}, {"iam_endpoint", "iam-endpoint"},
	{"ca_file", "ca-file"}, {"profile", "profile"}, {"page_size", "page-size"}, {"concurrency", "concurrency"},
	{"theme", "theme"}, {"local_time", "local-time"}, {"mouse", "mouse"}, {"read_only", "read-only"}, {"history", "history"},
	{"cache_max", "cache-max"}, {"notify_cmd", "notify-cmd"}, {"webhook", "webhook"},
}

// Screens are the screens whose columns the file may choose.
var Screens = []string{"tasks", "runs", "details"}

// loadFile reads the file at path into the flags that neither the
// command line nor the environment set, and says where each setting
// came from in c.Sources. No file at the default path is no error: the
// defaults hold.
func loadFile(c *Config, fs *pflag.FlagSet, path string, named bool, getenv func(string) string) error {
	text, found, err := readConfigFile(path, named)
	if err != nil || !found {
		return err
	}
	var f fileSettings
	if err := toml.NewDecoder(strings.NewReader(text)).DisallowUnknownFields().Decode(&f); err != nil {
		return fileError(path, err)
	}
	at := func(key string) string { return fmt.Sprintf("%s:%d: %s", path, lineOf(text, "", key), key) }
	atColumns := func(screen string) string {
		return fmt.Sprintf("%s:%d: [columns] %s", path, lineOf(text, "columns", screen), screen)
	}
	if err := firstError(
		func() error { return refuseSecrets(f, at) },
		func() error { return checkFileValues(f, at) },
		func() error { return setFileValues(c, fs, f.values(), path, at, getenv) },
		func() error { return checkColumns(f.Columns, atColumns) },
		func() error { return checkKeys(f.Keys, path, text) },
		func() error { return checkFleet(f.Fleet, path, text, getenv) },
		func() error { return checkSSHUsers(f.SSHUsers, path, text) },
	); err != nil {
		return err
	}
	c.Columns, c.Keys, c.Fleet, c.SSHUsers = f.Columns, f.Keys, f.Fleet, f.SSHUsers
	if len(f.Keys) > 0 {
		c.Sources["keys"] = path
	}
	if len(f.Columns) > 0 {
		c.Sources["columns"] = path
	}
	return nil
}

// readConfigFile is the text of the config file; not found when there is
// no file at a path the user did not name. Only so much is read: a
// device or a log named by mistake must not be read to its end.
func readConfigFile(path string, named bool) (text string, found bool, err error) {
	b, err := ReadStartFile(path, "the config file", MaxStartFile)
	switch {
	case err != nil && !named && errors.Is(err, os.ErrNotExist):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	// An editor on Windows may begin the file with a byte-order mark,
	// which TOML does not allow: it says nothing, and is dropped.
	return strings.TrimPrefix(string(b), "\ufeff"), true, nil
}

// refuseSecrets refuses a secret in the file, saying where it belongs.
func refuseSecrets(f fileSettings, at func(string) string) error {
	for _, s := range []struct {
		key   string
		value *string
	}{
		{"ak", f.AK}, {"sk", f.SK}, {"token", f.Token}, {"security_token", f.SecurityToken},
		{"access_key", f.AccessKey}, {"secret_key", f.SecretKey}, {"password", f.Password},
	} {
		if s.value != nil {
			return Errorf("%s is a secret, and this file is often shared or committed: keep it in ~/.huaweicloud/credentials (mode 600), a KooCLI profile or $HUAWEICLOUD_SDK_AK/_SK", at(s.key))
		}
	}
	return nil
}

// values are the settings the file sets, written as flag values: key ->
// value.
func (f fileSettings) values() map[string]string {
	values := map[string]string{}
	for key, v := range map[string]any{
		"region": f.Region, "endpoint": f.Endpoint, "project_id": f.ProjectID, "iam_endpoint": f.IAMEndpoint,
		"ca_file": f.CAFile, "profile": f.Profile, "page_size": f.PageSize, "concurrency": f.Concurrency,
		"theme": f.Theme, "local_time": f.LocalTime, "mouse": f.Mouse, "read_only": f.ReadOnly, "history": f.History,
		"cache_max": f.CacheMax, "notify_cmd": f.NotifyCmd, "webhook": f.Webhook,
	} {
		if value, ok := flagValue(v); ok {
			values[key] = value
		}
	}
	return values
}

// flagValue is a file's value (*string, *int or *bool) as a flag's
// value; false when the file does not set it.
func flagValue(v any) (string, bool) {
	switch v := v.(type) {
	case *string:
		if v != nil {
			return *v, true
		}
	case *int:
		if v != nil {
			return strconv.Itoa(*v), true
		}
	case *bool:
		if v != nil {
			return strconv.FormatBool(*v), true
		}
	}
	return "", false
}

// setFileValues sets the file's values on the flags, but for those the
// file yields to the command line or the environment.
func setFileValues(c *Config, fs *pflag.FlagSet, values map[string]string, path string, at func(string) string, getenv func(string) string) error {
	for _, kf := range fileFlags {
		v, ok := values[kf.key]
		if !ok || fileYields(kf.flag, c.Sources, getenv) {
			continue
		}
		if err := fs.Set(kf.flag, v); err != nil {
			return Errorf("%s: %w", at(kf.key), err)
		}
		c.Sources[kf.flag] = path
	}
	return nil
}

// fileYields reports a setting the command line or the environment sets,
// which wins over the file. Either of --region and --endpoint on the
// command line says where alone: the file's other one would mix two
// places. (sources, not fs.Changed: setting the file's region must not
// make its endpoint yield.)
func fileYields(flag string, sources map[string]string, getenv func(string) string) bool {
	onCommandLine := func(flag string) bool { return sources[flag] == "flag" }
	variable, fromEnvironment := environmentVariables[flag]
	switch {
	case onCommandLine(flag), fromEnvironment && getenv(variable) != "":
		return true
	case flag == "region" || flag == "endpoint":
		return onCommandLine("region") || onCommandLine("endpoint")
	}
	return false
}
