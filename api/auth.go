package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Authenticator adds credentials to a request just before it is sent.
// body is the exact request body (nil for GET), which a signer must hash.
// Implementations must never put a secret anywhere but the request headers.
type Authenticator interface {
	Authenticate(req *http.Request, body []byte) error
}

// TokenAuth sends an IAM token as X-Auth-Token.
type TokenAuth struct{ token string }

// NewTokenAuth returns an Authenticator for an IAM token.
func NewTokenAuth(token string) (*TokenAuth, error) {
	if token == "" {
		return nil, errors.New("empty token")
	}
	if err := checkHeaderSecret("token", token); err != nil {
		return nil, err
	}
	return &TokenAuth{token: token}, nil
}

// Authenticate sets the X-Auth-Token header.
func (a *TokenAuth) Authenticate(req *http.Request, _ []byte) error {
	req.Header.Set("X-Auth-Token", a.token)
	return nil
}

// String keeps the token out of any %v or %+v that prints the value.
func (a *TokenAuth) String() string { return "TokenAuth{token: <redacted>}" }

// GoString does the same for %#v.
func (a *TokenAuth) GoString() string { return a.String() }

// checkHeaderSecret refuses a credential that cannot travel in an HTTP
// header: a control character, a space or a non-ASCII byte (a newline left
// by an editor, say). Go would refuse to send it on every request; this
// says so once, before anything is sent. The message names the position,
// never the secret.
func checkHeaderSecret(what, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f {
			return fmt.Errorf("the %s has a character that cannot go in an HTTP header (byte %d of %d is 0x%02x): check for a stray newline, space or paste error", what, i+1, len(v), c)
		}
	}
	return nil
}

// ValidID reports whether id may name a project, task or record in a
// request path. Huawei's ids are hex and UUIDs; what this refuses would
// change which path is asked for, or hide in a log: a '/' or '\', "..",
// a control or format character, invalid UTF-8, more than 256 bytes.
// (Anything else is escaped as a path segment.)
func ValidID(id string) error {
	if id == "" || len(id) > 256 {
		return fmt.Errorf("must be 1 to 256 bytes long, not %d", len(id))
	}
	if strings.Contains(id, "..") || id == "." {
		return errors.New(`must not be "." or contain ".."`)
	}
	if !utf8.ValidString(id) {
		return errors.New("is not valid UTF-8")
	}
	for _, c := range id {
		if c == '/' || c == '\\' || unicode.IsControl(c) || unicode.Is(unicode.Cf, c) || c == 0x2028 || c == 0x2029 {
			return fmt.Errorf("has %U, which an id never has", c)
		}
	}
	return nil
}
