//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every file read at start is refused at once unless it is a regular
// file of a bounded size: a FIFO does not hang the start, a device is
// not read to its end, a link is followed to what it names.
func TestFilesReadAtStart(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxStartFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.toml")
	if err := os.WriteFile(good, []byte("\ufeffpage_size = 50\n"), 0o600); err != nil { // saved with a BOM
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.toml")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
	}{
		{fifo, "is not a regular file (a FIFO): refused"},
		{"/dev/zero", "is not a regular file (a device): refused"},
		{dir, "is not a regular file (a directory): refused"},
		{big, "is larger than 1024 KiB"},
		{good, ""},
		{link, ""},
	} {
		done := make(chan error, 1)
		go func() { _, _, err := Parse([]string{"--demo", "--config", tc.path}, env()); done <- err }()
		select {
		case err := <-done:
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("%s: %v, want %q", tc.path, err, tc.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the start hangs", tc.path)
		}
	}
	if c, _, err := Parse([]string{"--demo", "--config", good}, env()); err != nil || c.PageSize != 50 {
		t.Errorf("a file with a BOM: page size %d, %v", c.PageSize, err)
	}
	if _, err := ReadStartFile(fifo, "--ca-file", MaxCABundle); err == nil || !strings.Contains(err.Error(), "--ca-file") {
		t.Errorf("a CA bundle that is a FIFO: %v", err)
	}
}

// A KooCLI file that is broken (a FIFO, a device, not JSON) does not stop
// a user whose keys come from the environment.
func TestABrokenKooCLIFileStopsNobodyElse(t *testing.T) {
	for _, broken := range []string{"fifo", "/dev/zero", "not json"} {
		home := t.TempDir()
		path := filepath.Join(home, ".hcloud", "config.json")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		switch broken {
		case "fifo":
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		case "/dev/zero":
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		default:
			if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		getenv := env("HOME", home, "HUAWEICLOUD_SDK_AK", "AK1", "HUAWEICLOUD_SDK_SK", "SK1")
		done := make(chan error, 1)
		go func() {
			c, _, err := Parse([]string{"--region", "cn-north-4", "--project-id", "p", "-o", "json", "--task-id", "t", "--record-id", "r"}, getenv)
			if err == nil {
				_, err = FindCredentials(c, getenv, os.Stderr)
			}
			if err == nil && ProfileNames(getenv) != nil {
				err = os.ErrInvalid
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("a KooCLI file that is %s: %v", broken, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("a KooCLI file that is %s hangs the start", broken)
		}
	}
}
