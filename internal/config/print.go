package config

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/notify"
	"github.com/wksrec/wksrec/keymap"
)

// PrintSettings writes the settings in force as the config file would
// set them, each with where it came from: a file to start from, and an
// answer to "why does it do that". c and fs are Parse's; where each
// setting came from is in c.Sources, so the environment is not asked
// again (the last parameter is kept for callers).
func PrintSettings(w io.Writer, c Config, fs *pflag.FlagSet) error {
	fmt.Fprintf(w, "# wksrec settings in force; the config file is %s\n", shownPath(c.ConfigFile, configFileHome))
	for _, kf := range fileFlags {
		value, source := settingInForce(kf.flag, c, fs)
		if _, err := io.WriteString(w, settingLine(kf.key, value, source)); err != nil {
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

// settingLine is one setting as the config file writes it; an unset one
// is kept as a comment, so the output reads back as a file.
func settingLine(key, value, source string) string {
	line := fmt.Sprintf("%s = %s  # %s\n", key, value, source)
	if value == `""` {
		return "# " + line
	}
	return line
}

// settingInForce is a flag's value as the config file writes it (a
// string quoted), and where it came from: Parse's layers say, so a
// setting they did not use (the environment's project in the demo, the
// current KooCLI profile's region beside other keys) is not claimed.
func settingInForce(flag string, c Config, fs *pflag.FlagSet) (value, source string) {
	f := fs.Lookup(flag)
	value, source = f.Value.String(), c.Sources[flag]
	if flag == "endpoint" || flag == "iam-endpoint" {
		value = api.WithoutUserInfo(value) // never a password, even the user's own, on a screen or in a file
	}
	if flag == "webhook" && value != "" {
		value = notify.Redact(value) // its token is in its path or query
	}
	if f.Value.Type() == "string" {
		value = strconv.Quote(value)
	}
	switch {
	case flag == "endpoint" && c.Endpoint != "" && source == "":
		return strconv.Quote(c.Endpoint), "from the region"
	case flag == "project-id" && value == `""`:
		return value, "none: from the credentials file, a KooCLI profile or IAM when connecting"
	case source == "":
		return value, "default"
	}
	return value, source
}

func quoteAll(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}
