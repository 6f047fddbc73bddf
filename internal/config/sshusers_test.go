package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

const (
	keyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAx0fvX+riuG6SgRtuyQChWhh2ugKKjKn4EA7S7cEbwV rita@laptop"
	keyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ2QTpzZ9Pe9y8vX0mD4Cd9KHn1U8QF7JSmzoc2BwPcw alex@laptop"
)

// [[ssh_user]] entries are read with their role's default, and each
// mistake is named with the file's line and key.
func TestSSHUsersInTheFile(t *testing.T) {
	home, _ := configHome(t, "[[ssh_user]]\nname = \"rita\"\nkey = \""+keyA+"\"\n\n[[ssh_user]]\nname = \"alex\"\nkey = \""+keyB+"\"\nrole = \"act\"\n")
	c, _, err := Parse([]string{"--demo", "--serve-ssh", ":2222"}, env("HOME", home))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SSHUsers) != 2 || c.SSHUsers[0].Role != RoleRead || c.SSHUsers[1].Role != RoleAct || c.SSHUsers[1].Name != "alex" {
		t.Fatalf("users: %+v", c.SSHUsers)
	}
	entry := func(lines ...string) string { return "[[ssh_user]]\n" + strings.Join(lines, "\n") + "\n" }
	for _, tc := range []struct{ body, want string }{
		{entry(`key = "` + keyA + `"`), "config.toml:1: [[ssh_user]]: every ssh_user needs a name"},
		{entry(`name = "rita smith"`, `key = "`+keyA+`"`), `config.toml:2: [[ssh_user]] name "rita smith"`},
		{entry(`name = "rita"`), "config.toml:1: [[ssh_user]] key of \"rita\": give one OpenSSH public key line"},
		{entry(`name = "rita"`, `key = "ssh-ed25519 AAAA"`), "config.toml:3: [[ssh_user]] key of \"rita\": not an OpenSSH public key line"},
		{entry(`name = "rita"`, `key = 'command="/bin/sh" `+keyA+`'`), "key options (command=\"/bin/sh\") are not read here"},
		{entry(`name = "rita"`, `key = "`+keyA+`"`, `role = "admin"`), `config.toml:4: [[ssh_user]] role of "rita" must be read or act, not "admin"`},
		{entry(`name = "rita"`, `key = "`+keyA+`"`) + entry(`name = "RITA"`, `key = "`+keyB+`"`), `config.toml:5: [[ssh_user]] name "RITA": ssh_user 1 has that name already`},
		{entry(`name = "rita"`, `key = "`+keyA+`"`) + entry(`name = "alex"`, `key = "`+keyA+`"`), `config.toml:6: [[ssh_user]] key of "alex": ssh_user "rita" has that key already`},
		{entry(`name = "rita"`, `key = "`+keyA+`"`, `rolle = "act"`), `config.toml:4: unknown key "ssh_user.rolle" (the keys of [[ssh_user]] are name, key and role)`},
	} {
		home, _ := configHome(t, tc.body)
		_, _, err := Parse([]string{"--demo", "--serve-ssh", ":2222"}, env("HOME", home))
		if _, ok := err.(Error); !ok || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want a config error with %q", tc.body, err, tc.want)
		}
	}
}

// --serve-ssh needs users, serves alone, and is bounded.
func TestServeSSHSettings(t *testing.T) {
	home, _ := configHome(t, "[[ssh_user]]\nname = \"rita\"\nkey = \""+keyA+"\"\n")
	empty, _ := configHome(t, "")
	for _, tc := range []struct {
		home string
		args []string
		want string
	}{
		{empty, []string{"--serve-ssh", ":2222"}, "has no [[ssh_user]]"},
		{home, []string{"--serve-ssh", ":2222", "-o", "csv"}, "--serve-ssh only serves"},
		{home, []string{"--serve-ssh", "localhost:ssh"}, "the port must be a number"},
		{home, []string{"--serve-ssh", ":2222", "--ssh-idle-timeout", "1s"}, "--ssh-idle-timeout must be from 1m to 24h"},
		{home, []string{"--serve-ssh", ":2222", "--ssh-max-sessions", "0"}, "--ssh-max-sessions must be from 1 to 1000"},
		{home, []string{"--ssh-max-session", "1h"}, "--ssh-max-session goes with --serve-ssh"},
	} {
		_, _, err := Parse(append([]string{"--demo"}, tc.args...), env("HOME", tc.home))
		if _, ok := err.(Error); !ok || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want a config error with %q", tc.args, err, tc.want)
		}
	}
	c, _, err := Parse([]string{"--demo", "--serve-ssh", ":2222"}, env("HOME", home))
	if err != nil || c.SSHIdle != 30*time.Minute || c.SSHMaxSessions != 32 {
		t.Fatalf("defaults: %v %v %d", err, c.SSHIdle, c.SSHMaxSessions)
	}
}

// A bare port or host is on loopback: serving to a network is written out.
func TestSSHAddress(t *testing.T) {
	for in, want := range map[string]string{
		":2222": "127.0.0.1:2222", "0.0.0.0:22": "0.0.0.0:22", "10.0.0.5:2222": "10.0.0.5:2222",
		"[::1]:2222": "[::1]:2222", "10.0.0.5": "10.0.0.5:2222", ":0": "127.0.0.1:0",
	} {
		if got, err := SSHAddress(in); err != nil || got != want {
			t.Errorf("%q: %q %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{":99999", "host:port", "a:b:c", "2222"} {
		if _, err := SSHAddress(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A session's arguments: wksrec's flags only, the server's own refused,
// --action refused to a read key.
func TestRemoteArguments(t *testing.T) {
	for _, ok := range [][]string{
		nil, {"--task-id", "t", "--record-id", "latest", "-o", "csv", "--status", "FAIL"}, {"--fleet"}, {"--watch", "30s", "-o", "json"}, {"-h"},
	} {
		if err := CheckRemoteArgs(ok, false); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, tc := range []struct {
		args   []string
		mayAct bool
		want   string
	}{
		{[]string{"--endpoint", "http://127.0.0.1:1"}, true, "--endpoint is the server's to set"},
		{[]string{"--notify-cmd", "sh"}, true, "--notify-cmd is the server's"},
		{[]string{"--config=/etc/shadow"}, true, "--config is the server's"},
		{[]string{"--profile", "prod"}, true, "--profile is the server's"},
		{[]string{"--debug", "/tmp/x"}, true, "--debug is the server's"},
		{[]string{"completion", "bash"}, true, `unexpected argument "completion"`},
		{[]string{"--task-id", "t", ";", "rm", "x"}, true, `unexpected argument ";"`},
		{[]string{"--action", "reboot"}, false, "--action: this key's role is read"},
		{[]string{"--dry-run"}, false, "--dry-run: this key's role is read"},
		{[]string{"--taks-id", "t"}, true, "unknown flag"},
	} {
		err := CheckRemoteArgs(tc.args, tc.mayAct)
		if _, ok := err.(Error); !ok || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want a config error with %q", tc.args, err, tc.want)
		}
	}
	if err := CheckRemoteArgs([]string{"--action", "reboot", "--confirm", "3"}, true); err != nil {
		t.Errorf("an act key's --action: %v", err)
	}
	// Every flag is either a session's or the server's, by decision: a
	// new flag is refused over SSH until it is added to remoteFlags.
	var c Config
	NewFlagSet(&c).VisitAll(func(f *pflag.Flag) {
		if slices.Contains(remoteFlags, f.Name) {
			return
		}
		if err := CheckRemoteArgs([]string{"--" + f.Name + "=" + f.DefValue}, true); err == nil {
			t.Errorf("--%s is not a session's, yet was accepted", f.Name)
		}
	})
}
