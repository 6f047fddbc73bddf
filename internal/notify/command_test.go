package notify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the commands are /bin/sh")
	}
}

func TestRunCommandPayloadOnStdin(t *testing.T) {
	skipOnWindows(t)
	out := filepath.Join(t.TempDir(), "got")
	payload := []byte("{\"title\":\"desk \\u001b 研发\"}\n\x00\xff tail without newline")
	if err := RunCommand(context.Background(), "cat > "+out, payload, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(payload) {
		t.Errorf("stdin got %q, want %q", got, payload)
	}
}

func TestRunCommandFailure(t *testing.T) {
	skipOnWindows(t)
	tests := []struct {
		name, cmd string
		want      string // the whole message, or its start when prefix is set
		prefix    bool
	}{
		{"status and last stderr line", `echo first >&2; echo "the real reason" >&2; echo >&2; exit 3`,
			"notify-cmd exited with status 3: the real reason", false},
		{"no stderr", `exit 7`, "notify-cmd exited with status 7", false},
		{"empty", " \t", "notify-cmd is empty: there is no command to run", false},
		{"escapes stripped", `printf 'bad \033]0;PWNED\007 \342\200\256name\n' >&2; exit 1`,
			"notify-cmd exited with status 1: bad ␛]0;PWNED␇ ␦name", false},
		{"stdout is not the reason", `echo on stdout; exit 2`, "notify-cmd exited with status 2", false},
		// The shell's own words differ between dash and bash.
		{"not found", `no-such-command-wksrec`, "notify-cmd exited with status 127: ", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := RunCommand(context.Background(), tc.cmd, []byte(`{"secret":"PAYLOAD-TOKEN"}`), 5*time.Second)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); msg != tc.want && !(tc.prefix && strings.HasPrefix(msg, tc.want) && len(msg) > len(tc.want)) {
				t.Errorf("error %q, want %q", msg, tc.want)
			}
			if strings.ContainsAny(err.Error(), "\x1b\x07\n\u202e") || strings.Contains(err.Error(), "PAYLOAD-TOKEN") {
				t.Errorf("error holds a control or the payload: %q", err)
			}
		})
	}
}

func TestRunCommandBoundsStderr(t *testing.T) {
	skipOnWindows(t)
	// 100 KiB of noise, then the reason as an over-long last line.
	cmd := `i=0; while [ $i -lt 1000 ]; do echo "noise line $i ................................................................................." >&2; i=$((i+1)); done; printf 'why%0500d\n' 0 >&2; exit 1`
	err := RunCommand(context.Background(), cmd, nil, 10*time.Second)
	if err == nil {
		t.Fatal("no error")
	}
	msg := strings.TrimPrefix(err.Error(), "notify-cmd exited with status 1: ")
	if !strings.HasPrefix(msg, "why000") || !strings.HasSuffix(msg, "…") || len([]rune(msg)) != maxRunes {
		t.Errorf("reason not bounded to %d runes: %d runes, %.30q…", maxRunes, len([]rune(msg)), msg)
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 8}
	for _, s := range []string{"abc", "defgh", "ij", "0123456789XY", "z"} {
		if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got := b.String(); got != "56789XYz" {
		t.Errorf("kept %q, want the last 8 bytes %q", got, "56789XYz")
	}
}

func TestRunCommandCallerCancels(t *testing.T) {
	skipOnWindows(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	marker := filepath.Join(t.TempDir(), "ran")
	err := RunCommand(ctx, "touch "+marker, nil, time.Minute)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "notify-cmd ") {
		t.Errorf("error %v, want a notify-cmd error wrapping context.Canceled", err)
	}
	if _, statErr := os.Stat(marker); statErr == nil {
		t.Error("the command ran after the caller had given up")
	}
}
