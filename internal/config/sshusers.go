package config

import (
	"bytes"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Serving the browser over SSH (--serve-ssh): who may log in is the config
// file's [[ssh_user]] entries, each a name, one OpenSSH public key and a
// role. The key decides: the name a client gives at login is not read.

// SSHUser is one [[ssh_user]] entry.
type SSHUser struct {
	Name string `toml:"name"`
	Key  string `toml:"key"`
	Role string `toml:"role"` // RoleRead ("" in the file) or RoleAct
}

// The roles: read may look at everything and change nothing; act works as
// wksrec does locally (actions confirmed, and audit-logged with the key).
const (
	RoleRead = "read"
	RoleAct  = "act"
)

// DefaultSSHPort is the port of a bare --serve-ssh host.
const DefaultSSHPort = "2222"

var sshUserHeader = regexp.MustCompile(`^\s*\[\[\s*ssh_user\s*\]\]`)

// checkSSHUsers checks each entry and sets its role's default. Errors
// name the file, the line and the key. A key given twice is refused: its
// role would depend on the entry's order.
func checkSSHUsers(users []SSHUser, path, text string) error {
	at := func(i int, key string) string {
		return strings.TrimSuffix(fmt.Sprintf("%s:%d: [[ssh_user]] %s", path, entryLine(text, sshUserHeader, i, key), key), " ")
	}
	names, keys := map[string]int{}, map[string]int{}
	for i := range users {
		u := &users[i]
		if err := checkEntryName("ssh_user", u.Name, i, names, func(key string) string { return at(i, key) }); err != nil {
			return err
		}
		key, err := ParseSSHKey(u.Key)
		if err != nil {
			return Errorf("%s of %q: %v", at(i, "key"), u.Name, err)
		}
		fp := ssh.FingerprintSHA256(key)
		if j, dup := keys[fp]; dup {
			return Errorf("%s of %q: ssh_user %q has that key already (%s): a key has one role", at(i, "key"), u.Name, users[j].Name, fp)
		}
		keys[fp] = i
		switch u.Role {
		case "":
			u.Role = RoleRead
		case RoleRead, RoleAct:
		default:
			return Errorf("%s of %q must be read or act, not %q", at(i, "role"), u.Name, u.Role)
		}
	}
	return nil
}

// ParseSSHKey reads one OpenSSH public key line ("ssh-ed25519 AAAA…
// comment"), as in authorized_keys but without options: a command= or
// from= would say this server enforces them, and it does not.
func ParseSSHKey(line string) (ssh.PublicKey, error) {
	if strings.TrimSpace(line) == "" {
		return nil, fmt.Errorf("give one OpenSSH public key line, e.g. the contents of ~/.ssh/id_ed25519.pub")
	}
	if strings.ContainsAny(strings.TrimSpace(line), "\r\n") {
		return nil, fmt.Errorf("give one key: the value has more than one line")
	}
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	switch {
	case err != nil:
		return nil, fmt.Errorf("not an OpenSSH public key line (%v): give the contents of a .pub file, e.g. ~/.ssh/id_ed25519.pub", err)
	case len(options) > 0:
		return nil, fmt.Errorf("key options (%s) are not read here: give the key alone", strings.Join(options, ","))
	case len(bytes.TrimSpace(rest)) > 0:
		return nil, fmt.Errorf("give one key: the value has more than one")
	case key.Type() == "ssh-dss": // x/crypto deprecated its name for it, and servers refuse it
		return nil, fmt.Errorf("DSA keys are not accepted (OpenSSH dropped them): use an ed25519 key")
	}
	return key, nil
}

// entryLine is the line of key in the i-th entry (from 0) of the array of
// tables whose header is header, or of the entry's header when the key is
// "" or not written there.
func entryLine(text string, header *regexp.Regexp, i int, key string) int {
	entry, at := -1, 0
	for n, line := range strings.Split(text, "\n") {
		switch {
		case header.MatchString(line):
			entry++
			if entry == i {
				at = n + 1
			}
			if entry > i {
				return at
			}
		case anyHeader.MatchString(line):
			if entry == i {
				return at
			}
			entry = max(entry, i+1) // past the entry: no more of its keys
		case entry == i && key != "":
			if name, _ := tomlName(line); name == key {
				return n + 1
			}
		}
	}
	return at
}

// SSHAddress is where --serve-ssh listens: a bare :PORT (or a bare host)
// is on 127.0.0.1, so that serving to the network is always a choice
// written out.
func SSHAddress(value string) (string, error) {
	if _, err := strconv.Atoi(value); err == nil {
		return "", Errorf("--serve-ssh %q is a port alone: write :%s (on 127.0.0.1), or HOST:%s", value, value, value)
	}
	host, port, err := net.SplitHostPort(value)
	if err != nil {
		if strings.Contains(value, ":") && !strings.HasPrefix(value, "[") {
			return "", Errorf("--serve-ssh %q is not HOST:PORT, :PORT or [IPv6]:PORT", value)
		}
		host, port = strings.Trim(value, "[]"), DefaultSSHPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", Errorf("--serve-ssh %q: the port must be a number from 0 to 65535", value)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}
