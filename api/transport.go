package api

// Where requests go, and how they fail to get an answer: the endpoint's
// checks, the HTTP client (bounded, never following a redirect), the
// transport's errors and which of them a retry may mend.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ParseEndpoint validates a base URL. Plain http is allowed only to a
// loopback host (the fake server, a local tunnel): anywhere else it would
// send credentials in clear text.
func ParseEndpoint(raw string) (*url.URL, error) {
	shown := WithoutUserInfo(raw) // a password in the URL must not reach an error message
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("endpoint %q is not an http(s) URL like https://workspace.cn-north-4.myhuaweicloud.com", shown)
	}
	if u.User != nil {
		return nil, fmt.Errorf("endpoint %q must not carry user info: credentials come from the credential sources", shown)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("endpoint %q uses plain http to a non-loopback host; use https", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q must be a bare base URL (no query or fragment)", shown)
	}
	return u, nil
}

// WithoutUserInfo is raw with any "user:password@" removed, whether or not
// raw parses as a URL, however its scheme is mistyped ("http:/u:p@h",
// "https:///u:p@h") and whatever the password holds ("S3cr/et"): all
// before the last '@' is cut but an http or https scheme and its
// slashes. (An endpoint has no '@' anywhere else; a redirect's Location
// with one in its path loses a little of its text, never a secret.)
func WithoutUserInfo(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	keep := 0
	if i := strings.Index(raw[:at], ":"); i > 0 && (strings.EqualFold(raw[:i], "http") || strings.EqualFold(raw[:i], "https")) {
		keep = i + 1
		for keep < at && raw[keep] == '/' {
			keep++
		}
	}
	return raw[:keep] + "…" + raw[at:]
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DefaultHTTPClient is NewHTTPClient(nil).
func DefaultHTTPClient() *http.Client { return NewHTTPClient(nil) }

// NewHTTPClient returns a client with bounded connect, TLS and overall
// timeouts that honours the proxy environment (HTTPS_PROXY, NO_PROXY).
// roots, when not nil, replaces the system's CA pool. TLS verification is
// always on: there is no switch to turn it off.
func NewHTTPClient(roots *x509.CertPool) *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: refuseRedirect,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots},
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 20 * time.Second,
			MaxIdleConnsPerHost:   8,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
	}
}

// refuseRedirect stops at any redirect. The Workspace and IAM APIs do not
// redirect, and following one would carry X-Auth-Token or X-Security-Token
// (which Go strips only for Authorization and Cookie) to another host, or
// down to plain http.
func refuseRedirect(req *http.Request, _ []*http.Request) error {
	return http.ErrUseLastResponse // get() turns the 3xx into a RedirectError
}

// TransportError is a failure to get an HTTP answer: DNS, connect, TLS,
// proxy, timeout, or an answer that is not HTTP. Permanent marks the ones a
// retry cannot change (an untrusted certificate, a host that does not
// exist, a malformed answer, a request Go refuses to send).
type TransportError struct {
	Host      string
	Err       error
	Permanent bool
}

func (e *TransportError) Error() string {
	what := "cannot reach"
	if isMalformedAnswer(e.Err) {
		what = "no HTTP answer from"
	}
	return fmt.Sprintf("%s %s: %v (%s)", what, e.Host, e.Err, transportHint(e.Err))
}

func (e *TransportError) Unwrap() error { return e.Err }

// transportHint says where to look for a transport failure.
func transportHint(err error) string {
	var (
		unknownCA   x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalidCert x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		recordHdr   tls.RecordHeaderError
		dns         *net.DNSError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &verify):
		return "the system does not trust the certificate: a proxy re-signing TLS needs its CA trusted"
	case errors.As(err, &hostname), errors.As(err, &invalidCert):
		return "the certificate does not fit the endpoint: check the endpoint or region"
	case errors.As(err, &recordHdr):
		return "the server does not speak TLS: check the endpoint"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host: check the region or endpoint"
	case isMalformedAnswer(err):
		return "the answer is not HTTP from the Workspace API: check the endpoint and HTTPS_PROXY"
	case isTimeout(err):
		return "the API or the network is too slow: retry later, or check HTTPS_PROXY"
	}
	return "check the endpoint, network and HTTPS_PROXY"
}

// newTransportError classifies a failure to get an answer. Only what may
// pass by itself is left retryable: timeouts, and connections refused,
// reset or dropped. Everything else would fail the same way again, and
// each try of a signed request counts toward the AK's lock-out.
func newTransportError(host string, err error) *TransportError {
	return &TransportError{Host: host, Err: err, Permanent: !transient(err)}
}

func isTimeout(err error) bool {
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded)
}

func transient(err error) bool {
	if isTimeout(err) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTemporary || dns.IsTimeout
	}
	if isMalformedAnswer(err) {
		return false
	}
	for _, e := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET,
		syscall.ECONNABORTED, syscall.EPIPE, syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH,
		syscall.ENETDOWN, context.DeadlineExceeded} {
		if errors.Is(err, e) {
			return true
		}
	}
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "read" || op.Op == "write" || op.Op == "proxyconnect") &&
		!errors.As(err, new(x509.UnknownAuthorityError)) && !errors.As(err, new(*tls.CertificateVerificationError))
}

// isMalformedAnswer spots net/http's parse failures: a status line or
// header that is not HTTP. They have no exported type; their text is
// stable ("malformed HTTP response", "malformed MIME header line").
func isMalformedAnswer(err error) bool {
	var pe textproto.ProtocolError
	if errors.As(err, &pe) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"malformed", "invalid header field", "server gave HTTP response to HTTPS client",
		"Content-Length", "chunk length", "transfer encoding", "unexpected trailer"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// RedirectError is a 3xx answer. wksrec never follows one (see
// refuseRedirect), and a retry would be redirected again.
type RedirectError struct {
	Status   int
	Location string // with any user info removed
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the server redirected (HTTP %d) to %s; not following it with credentials: point the endpoint at the API itself", e.Status, e.Location)
}

// unwrapURLError drops *url.Error's "Get <url>:" prefix; the host is said once by TransportError.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
