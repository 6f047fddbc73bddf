package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wksrec/wksrec/api"
)

// Credentials are what wksrec authenticates with, and where they came from
// (for messages; never the secret itself).
type Credentials struct {
	Token                 string
	AK, SK, SecurityToken string
	ProjectID             string // from the SDK credentials file, if it has one
	Source                string
	Profile               string // the KooCLI profile the keys are from, if they are
}

// IsAKSK reports credentials that sign (rather than a token).
func (c Credentials) IsAKSK() bool { return c.AK != "" }

// FindCredentials looks in order at: --token-file, --credentials-file,
// --profile, $WKSREC_AUTH_TOKEN, $HUAWEICLOUD_SDK_AK/_SK (+
// _SECURITY_TOKEN), the SDK Credentials file
// ($HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/Credentials), and
// KooCLI's current profile (~/.hcloud/config.json). The first source that is set wins; a source
// that is set but broken is an error rather than a silent fall-through.
// Secrets are never accepted as flag values: other users can read argv.
// Warnings (a file others can read) go to warn.
func FindCredentials(c Config, getenv func(string) string, warn io.Writer) (Credentials, error) {
	if c.TokenFile != "" {
		tok, err := readSecretFile(c.TokenFile, "--token-file", warn)
		return Credentials{Token: tok, Source: "--token-file " + c.TokenFile}, err
	}
	if c.CredentialsFile != "" {
		return readCredentialsFile(c.CredentialsFile, "--credentials-file", warn)
	}
	profile := func() (Credentials, error) {
		path := KooCLIPath(getenv)
		p, err := readKooProfile(path, c.Profile, warn)
		return p.credentials(path, c.Region), err
	}
	// --profile on the command line comes before the environment; a
	// profile from the config file after it (the environment wins over
	// the file).
	fromFlag := c.Sources["profile"] == "flag"
	if c.Profile != "" && fromFlag {
		return profile()
	}
	if tok := strings.TrimSpace(getenv("WKSREC_AUTH_TOKEN")); tok != "" {
		return Credentials{Token: tok, Source: "$WKSREC_AUTH_TOKEN"}, nil
	}
	ak, sk := strings.TrimSpace(getenv("HUAWEICLOUD_SDK_AK")), strings.TrimSpace(getenv("HUAWEICLOUD_SDK_SK"))
	switch {
	case ak != "" && sk != "":
		return Credentials{AK: ak, SK: sk, SecurityToken: strings.TrimSpace(getenv("HUAWEICLOUD_SDK_SECURITY_TOKEN")),
			Source: "$HUAWEICLOUD_SDK_AK/_SK"}, nil
	case ak != "":
		return Credentials{}, Errorf("$HUAWEICLOUD_SDK_AK is set but $HUAWEICLOUD_SDK_SK is not")
	case sk != "":
		return Credentials{}, Errorf("$HUAWEICLOUD_SDK_SK is set but $HUAWEICLOUD_SDK_AK is not")
	}
	if c.Profile != "" {
		return profile()
	}
	path, named := getenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE"), "$HUAWEICLOUD_SDK_CREDENTIALS_FILE"
	if path == "" {
		path, named = sdkCredentialsPath(getenv), ""
	}
	if _, err := os.Stat(path); err == nil || named != "" {
		return readCredentialsFile(path, named, warn)
	}
	// Last, KooCLI's current profile: the one most CLI users have.
	koo := KooCLIPath(getenv)
	if _, err := os.Stat(koo); err == nil {
		p, err := readKooProfile(koo, "", warn)
		return p.credentials(koo, c.Region), err
	}
	return Credentials{}, Errorf("no credentials: tried --token-file, --credentials-file, --profile, $WKSREC_AUTH_TOKEN, "+
		"$HUAWEICLOUD_SDK_AK/_SK, %s and the KooCLI current profile in %s (or try --demo)",
		shownPath(path, sdkCredentialsHome), shownPath(koo, kooCLIHome))
}

// sdkCredentialsPath is the SDKs' credentials file in the home directory;
// "" when $HOME is not set (then there is none).
func sdkCredentialsPath(getenv func(string) string) string {
	return homePath(getenv, ".huaweicloud", "credentials")
}

// sdkCredentialsHome is sdkCredentialsPath under any home, for messages.
const sdkCredentialsHome = "~/.huaweicloud/credentials"

// readSecretFile reads a one-line secret, warning when others can read it.
func readSecretFile(path, what string, warn io.Writer) (string, error) {
	b, err := readPrivateFile(path, what, warn)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", Errorf("%s %s is empty", what, path)
	}
	return s, nil
}

// readCredentialsFile reads the SDK's INI file: section [basic], keys ak,
// sk, project_id, security_token. Only that subset of INI is parsed
// (sections, key = value, # and ; comments), which is all the SDKs write;
// a library would add a dependency for a dozen lines.
func readCredentialsFile(path, what string, warn io.Writer) (Credentials, error) {
	label := path
	if what != "" {
		label = what + " " + path
	}
	b, err := readPrivateFile(path, what, warn)
	if err != nil {
		return Credentials{}, err
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
	cr := Credentials{AK: values["ak"], SK: values["sk"], SecurityToken: values["security_token"],
		ProjectID: values["project_id"], Source: label}
	if cr.AK == "" || cr.SK == "" {
		return Credentials{}, Errorf("%s has no ak and sk in its [basic] section", label)
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
func (c Credentials) String() string {
	kind := "token"
	if c.IsAKSK() {
		kind = "AK/SK"
	}
	return "Credentials{" + kind + " from " + c.Source + ", secrets redacted}"
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
		return nil, Errorf("cannot read %s: %w", name, UnwrapPathError(err))
	}
	if info.Mode().IsRegular() && info.Mode().Perm()&0o077 != 0 { // a device or pipe has no mode to fix
		fmt.Fprintf(warn, "wksrec: warning: %s is accessible by others (mode %04o); run: chmod 600 %s\n",
			path, info.Mode().Perm(), path)
	}
	// A token or Credentials file is a few KiB; /dev/zero or a log named
	// by mistake must not be read to its end.
	return ReadStartFile(path, what, MaxStartFile)
}

// UnwrapPathError drops *os.PathError's operation and path, which the
// messages say already.
func UnwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Authenticator turns Credentials into what the API client applies.
// Errors name the source, never the secret.
func (c Credentials) Authenticator(projectID string) (api.Authenticator, error) {
	var (
		auth api.Authenticator
		err  error
	)
	if c.IsAKSK() {
		auth, err = api.NewAKSKAuth(c.AK, c.SK, c.SecurityToken, projectID)
	} else {
		auth, err = api.NewTokenAuth(c.Token)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Source, err)
	}
	return auth, nil
}
