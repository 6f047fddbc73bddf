package sshserve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"

	"github.com/wksrec/wksrec/internal/config"
)

// HostKeyName is the host key's file in the state directory.
const HostKeyName = "ssh_host_ed25519_key"

// loadHostKey reads the host key at path, or makes one there on first
// start: an ed25519 key in OpenSSH's format, readable by its owner only,
// kept so that clients' known_hosts stay valid. wish can make one too
// (WithHostKeyPath), but writes it with the umask's mode and without
// refusing a link or a key others can read; sshd refuses those, and so
// does this.
func loadHostKey(path string) (pemBytes []byte, signer gossh.Signer, err error) {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return makeHostKey(path)
	case err != nil:
		return nil, nil, fmt.Errorf("reading the SSH host key: %w", err)
	case !st.Mode().IsRegular():
		return nil, nil, config.Errorf("the SSH host key %s is not a regular file (a link, a directory…): remove it, and a new key is made", path)
	case st.Mode().Perm()&0o077 != 0:
		return nil, nil, config.Errorf("the SSH host key %s can be read by others (mode %#o): chmod 600 %s, or remove it (clients then see a new host key)", path, st.Mode().Perm(), path)
	}
	pemBytes, err = os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the SSH host key: %w", err)
	}
	signer, err = gossh.ParsePrivateKey(pemBytes)
	if err != nil {
		return nil, nil, config.Errorf("the SSH host key %s cannot be read (%v): remove it, and a new key is made", path, err)
	}
	return pemBytes, signer, nil
}

// makeHostKey writes a new key at path, in a directory of its owner's
// only; O_EXCL: a key another process made meanwhile is not overwritten.
func makeHostKey(path string) ([]byte, gossh.Signer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("making the SSH host key: %w", err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("making the SSH host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(key, "wksrec host key")
	if err != nil {
		return nil, nil, fmt.Errorf("making the SSH host key: %w", err)
	}
	pemBytes := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("making the SSH host key: %w", err)
	}
	if _, err := f.Write(pemBytes); err != nil {
		f.Close()
		os.Remove(path)
		return nil, nil, fmt.Errorf("writing the SSH host key: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, nil, fmt.Errorf("writing the SSH host key: %w", err)
	}
	signer, err := gossh.NewSignerFromKey(key)
	return pemBytes, signer, err
}
