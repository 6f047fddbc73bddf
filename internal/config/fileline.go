package config

// Where in the config file: the line and key an error names, and the
// keys the file has.

import (
	"errors"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

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
