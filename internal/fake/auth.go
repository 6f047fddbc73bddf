package fake

import (
	"bytes"
	"crypto/hmac"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
)

// maxClockSkew is how far X-Sdk-Date may be from the gateway's clock.
const maxClockSkew = 15 * time.Minute

// checkAuth answers like the API gateway: a request needs X-Auth-Token or an
// AK/SK signature. With no keys configured, any token or signature passes
// (--serve-demo); with keys, a signature must verify against them.
// It returns false after writing the 401.
func (s *Server) checkAuth(w http.ResponseWriter, r *http.Request) bool {
	authz := r.Header.Get("Authorization")
	if r.Header.Get("X-Auth-Token") == "" && authz == "" {
		writeError(w, http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: x-auth-token not found")
		return false
	}
	if authz == "" || s.keys == nil {
		return true
	}
	ak, signed, sig, ok := parseAuthorization(authz)
	if !ok {
		writeError(w, http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: Authorization header malformed")
		return false
	}
	date, err := time.Parse(api.SdkDateFormat, r.Header.Get(api.HeaderSdkDate))
	if err != nil {
		writeError(w, http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: X-Sdk-Date missing or malformed")
		return false
	}
	if skew := s.now().Sub(date); skew > maxClockSkew || skew < -maxClockSkew {
		writeError(w, http.StatusUnauthorized, "APIGW.0303", "Incorrect app authentication information: the request date is more than 15 minutes off")
		return false
	}
	sk, known := s.keys[ak]
	if !known {
		writeError(w, http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: verify aksk signature fail")
		return false
	}
	var body []byte
	if r.Body != nil && r.Method != http.MethodGet {
		// The signature covers the body's hash: read it, and put it back.
		body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	canonical := api.CanonicalRequest(r.Method, r.URL.EscapedPath(), r.URL.Query(), r.Header, signed, body)
	want := api.Signature(sk, r.Header.Get(api.HeaderSdkDate), canonical)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		writeError(w, http.StatusUnauthorized, "APIG.0301", "Incorrect IAM authentication information: verify aksk signature fail")
		return false
	}
	return true
}

// parseAuthorization splits "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (ak string, signed []string, sig string, ok bool) {
	rest, found := strings.CutPrefix(h, api.SignAlgorithm+" ")
	if !found {
		return "", nil, "", false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			ak = v
		case "SignedHeaders":
			signed = strings.Split(v, ";")
		case "Signature":
			sig = v
		}
	}
	return ak, signed, sig, ak != "" && sig != "" && len(signed) > 0
}
