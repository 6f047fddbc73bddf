package sshserve

import (
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/wksrec/wksrec/internal/config"
)

// User is who a session is: the [[ssh_user]] whose key authenticated.
type User struct {
	Name        string
	MayAct      bool   // role act
	Fingerprint string // SHA256:… of the key
	key         gossh.PublicKey
}

// users are the config file's [[ssh_user]] entries, by key.
type users []User

func newUsers(entries []config.SSHUser) (users, error) {
	us := make(users, 0, len(entries))
	for _, e := range entries {
		key, err := config.ParseSSHKey(e.Key) // checked with the file: not to fail here
		if err != nil {
			return nil, config.Errorf("[[ssh_user]] %q: %v", e.Name, err)
		}
		us = append(us, User{Name: e.Name, MayAct: e.Role == config.RoleAct, Fingerprint: gossh.FingerprintSHA256(key), key: key})
	}
	return us, nil
}

// byKey is the user whose key is key.
func (us users) byKey(key ssh.PublicKey) (User, bool) {
	if key == nil {
		return User{}, false
	}
	for _, u := range us {
		if ssh.KeysEqual(u.key, key) {
			return u, true
		}
	}
	return User{}, false
}
