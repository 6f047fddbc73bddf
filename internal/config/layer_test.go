package config

import (
	"fmt"
	"path/filepath"
	"testing"
)

// Each setting takes its first source: a flag, the environment, the
// config file, the KooCLI profile whose keys are used (the region), the
// default. The source is what --print-config says.
func TestLayerPrecedence(t *testing.T) {
	const file = `region = "cn-east-3"
project_id = "from-file"
iam_endpoint = "https://iam.file.example"
page_size = 50
theme = "light"
history = 7
`
	fromEnv := []string{"HUAWEICLOUD_SDK_PROJECT_ID", "from-env", "HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.env.example"}
	get := map[string]func(Config) string{
		"project-id":   func(c Config) string { return c.ProjectID },
		"iam-endpoint": func(c Config) string { return c.IAMEndpoint },
		"region":       func(c Config) string { return c.Region },
		"endpoint":     func(c Config) string { return c.Endpoint },
		"page-size":    func(c Config) string { return fmt.Sprint(c.PageSize) },
		"theme":        func(c Config) string { return c.Theme },
		"history":      func(c Config) string { return fmt.Sprintf("%d out:%v", c.History, c.HistoryOut) },
	}
	for _, tc := range []struct {
		name, setting string
		args, env     []string
		file          string
		koo           bool
		want, source  string // source "" is the default (no entry)
	}{
		{"project: flag over all", "project-id", []string{"--project-id", "from-flag"}, fromEnv, file, false, "from-flag", "flag"},
		{"project: environment over the file", "project-id", nil, fromEnv, file, false, "from-env", "$HUAWEICLOUD_SDK_PROJECT_ID"},
		{"project: the file", "project-id", nil, nil, file, false, "from-file", "FILE"},
		{"project: none", "project-id", []string{"--region", "cn-north-4"}, nil, "", false, "", ""},
		{"IAM: flag over all", "iam-endpoint", []string{"--iam-endpoint", "https://iam.flag.example"}, fromEnv, file, false, "https://iam.flag.example", "flag"},
		{"IAM: environment over the file", "iam-endpoint", nil, fromEnv, file, false, "https://iam.env.example", "$HUAWEICLOUD_SDK_IAM_ENDPOINT"},
		{"IAM: the file", "iam-endpoint", nil, nil, file, false, "https://iam.file.example", "FILE"},
		{"region: flag over the file and the profile", "region", []string{"--region", "la-south-2"}, nil, file, true, "la-south-2", "flag"},
		{"region: the file over the profile", "region", nil, nil, file, true, "cn-east-3", "FILE"},
		{"region: the current profile's", "region", nil, nil, "", true, "cn-north-4", "PROFILE"},
		{"region: not the current profile's beside other keys", "region", []string{"--endpoint", "https://127.0.0.1:1"}, []string{"HUAWEICLOUD_SDK_AK", "AK", "HUAWEICLOUD_SDK_SK", "SK"}, "", true, "", ""},
		{"region: a named profile's beside other keys", "region", []string{"--profile", "lab"}, []string{"HUAWEICLOUD_SDK_AK", "AK", "HUAWEICLOUD_SDK_SK", "SK"}, "", true, "ap-southeast-1", "PROFILE"},
		{"endpoint: --endpoint keeps the file's region out", "region", []string{"--endpoint", "https://127.0.0.1:1"}, nil, file, false, "", ""},
		{"endpoint: from the region", "endpoint", nil, nil, file, false, "https://workspace.cn-east-3.myhuaweicloud.com", ""},
		{"page size: flag over the file", "page-size", []string{"--page-size", "20", "--demo"}, nil, file, false, "20", "flag"},
		{"page size: the file", "page-size", []string{"--demo"}, nil, file, false, "50", "FILE"},
		{"page size: the default", "page-size", []string{"--demo"}, nil, "", false, "100", ""},
		{"theme: flag over the file", "theme", []string{"--theme", "dark", "--demo"}, nil, file, false, "dark", "flag"},
		{"theme: the file", "theme", []string{"--demo"}, nil, file, false, "light", "FILE"},
		{"theme: the default", "theme", []string{"--demo"}, nil, "", false, "auto", ""},
		{"history: a flag's is printed by -o", "history", []string{"--history", "3", "--demo", "-o", "json", "--task-id", "t", "--record-id", "r"}, nil, file, false, "3 out:true", "flag"},
		{"history: the file's is not", "history", []string{"--demo", "-o", "json"}, nil, file, false, "7 out:false", "FILE"},
		{"history: the default", "history", []string{"--demo"}, nil, "", false, "5 out:false", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			configFile := filepath.Join(home, ".config", "wksrec", "config.toml")
			if tc.file != "" {
				writeFile(t, configFile, tc.file, 0o600)
			}
			kooFile := filepath.Join(home, ".hcloud", "config.json")
			if tc.koo {
				writeFile(t, kooFile, kooConfig, 0o600)
			}
			c, _, err := Parse(tc.args, env(append([]string{"HOME", home}, tc.env...)...))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"FILE": configFile, "PROFILE": "the KooCLI profile in " + kooFile}[tc.source]
			if want == "" {
				want = tc.source
			}
			if got := get[tc.setting](c); got != tc.want || c.Sources[tc.setting] != want {
				t.Errorf("%s = %q from %q, want %q from %q", tc.setting, got, c.Sources[tc.setting], tc.want, want)
			}
		})
	}
}
