package api

import (
	"errors"
	"net/http"
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
