package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
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
	// Columns are the columns of each screen (tasks, runs, details), in
	// their order; Keys rebind the keys.
	Columns map[string][]string `toml:"columns"`
	Keys    map[string][]string `toml:"keys"`

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
}

// Screens are the screens whose columns the file may choose.
var Screens = []string{"tasks", "runs", "details"}

// loadFile reads the file at path into the flags not given on the command
// line (nor, for project_id and iam_endpoint, in the environment), and
// says where each setting came from in sources.
func loadFile(c *Config, fs *pflag.FlagSet, path string, named bool, getenv func(string) string) error {
	b, err := os.ReadFile(path)
	switch {
	case err != nil && !named && errors.Is(err, os.ErrNotExist):
		return nil // no file: the defaults
	case err != nil:
		return Errorf("cannot read the config file %s: %w", path, UnwrapPathError(err))
	case len(b) > maxSecretFile:
		return Errorf("the config file %s is larger than %d KiB: is it the right file?", path, maxSecretFile>>10)
	}
	var f fileSettings
	dec := toml.NewDecoder(bytes.NewReader(b)).DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fileError(path, err)
	}
	text := string(b)
	at := func(key string) string { return fmt.Sprintf("%s:%d: %s", path, lineOf(text, key), key) }
	for key, v := range map[string]*string{"ak": f.AK, "sk": f.SK, "token": f.Token, "security_token": f.SecurityToken,
		"access_key": f.AccessKey, "secret_key": f.SecretKey, "password": f.Password} {
		if v != nil {
			return Errorf("%s is a secret, and this file is often shared or committed: keep it in ~/.huaweicloud/credentials (mode 600), a KooCLI profile or $HUAWEICLOUD_SDK_AK/_SK", at(key))
		}
	}
	values := map[string]string{}
	str := func(key string, v *string) {
		if v != nil {
			values[key] = *v
		}
	}
	num := func(key string, v *int) {
		if v != nil {
			values[key] = strconv.Itoa(*v)
		}
	}
	flag := func(key string, v *bool) {
		if v != nil {
			values[key] = strconv.FormatBool(*v)
		}
	}
	str("region", f.Region)
	str("endpoint", f.Endpoint)
	str("project_id", f.ProjectID)
	str("iam_endpoint", f.IAMEndpoint)
	str("ca_file", f.CAFile)
	str("profile", f.Profile)
	num("page_size", f.PageSize)
	num("concurrency", f.Concurrency)
	str("theme", f.Theme)
	flag("local_time", f.LocalTime)
	flag("mouse", f.Mouse)
	flag("read_only", f.ReadOnly)
	num("history", f.History)
	if err := checkFileValues(f, at); err != nil {
		return err
	}
	envFor := map[string]string{"project_id": "HUAWEICLOUD_SDK_PROJECT_ID", "iam_endpoint": "HUAWEICLOUD_SDK_IAM_ENDPOINT"}
	where := fs.Changed("region") || fs.Changed("endpoint") // either on the command line says where, alone
	for _, kf := range fileFlags {
		v, ok := values[kf.key]
		if !ok || fs.Changed(kf.flag) || (envFor[kf.key] != "" && getenv(envFor[kf.key]) != "") ||
			(where && (kf.key == "region" || kf.key == "endpoint")) {
			continue
		}
		if err := fs.Set(kf.flag, v); err != nil {
			return Errorf("%s: %w", at(kf.key), err)
		}
		c.Sources[kf.flag] = path
	}
	for screen, cols := range f.Columns {
		if !slices.Contains(Screens, screen) {
			return Errorf("%s: no screen %q; the screens are %s", at(screen), screen, strings.Join(Screens, ", "))
		}
		if len(cols) == 0 {
			return Errorf("%s: a screen needs at least one column", at(screen))
		}
	}
	k := keymap.Default()
	for action, keys := range f.Keys {
		if err := k.Rebind(action, keys); err != nil {
			return Errorf("%s:%d: [keys] %w", path, lineOf(text, action), err)
		}
	}
	c.Columns, c.Keys = f.Columns, f.Keys
	if len(f.Keys) > 0 {
		c.Sources["keys"] = path
	}
	if len(f.Columns) > 0 {
		c.Sources["columns"] = path
	}
	return nil
}

// checkFileValues checks the values whose flags would name the flag, not
// the file, in their errors.
func checkFileValues(f fileSettings, at func(string) string) error {
	inRange := func(key string, v *int, lo, hi int) error {
		if v != nil && (*v < lo || *v > hi) {
			return Errorf("%s must be from %d to %d, not %d", at(key), lo, hi, *v)
		}
		return nil
	}
	for _, err := range []error{
		inRange("page_size", f.PageSize, 1, 100),
		inRange("concurrency", f.Concurrency, 1, 16),
		inRange("history", f.History, 1, 30),
	} {
		if err != nil {
			return err
		}
	}
	if f.Theme != nil && *f.Theme != "auto" && *f.Theme != "light" && *f.Theme != "dark" {
		return Errorf("%s is %q: use auto, light or dark", at("theme"), *f.Theme)
	}
	if f.Region != nil && !regionName.MatchString(*f.Region) {
		return Errorf("%s %q is not a region name like cn-north-4", at("region"), *f.Region)
	}
	for key, u := range map[string]*string{"endpoint": f.Endpoint, "iam_endpoint": f.IAMEndpoint} {
		if u != nil && *u != "" {
			if _, err := api.ParseEndpoint(*u); err != nil {
				return Errorf("%s: %w", at(key), err)
			}
		}
	}
	if f.ProjectID != nil && *f.ProjectID != "" {
		if err := api.ValidID(*f.ProjectID); err != nil {
			return Errorf("%s %q %w", at("project_id"), *f.ProjectID, err)
		}
	}
	return nil
}

// fileError names the file, line and key of a decoding error.
func fileError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := strict.Errors[0]
		row, _ := e.Position()
		return Errorf("%s:%d: unknown key %q (the keys are %s, [columns] and [keys])", path, row, strings.Join(e.Key(), "."), fileKeys())
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

// lineOf is the line where key is set in a TOML text (its first
// assignment, or its table), 0 when not found.
func lineOf(text, key string) int {
	// Any case (SK), and dotted (keys.down = …) as --print-config writes.
	re := regexp.MustCompile(`(?i)^\s*(\[\s*)?([a-z_]+\.)?("?)` + regexp.QuoteMeta(key) + `("?)\s*(=|\])`)
	for i, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}

// PrintSettings writes the settings in force as the config file would
// set them, each with where it came from: a file to start from, and an
// answer to "why does it do that".
func PrintSettings(w io.Writer, c Config, fs *pflag.FlagSet, getenv func(string) string) error {
	fmt.Fprintf(w, "# wksrec settings in force; the config file is %s\n", shownPath(c.ConfigFile, configFileHome))
	for _, kf := range fileFlags {
		f := fs.Lookup(kf.flag)
		value := f.Value.String()
		switch f.Value.Type() {
		case "string":
			value = strconv.Quote(value)
		}
		source := c.Sources[kf.flag]
		if source == "" {
			source = "default"
		}
		if kf.flag == "endpoint" && c.Endpoint != "" && c.Sources["endpoint"] == "" {
			value, source = strconv.Quote(c.Endpoint), "from the region"
		}
		for flag, env := range map[string]string{"project-id": "HUAWEICLOUD_SDK_PROJECT_ID", "iam-endpoint": "HUAWEICLOUD_SDK_IAM_ENDPOINT"} {
			if kf.flag == flag && source == "default" && getenv(env) != "" {
				value, source = strconv.Quote(getenv(env)), "$"+env
			}
		}
		if kf.flag == "project-id" && value == `""` {
			source = "none: from the credentials file, a KooCLI profile or IAM when connecting"
		}
		if kf.flag == "region" && value == `""` {
			if r := profileRegion(c.Profile, getenv); r != "" {
				value, source = strconv.Quote(r), "the KooCLI profile in "+KooCLIPath(getenv)
			}
		}
		line := fmt.Sprintf("%s = %s  # %s\n", kf.key, value, source)
		if value == `""` {
			line = "# " + line // unset: kept as a comment, so the output reads back as a file
		}
		if _, err := io.WriteString(w, line); err != nil {
			return err
		}
	}
	for _, screen := range Screens {
		if cols, ok := c.Columns[screen]; ok {
			fmt.Fprintf(w, "columns.%s = [%s]  # %s\n", screen, quoteAll(cols), c.Sources["columns"])
		}
	}
	k := keymap.Default()
	for _, action := range k.Actions() {
		if keys, ok := c.Keys[action]; ok {
			fmt.Fprintf(w, "keys.%s = [%s]  # %s\n", action, quoteAll(keys), c.Sources["keys"])
		}
	}
	return nil
}

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
