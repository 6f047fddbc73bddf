//go:build !unix

package termbg

import (
	"os"
	"time"
)

// A console read cannot be bounded here, so the terminal is not asked: the
// answer would wait for input that may never come.
const canWait = false

func waitReadable(*os.File, time.Time) bool { return false }
