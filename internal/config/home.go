package config

import "path/filepath"

// homePath is elem under the home directory that $HOME names, or ""
// when $HOME is not set: then there is no such file. Only getenv is
// asked, never the process's environment or the user database, so the
// caller decides (tests run in a home of their own), and a missing $HOME
// never means files relative to the working directory.
func homePath(getenv func(string) string, elem ...string) string {
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(append([]string{home}, elem...)...)
}

// shownPath is path for a message, or where it would be under a home
// when $HOME is not set.
func shownPath(path, underHome string) string {
	if path == "" {
		return underHome + " ($HOME is not set)"
	}
	return path
}
