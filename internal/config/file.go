package config

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/defaults"
	"github.com/wksrec/wksrec/internal/notify"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/keymap"
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

// checkColumns checks [columns] names screens, each with a column, in
// the screens' order (the first bad one is named).
func checkColumns(columns map[string][]string, at func(string) string) error {
	for _, screen := range slices.Sorted(maps.Keys(columns)) {
		if !slices.Contains(Screens, screen) {
			return Errorf("%s: no screen %q; the screens are %s", at(screen), screen, strings.Join(Screens, ", "))
		}
		if len(columns[screen]) == 0 {
			return Errorf("%s: a screen needs at least one column", at(screen))
		}
		if err := triage.CheckColumns(screen, columns[screen]); err != nil {
			return Errorf("%s: %w", at(screen), err)
		}
	}
	return nil
}

// checkKeys checks [keys] rebinds the keymap's actions to keys it can
// take.
func checkKeys(keys map[string][]string, path, text string) error {
	k := keymap.Default()
	if action, err := rebindAll(&k, keys); err != nil {
		return Errorf("%s:%d: [keys] %w", path, lineOf(text, "keys", action), err)
	}
	return nil
}

// RebindKeys rebinds k's actions to keys, as the config file's [keys]
// sets them, by the rule Parse checked them with: what Parse accepted
// applies whole to keymap.Default(), whatever the map's order (a loop
// over the map may refuse an action that takes a key another gives up).
func RebindKeys(k *keymap.KeyMap, keys map[string][]string) error {
	_, err := rebindAll(k, keys)
	return err
}

// rebindAll rebinds each action to its keys. An action may take a key
// another one gives up in the same table, whichever comes first: each
// pass rebinds the actions it can (by name, so the outcome never depends
// on map order) until all are done or a pass does none; then the first
// action left, and why, is the answer.
func rebindAll(k *keymap.KeyMap, keys map[string][]string) (failed string, err error) {
	left := slices.Sorted(maps.Keys(keys))
	for len(left) > 0 {
		var (
			still    []string
			firstErr error
		)
		for _, action := range left {
			if err := k.Rebind(action, keys[action]); err != nil {
				still, firstErr = append(still, action), cmp.Or(firstErr, err)
			}
		}
		if len(still) == len(left) {
			return still[0], firstErr
		}
		left = still
	}
	return "", nil
}

// checkFileValues checks the values whose flags would name the flag, not
// the file, in their errors.
func checkFileValues(f fileSettings, at func(string) string) error {
	return firstError(
		func() error { return checkFileRange(at, "page_size", f.PageSize, 1, 100) },
		func() error { return checkFileRange(at, "concurrency", f.Concurrency, 1, 16) },
		func() error { return checkFileRange(at, "history", f.History, 1, defaults.MaxHistory) },
		func() error { return checkFileTheme(at, f.Theme) },
		func() error { return checkFileRegion(at, f.Region) },
		func() error { return checkFileEndpoint(at, "endpoint", f.Endpoint) },
		func() error { return checkFileEndpoint(at, "iam_endpoint", f.IAMEndpoint) },
		func() error { return checkFileProject(at, f.ProjectID) },
		func() error { return checkFileSize(at, "cache_max", f.CacheMax) },
		func() error { return checkFileWebhook(at, f.Webhook) },
	)
}

func checkFileWebhook(at func(string) string, v *string) error {
	if v == nil || *v == "" {
		return nil
	}
	if err := notify.CheckWebhookURL(*v); err != nil {
		return Errorf("%s: %v", at("webhook"), err)
	}
	return nil
}

func checkFileSize(at func(string) string, key string, v *string) error {
	if v == nil {
		return nil
	}
	if n, err := ParseSize(*v); err != nil || n < minCacheMax {
		return Errorf("%s must be a size of at least 1MiB like 1GiB or 500MiB, not %q", at(key), *v)
	}
	return nil
}

func checkFileRange(at func(string) string, key string, v *int, lo, hi int) error {
	if v != nil && (*v < lo || *v > hi) {
		return Errorf("%s must be from %d to %d, not %d", at(key), lo, hi, *v)
	}
	return nil
}

func checkFileTheme(at func(string) string, theme *string) error {
	if theme != nil && *theme != "auto" && *theme != "light" && *theme != "dark" {
		return Errorf("%s is %q: use auto, light or dark", at("theme"), *theme)
	}
	return nil
}

func checkFileRegion(at func(string) string, region *string) error {
	if region != nil && !regionName.MatchString(*region) {
		return Errorf("%s %q is not a region name like cn-north-4", at("region"), *region)
	}
	return nil
}

// checkFileEndpoint checks an endpoint the file sets; an empty one sets
// none.
func checkFileEndpoint(at func(string) string, key string, u *string) error {
	if u == nil || *u == "" {
		return nil
	}
	if _, err := api.ParseEndpoint(*u); err != nil {
		return Errorf("%s: %w", at(key), err)
	}
	return nil
}

func checkFileProject(at func(string) string, id *string) error {
	if id == nil || *id == "" {
		return nil
	}
	if err := api.ValidID(*id); err != nil {
		return Errorf("%s %q %w", at("project_id"), *id, err)
	}
	return nil
}

// fileError names the file, line and key of a decoding error.
func fileError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := strict.Errors[0]
		row, _ := e.Position()
		key := strings.Join(e.Key(), ".")
		for table, keys := range map[string]string{"fleet": "name, profile, region, endpoint and project_id", "ssh_user": "name, key and role"} {
			if strings.HasPrefix(key, table+".") {
				return Errorf("%s:%d: unknown key %q (the keys of [[%s]] are %s)", path, row, key, table, keys)
			}
		}
		return Errorf("%s:%d: unknown key %q (the keys are %s, [columns], [keys], [[fleet]] and [[ssh_user]])", path, row, key, fileKeys())
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		msg := goStructField.ReplaceAllStringFunc(strings.TrimPrefix(de.Error(), "toml: "), func(m string) string {
			name := goStructField.FindStringSubmatch(m)[1]
			if said, ok := map[string]string{"int": "a number", "bool": "true or false", "string": "a quoted string", "[]string": "a list of quoted strings"}[name]; ok {
				return said
			}
			return "a " + name
		})
		if key := strings.Join(de.Key(), "."); key != "" {
			return Errorf("%s:%d: %s: %s", path, row, key, msg)
		}
		return Errorf("%s:%d: %s", path, row, msg)
	}
	return Errorf("%s: %w", path, err)
}

// goStructField is how the TOML decoder names the Go field a value did
// not fit: the user knows the key, not the field.
var goStructField = regexp.MustCompile(`struct field \S+ of type \*?(\S+)`)

func fileKeys() string {
	keys := make([]string, len(fileFlags))
	for i, kf := range fileFlags {
		keys[i] = kf.key
	}
	return strings.Join(keys, ", ")
}

// lineOf is the line where key of section ("" for the top level) is
// set in a TOML text: its first assignment, or its table; 0 when not
// found. Any case (SK), quoted or not, and dotted (keys.down = …, as
// --print-config writes) or under its table: a [columns] screen is
// never found on a [keys] line of the same name.
func lineOf(text, section, key string) int {
	want := strings.ToLower(key)
	if section != "" {
		want = section + "." + want
	}
	table := ""
	for i, line := range strings.Split(text, "\n") {
		name, header := tomlName(line)
		if name == "" {
			continue
		}
		full := name
		if !header && table != "" {
			full = table + "." + name
		}
		if full == want {
			return i + 1
		}
		if header {
			table = name
		}
	}
	return 0
}

// tomlLine is a table header ([name]) or the start of an assignment
// (name =), dotted names allowed, each part bare or double-quoted.
var tomlLine = regexp.MustCompile(`^\s*(\[\s*)?((?:"[^"]*"|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z0-9_-]+))*)\s*(\]|=)`)

// tomlName is the name a line sets (lower case, its parts unquoted) and
// whether it is a table header; "" for any other line.
func tomlName(line string) (name string, header bool) {
	m := tomlLine.FindStringSubmatch(line)
	if m == nil || (m[1] != "") != (m[3] == "]") {
		return "", false
	}
	parts := strings.Split(m[2], ".")
	for i, p := range parts {
		parts[i] = strings.ToLower(strings.Trim(strings.TrimSpace(p), `"`))
	}
	return strings.Join(parts, "."), m[1] != ""
}
