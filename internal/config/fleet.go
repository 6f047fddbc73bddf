package config

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/wksrec/wksrec/api"
)

// The fleet: every project an operator looks after, each a member of the
// config file's [[fleet]] with a name and what a session needs (a KooCLI
// profile, or a region or endpoint and a project id). Credentials are
// never in the file: a member's come from its profile, else from the
// usual chain.

// FleetMember is one [[fleet]] entry.
type FleetMember struct {
	Name      string `toml:"name"`
	Profile   string `toml:"profile"`
	Region    string `toml:"region"`
	Endpoint  string `toml:"endpoint"`
	ProjectID string `toml:"project_id"`
}

// memberName is what a member may be called: short, and safe in a column,
// a file name and a command line.
var memberName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// checkFleet checks each member: its name, its place, and that it can make
// a session. Errors name the file, the line and the key.
func checkFleet(members []FleetMember, path, text string, getenv func(string) string) error {
	at := func(i int, key string) string {
		return strings.TrimSuffix(fmt.Sprintf("%s:%d: [[fleet]] %s", path, entryLine(text, fleetHeader, i, key), key), " ")
	}
	seen := map[string]int{}
	for i, m := range members {
		if err := checkEntryName("member", m.Name, i, seen, func(key string) string { return at(i, key) }); err != nil {
			return err
		}
		if err := checkMember(m, func(key string) string { return at(i, key) }, getenv); err != nil {
			return err
		}
	}
	return nil
}

// checkEntryName checks the name of the i-th entry of an array of tables
// (a fleet's member, an ssh_user): given, short and safe in a column, a
// file name and a command line, and no other entry's in any case. seen
// are the names so far, by their lower case.
func checkEntryName(kind, name string, i int, seen map[string]int, at func(key string) string) error {
	switch {
	case name == "":
		return Errorf("%s: every %s needs a name", at(""), kind)
	case !memberName.MatchString(name):
		return Errorf("%s %q: use up to 40 letters, digits, '.', '_' or '-', starting with a letter or digit", at("name"), name)
	}
	if j, dup := seen[strings.ToLower(name)]; dup {
		return Errorf("%s %q: %s %d has that name already (names are told apart without case)", at("name"), name, kind, j+1)
	}
	seen[strings.ToLower(name)] = i
	return nil
}

func checkMember(m FleetMember, at func(string) string, getenv func(string) string) error {
	switch {
	case m.Profile == "" && m.Region == "" && m.Endpoint == "":
		return Errorf("%s %q: give a profile, or a region or endpoint and a project_id", at("name"), m.Name)
	case m.Profile == "" && m.ProjectID == "":
		return Errorf("%s: member %q has no project_id (or a profile that has one)", at("project_id"), m.Name)
	case m.Region != "" && !regionName.MatchString(m.Region):
		return Errorf("%s %q is not a region name like cn-north-4", at("region"), m.Region)
	case m.ProjectID != "" && api.ValidID(m.ProjectID) != nil:
		return Errorf("%s %q is not a project id", at("project_id"), m.ProjectID)
	}
	if m.Endpoint != "" {
		if _, err := api.ParseEndpoint(m.Endpoint); err != nil {
			return Errorf("%s: %w", at("endpoint"), err)
		}
	}
	if m.Profile != "" {
		if _, err := readKooProfile(KooCLIPath(getenv), m.Profile, io.Discard); err != nil {
			return Errorf("%s %q: %v", at("profile"), m.Profile, err)
		}
	}
	return nil
}

var (
	fleetHeader = regexp.MustCompile(`^\s*\[\[\s*fleet\s*\]\]`)
	anyHeader   = regexp.MustCompile(`^\s*\[`)
)

// MemberConfig is c for a member's session: its profile (with the
// profile's region and project), region, endpoint and project in place of
// c's, the rest (CA file, page size, concurrency, cache) c's own.
func MemberConfig(c Config, m FleetMember, getenv func(string) string) (Config, error) {
	var err error
	if m.Profile != "" {
		if c, err = Switch(c, "profile", m.Profile, getenv); err != nil {
			return c, err
		}
	}
	if m.Region != "" {
		if c, err = Switch(c, "region", m.Region, getenv); err != nil {
			return c, err
		}
	}
	if m.Endpoint != "" {
		c.Endpoint = m.Endpoint
	}
	if m.ProjectID != "" {
		if c, err = Switch(c, "project", m.ProjectID, getenv); err != nil {
			return c, err
		}
	}
	c.TaskID, c.RecordID, c.TaskName = "", "", ""
	return c, nil
}
