package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Header names and formats of Huawei Cloud's "SDK-HMAC-SHA256" AK/SK signing.
const (
	SignAlgorithm       = "SDK-HMAC-SHA256"
	HeaderSdkDate       = "X-Sdk-Date"
	HeaderProjectID     = "X-Project-Id"
	HeaderSecurityToken = "X-Security-Token"
	SdkDateFormat       = "20060102T150405Z"
)

// AKSKAuth signs each request with an access key / secret key pair, as the
// official SDKs do. For temporary credentials SecurityToken is sent too.
type AKSKAuth struct {
	ak, sk, securityToken, projectID string
	now                              func() time.Time
}

// NewAKSKAuth returns a signer. projectID is sent as X-Project-Id (may be
// empty for global calls such as IAM's project listing).
func NewAKSKAuth(ak, sk, securityToken, projectID string) (*AKSKAuth, error) {
	if ak == "" || sk == "" {
		return nil, errors.New("AK/SK signing needs both an access key and a secret key")
	}
	for _, c := range []struct{ what, v string }{{"access key (AK)", ak}, {"secret key (SK)", sk}, {"security token", securityToken}} {
		if err := checkHeaderSecret(c.what, c.v); err != nil {
			return nil, err
		}
	}
	return &AKSKAuth{ak: ak, sk: sk, securityToken: securityToken, projectID: projectID, now: time.Now}, nil
}

// Authenticate adds X-Sdk-Date, X-Project-Id, X-Security-Token and the
// Authorization header.
func (a *AKSKAuth) Authenticate(req *http.Request, body []byte) error {
	req.Header.Set(HeaderSdkDate, a.now().UTC().Format(SdkDateFormat))
	if a.projectID != "" {
		req.Header.Set(HeaderProjectID, a.projectID)
	}
	if a.securityToken != "" {
		req.Header.Set(HeaderSecurityToken, a.securityToken)
	}
	signed := SignedHeaders(req.Header)
	canonical := CanonicalRequest(req.Method, req.URL.EscapedPath(), req.URL.Query(), req.Header, signed, body)
	sig := Signature(a.sk, req.Header.Get(HeaderSdkDate), canonical)
	req.Header.Set("Authorization", SignAlgorithm+" Access="+a.ak+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
	return nil
}

// String keeps the keys out of any %v that prints the value.
func (a *AKSKAuth) String() string { return "AKSKAuth{ak: <redacted>, sk: <redacted>}" }

// GoString does the same for %#v.
func (a *AKSKAuth) GoString() string { return a.String() }

// SignedHeaders lists the headers to sign: every header set on the request
// so far except Content-Type and any name with an underscore (gateways drop
// those), lower-cased and sorted. Only the headers wksrec sets itself are on
// the request at signing time; User-Agent and Accept are left out so that a
// proxy rewriting them cannot break the signature.
func SignedHeaders(h http.Header) []string {
	var names []string
	for name := range h {
		lower := strings.ToLower(name)
		if lower == "content-type" || lower == "user-agent" || lower == "accept" || strings.Contains(lower, "_") {
			continue
		}
		names = append(names, lower)
	}
	sort.Strings(names)
	return names
}

// CanonicalRequest is METHOD, URI, query, headers, signed header names and
// the body's SHA-256, one per line. escapedPath is the request's path as sent.
func CanonicalRequest(method, escapedPath string, query url.Values, h http.Header, signed []string, body []byte) string {
	sum := sha256.Sum256(body)
	return strings.Join([]string{
		method,
		CanonicalURI(escapedPath),
		CanonicalQuery(query),
		canonicalHeaders(h, signed),
		strings.Join(signed, ";"),
		hex.EncodeToString(sum[:]),
	}, "\n")
}

// CanonicalURI escapes each path segment and ends the path with "/".
func CanonicalURI(escapedPath string) string {
	segments := strings.Split(escapedPath, "/")
	for i, s := range segments {
		if raw, err := url.PathUnescape(s); err == nil {
			s = raw
		}
		segments[i] = Escape(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// CanonicalQuery is escape(key)=escape(value) pairs sorted by key, then value.
func CanonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		values := append([]string(nil), q[k]...)
		sort.Strings(values)
		for _, v := range values {
			pairs = append(pairs, Escape(k)+"="+Escape(v))
		}
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaders is "name:value\n" for each signed header; the empty line
// that follows in the canonical request comes from this trailing newline.
func canonicalHeaders(h http.Header, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		values := append([]string(nil), h.Values(name)...)
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	return b.String()
}

// Signature is hex(HMAC-SHA256(sk, string to sign)).
func Signature(sk, sdkDate, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	stringToSign := SignAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// Escape percent-encodes every byte except A-Z a-z 0-9 _ - ~ . with
// upper-case hex, as the signer requires (space is %20, not +).
func Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
