package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wksrec/wksrec/api"
)

// credentials are what wksrec authenticates with, and where they came from
// (for messages; never the secret itself).
type credentials struct {
	token                 string
	ak, sk, securityToken string
	projectID             string // from the SDK credentials file, if it has one
	source                string
}

func (c credentials) isAKSK() bool { return c.ak != "" }

// findCredentials looks in order at: --token-file, --credentials-file,
// $WKSREC_AUTH_TOKEN, $HUAWEICLOUD_SDK_AK/_SK (+ _SECURITY_TOKEN), and the
// SDK credentials file ($HUAWEICLOUD_SDK_CREDENTIALS_FILE or
// ~/.huaweicloud/credentials). The first source that is set wins; a source
// that is set but broken is an error rather than a silent fall-through.
// Secrets are never accepted as flag values: other users can read argv.
// Warnings (a file others can read) go to warn.
func findCredentials(c config, getenv func(string) string, warn io.Writer) (credentials, error) {
	if c.tokenFile != "" {
		tok, err := readSecretFile(c.tokenFile, "--token-file", warn)
		return credentials{token: tok, source: "--token-file " + c.tokenFile}, err
	}
	if c.credentialsFile != "" {
		return readCredentialsFile(c.credentialsFile, "--credentials-file", warn)
	}
	if tok := strings.TrimSpace(getenv("WKSREC_AUTH_TOKEN")); tok != "" {
		return credentials{token: tok, source: "$WKSREC_AUTH_TOKEN"}, nil
	}
	ak, sk := strings.TrimSpace(getenv("HUAWEICLOUD_SDK_AK")), strings.TrimSpace(getenv("HUAWEICLOUD_SDK_SK"))
	switch {
	case ak != "" && sk != "":
		return credentials{ak: ak, sk: sk, securityToken: strings.TrimSpace(getenv("HUAWEICLOUD_SDK_SECURITY_TOKEN")),
			source: "$HUAWEICLOUD_SDK_AK/_SK"}, nil
	case ak != "":
		return credentials{}, usagef("$HUAWEICLOUD_SDK_AK is set but $HUAWEICLOUD_SDK_SK is not")
	case sk != "":
		return credentials{}, usagef("$HUAWEICLOUD_SDK_SK is set but $HUAWEICLOUD_SDK_AK is not")
	}
	path, named := getenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE"), "$HUAWEICLOUD_SDK_CREDENTIALS_FILE"
	if path == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		path, named = filepath.Join(home, ".huaweicloud", "credentials"), ""
	}
	if _, err := os.Stat(path); err == nil || named != "" {
		return readCredentialsFile(path, named, warn)
	}
	return credentials{}, usagef("no credentials: tried --token-file, --credentials-file, $WKSREC_AUTH_TOKEN, "+
		"$HUAWEICLOUD_SDK_AK/_SK and %s (or try --demo)", path)
}

// readSecretFile reads a one-line secret, warning when others can read it.
func readSecretFile(path, what string, warn io.Writer) (string, error) {
	b, err := readPrivateFile(path, what, warn)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", usagef("%s %s is empty", what, path)
	}
	return s, nil
}

// readCredentialsFile reads the SDK's INI file: section [basic], keys ak,
// sk, project_id, security_token. Only that subset of INI is parsed
// (sections, key = value, # and ; comments), which is all the SDKs write;
// a library would add a dependency for a dozen lines.
func readCredentialsFile(path, what string, warn io.Writer) (credentials, error) {
	label := path
	if what != "" {
		label = what + " " + path
	}
	b, err := readPrivateFile(path, what, warn)
	if err != nil {
		return credentials{}, err
	}
	values := map[string]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			section = strings.ToLower(strings.TrimSpace(line[1 : len(line)-1]))
		case section == "basic":
			if k, v, ok := cutKeyValue(line); ok {
				values[strings.ToLower(k)] = v
			}
		}
	}
	cr := credentials{ak: values["ak"], sk: values["sk"], securityToken: values["security_token"],
		projectID: values["project_id"], source: label}
	if cr.ak == "" || cr.sk == "" {
		return credentials{}, usagef("%s has no ak and sk in its [basic] section", label)
	}
	return cr, nil
}

// cutKeyValue splits an INI line as the SDKs' INI library does: "=" or ":"
// separates, a " #" or " ;" starts a comment, and matching quotes around
// the value are removed.
func cutKeyValue(line string) (key, value string, ok bool) {
	i := strings.IndexAny(line, "=:")
	if i <= 0 {
		return "", "", false
	}
	key, value = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
	if value != "" && (value[0] == '"' || value[0] == '\'') {
		// A quoted value ends at its closing quote; a comment may follow.
		if j := strings.IndexByte(value[1:], value[0]); j >= 0 {
			return key, value[1 : 1+j], true
		}
	}
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		if j := strings.Index(value, c); j >= 0 {
			value = strings.TrimSpace(value[:j])
		}
	}
	return key, value, true
}

// String keeps the secrets out of any %v that prints credentials.
func (c credentials) String() string {
	kind := "token"
	if c.isAKSK() {
		kind = "AK/SK"
	}
	return "credentials{" + kind + " from " + c.source + ", secrets redacted}"
}

// readPrivateFile reads a file holding secrets and warns, as ssh does, when
// its mode lets group or others read it.
func readPrivateFile(path, what string, warn io.Writer) ([]byte, error) {
	name := path
	if what != "" {
		name = what + " " + path
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, usagef("cannot read %s: %v", name, unwrapPathError(err))
	}
	if info.Mode().IsRegular() && info.Mode().Perm()&0o077 != 0 { // a device or pipe has no mode to fix
		fmt.Fprintf(warn, "wksrec: warning: %s is accessible by others (mode %04o); run: chmod 600 %s\n",
			path, info.Mode().Perm(), path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("cannot read %s: %v", name, unwrapPathError(err))
	}
	defer f.Close()
	// Bounded: /dev/zero or a log file named by mistake must not be read
	// to the end. A token or credentials file is a few KiB.
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return nil, usagef("cannot read %s: %v", name, unwrapPathError(err))
	}
	if len(b) > maxSecretFile {
		return nil, usagef("%s is larger than %d KiB: is it the right file?", name, maxSecretFile>>10)
	}
	return b, nil
}

// maxSecretFile bounds what is read of a token or credentials file.
const maxSecretFile = 256 << 10

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// authenticator turns credentials into what the API client applies.
// Errors name the source, never the secret.
func (c credentials) authenticator(projectID string) (api.Authenticator, error) {
	var (
		auth api.Authenticator
		err  error
	)
	if c.isAKSK() {
		auth, err = api.NewAKSKAuth(c.ak, c.sk, c.securityToken, projectID)
	} else {
		auth, err = api.NewTokenAuth(c.token)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.source, err)
	}
	return auth, nil
}
