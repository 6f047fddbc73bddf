package config

import (
	"io"
	"os"

	"github.com/spf13/pflag"
)

// layer fills in what the command line left unset. Each setting takes
// its first source: a flag, then the environment, then the config file,
// then (for the region) the KooCLI profile whose keys are used, then the
// default. The file goes first because loadFile skips what a flag or the
// environment sets; the environment and the profile only fill what is
// still empty. The demo needs no account, so it reads neither.
func layer(c *Config, fs *pflag.FlagSet, getenv func(string) string) error {
	if err := layerFile(c, fs, getenv); err != nil {
		return err
	}
	// -o prints a history only when asked on the command line: a
	// history from the file sets the H column's width, not the output.
	c.HistoryOut = c.Sources["history"] == "flag" && c.Output != ""
	if c.isDemo() {
		return nil
	}
	layerEnvironment(c, getenv)
	layerProfileRegion(c, getenv)
	return nil
}

// layerFile reads the config file (the one named, or the default one
// when it exists) under the flags.
func layerFile(c *Config, fs *pflag.FlagSet, getenv func(string) string) error {
	path, named := ConfigPath(c.ConfigFile, getenv)
	if err := loadFile(c, fs, path, named, getenv); err != nil {
		return err
	}
	if c.ConfigFile == "" {
		c.ConfigFile = path
	}
	return nil
}

// environmentVariables are the settings the environment sets, as the
// Huawei Cloud SDKs name them: flag -> variable.
var environmentVariables = map[string]string{
	"project-id":   "HUAWEICLOUD_SDK_PROJECT_ID",
	"iam-endpoint": "HUAWEICLOUD_SDK_IAM_ENDPOINT",
}

// layerEnvironment sets the project and the IAM endpoint from the
// environment when no flag did.
func layerEnvironment(c *Config, getenv func(string) string) {
	for flag, value := range map[string]*string{"project-id": &c.ProjectID, "iam-endpoint": &c.IAMEndpoint} {
		variable := environmentVariables[flag]
		if *value == "" && getenv(variable) != "" {
			*value, c.Sources[flag] = getenv(variable), "$"+variable
		}
	}
}

// layerProfileRegion sets the region, when nothing says where, to the
// region of the KooCLI profile whose keys are used: a named one, or the
// current one when no source before it has credentials (else its region
// is not this account's).
func layerProfileRegion(c *Config, getenv func(string) string) {
	if c.Endpoint != "" || c.Region != "" || (c.Profile == "" && otherCredentials(*c, getenv)) {
		return
	}
	c.Region = profileRegion(c.Profile, getenv)
	if c.Region != "" {
		c.Sources["region"] = "the KooCLI profile in " + KooCLIPath(getenv)
	}
}

// profileRegion is the region of the KooCLI profile (the current one when
// name is ""), when there is such a profile; "" otherwise.
func profileRegion(name string, getenv func(string) string) string {
	path := KooCLIPath(getenv)
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	p, err := readKooProfile(path, name, io.Discard)
	if err != nil || !regionName.MatchString(p.Region) {
		return ""
	}
	return p.Region
}

// otherCredentials reports a credential source set before KooCLI's
// current profile: then that profile's region is not this account's.
func otherCredentials(c Config, getenv func(string) string) bool {
	if c.TokenFile != "" || c.CredentialsFile != "" || getenv("WKSREC_AUTH_TOKEN") != "" ||
		getenv("HUAWEICLOUD_SDK_AK") != "" || getenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE") != "" {
		return true
	}
	_, err := os.Stat(sdkCredentialsPath(getenv))
	return err == nil
}
