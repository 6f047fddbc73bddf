package config

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
)

// KooCLI (hcloud) profiles: most Huawei Cloud CLI users have one, in
// ~/.hcloud/config.json. wksrec reuses an AKSK profile's keys, region and
// project, as the SDKs and the Terraform provider do.

// kooFile is the part of KooCLI's config.json wksrec reads.
type kooFile struct {
	Current     string       `json:"current"`
	AuthEncrypt string       `json:"authEncrypt"` // the string "true" or "false"
	Profiles    []kooProfile `json:"profiles"`
}

type kooProfile struct {
	Name            string `json:"name"`
	Mode            string `json:"mode"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SecurityToken   string `json:"securityToken"`
	Region          string `json:"region"`
	ProjectID       string `json:"projectId"`
}

// KooCLIPath is where KooCLI keeps its profiles; "" when $HOME is not
// set (then there are none).
func KooCLIPath(getenv func(string) string) string {
	return homePath(getenv, ".hcloud", "config.json")
}

// kooCLIHome is KooCLIPath under any home, for messages.
const kooCLIHome = "~/.hcloud/config.json"

// readKooProfile reads profile name ("" for the current one) from path.
// Keys it cannot use are refused with what to do: an encrypted file, a
// profile whose mode is not AKSK, one without keys.
func readKooProfile(path, name string, warn io.Writer) (kooProfile, error) {
	if path == "" {
		return kooProfile{}, Errorf("cannot read the KooCLI profiles %s", shownPath(path, kooCLIHome))
	}
	b, err := readPrivateFile(path, "the KooCLI profiles", warn)
	if err != nil {
		return kooProfile{}, err
	}
	var f kooFile
	if err := json.Unmarshal(b, &f); err != nil {
		return kooProfile{}, Errorf("the KooCLI profiles %s are not valid JSON: %w", path, err)
	}
	if strings.EqualFold(f.AuthEncrypt, "true") {
		return kooProfile{}, Errorf("the KooCLI profiles in %s are encrypted, which only hcloud can read: run hcloud configure set --cli-auth-encrypt=false, or give wksrec credentials another way", path)
	}
	want := name
	if want == "" {
		want = f.Current
	}
	i := slices.IndexFunc(f.Profiles, func(p kooProfile) bool { return p.Name == want })
	if i < 0 {
		var names []string
		for _, p := range f.Profiles {
			names = append(names, p.Name)
		}
		return kooProfile{}, Errorf("no KooCLI profile %q in %s (it has: %s)", want, path, strings.Join(names, ", "))
	}
	p := f.Profiles[i]
	switch {
	case !strings.EqualFold(p.Mode, "AKSK"):
		return kooProfile{}, Errorf("the KooCLI profile %q uses mode %s; wksrec can reuse AKSK profiles only", p.Name, p.Mode)
	case p.AccessKeyID == "" || p.SecretAccessKey == "":
		return kooProfile{}, Errorf("the KooCLI profile %q has no access key and secret key", p.Name)
	}
	return p, nil
}

// credentials are the profile's keys, checked like every other source's
// when the signer is made, and its project when its region is region (a
// project belongs to one region).
func (p kooProfile) credentials(path, region string) Credentials {
	c := Credentials{AK: strings.TrimSpace(p.AccessKeyID), SK: strings.TrimSpace(p.SecretAccessKey),
		SecurityToken: strings.TrimSpace(p.SecurityToken), Source: "the KooCLI profile " + p.Name + " in " + path, Profile: p.Name}
	if region == "" || p.Region == region {
		c.ProjectID = p.ProjectID
	}
	return c
}

// ProfileNames are the KooCLI profiles' names (nothing else of them), for
// completion; none when there is no readable file.
func ProfileNames(getenv func(string) string) []string {
	b, err := ReadStartFile(KooCLIPath(getenv), "", MaxStartFile)
	if err != nil {
		return nil
	}
	var f kooFile
	if json.Unmarshal(b, &f) != nil {
		return nil
	}
	var names []string
	for _, p := range f.Profiles {
		names = append(names, p.Name)
	}
	return names
}
