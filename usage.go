package main

import (
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wksrec/wksrec/internal/config"
)

// --help and --version.

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// flagUsages is pflag's table without the "[=true|false]" it prints after
// every bool flag (blanked, not removed, so the columns stay aligned).
func flagUsages(fs *pflag.FlagSet) string {
	return strings.ReplaceAll(fs.FlagUsagesWrapped(80), "[=true|false]", "             ")
}

// wrapWords breaks s into lines of at most width bytes at spaces only
// (region names must not break at their hyphens).
func wrapWords(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

func usage(fs *pflag.FlagSet) string {
	return `wksrec – browse Huawei Cloud Workspace scheduled tasks, their runs, and each run's
per-desktop results.

Usage:
  wksrec --region cn-north-4                        the project's tasks › records › details
  wksrec --region cn-north-4 --task-id ID --record-id ID
  wksrec --demo                                     a built-in fake API: no account needed

Flags:
` + flagUsages(fs) + `
` + wrapWords("Regions known: "+strings.Join(config.KnownRegions, ", ")+". Others are accepted too; --endpoint always wins.", 80) + `

Credentials, first found wins (secrets are never taken as flag values):
  1. --token-file PATH, then --credentials-file PATH
  2. $WKSREC_AUTH_TOKEN                   an IAM token, sent as X-Auth-Token
  3. $HUAWEICLOUD_SDK_AK, $HUAWEICLOUD_SDK_SK (+ $HUAWEICLOUD_SDK_SECURITY_TOKEN)
  4. $HUAWEICLOUD_SDK_CREDENTIALS_FILE or ~/.huaweicloud/credentials ([basic] ak, sk,
     project_id, security_token)
  AK/SK requests are signed (SDK-HMAC-SHA256). Without a project id, wksrec asks IAM
  for the project named after --region.

Environment:
  HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_SDK_IAM_ENDPOINT   defaults for the flags
  HTTPS_PROXY, NO_PROXY                                      proxy settings
  NO_COLOR                                                   disable colour

Keys: j/k or arrows move, PgUp/PgDn page, g/G first/last, enter opens (in details:
the detail pane), tab the detail pane, esc goes back, r retries or refreshes,
? shows every key, q quits.
`
}
