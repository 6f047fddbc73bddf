package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodePage: any body decodes to a page or an error, and a decoded
// page re-encodes to the same items (no field is silently lost).
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"tasks_records_details":[{"id":"a","desktop_name":"研发","exec_status":"FAIL"}],"total_count":1}`))
	f.Add([]byte(`{"tasks_records_details":null,"total_count":-5}`))
	f.Add([]byte(`{"tasks_records_details":[{"id":1}]}`))
	f.Add([]byte(`<html>502</html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var p detailPage
		if err := json.Unmarshal(body, &p); err != nil {
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q detailPage
		if err := json.Unmarshal(again, &q); err != nil || len(q.Items) != len(p.Items) || q.Total != p.Total {
			t.Fatalf("round trip changed the page: %v", err)
		}
	})
}

// FuzzDecodeError: any error body gives a one-line error that names the status.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, "application/json", []byte(`{"error_code":"WKS.0001","error_msg":"bad"}`))
	f.Add(502, "text/html", []byte(`<html>bad gateway</html>`))
	f.Add(429, "", []byte(``))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ctype}}}
		e := decodeError(resp, body)
		if msg := e.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "HTTP ") {
			t.Fatalf("error %q", msg)
		}
	})
}

// FuzzParseTime: never panics; a parsed time formats back to a time that
// parses to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2022-12-31 09:00:00", "2022-12-31T01:00:00.000Z", "2022-12-31 09:00:00 GMT+08:00", "2022-12-31T09:00:00+08:00", "x"} {
		f.Add(s, "Asia/Shanghai")
	}
	f.Add("2022-12-31 09:00:00", "GMT-03:30")
	f.Fuzz(func(t *testing.T, value, zone string) {
		tm, ok := ParseTime(value, zone)
		if !ok {
			return
		}
		back, ok := ParseTime(tm.Format("2006-01-02T15:04:05.999999999Z07:00"), "")
		if !ok || !back.Equal(tm) {
			t.Fatalf("%q in %q parsed to %v, which does not round-trip", value, zone, tm)
		}
	})
}

// FuzzCanonical: the signer's canonical URI and query only ever hold
// unreserved bytes and %XX escapes, and escaping is reversible.
func FuzzCanonical(f *testing.F) {
	f.Add("/v2/p/scheduled-tasks/a b/records/研发", "limit", "1 (&=?!#%.*)")
	f.Add("", "", "")
	f.Add("/%zz/x%2F", "k", "v")
	f.Fuzz(func(t *testing.T, path, key, value string) {
		for _, s := range []string{CanonicalURI(path), CanonicalQuery(url.Values{key: {value}})} {
			for i := 0; i < len(s); i++ {
				c := s[i]
				if !(c == '/' || c == '%' || c == '=' || c == '&' || c == '_' || c == '-' || c == '~' || c == '.' ||
					'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
					t.Fatalf("canonical form %q holds %q", s, c)
				}
			}
		}
		if un, err := url.PathUnescape(Escape(value)); err != nil || un != value {
			t.Fatalf("Escape(%q) does not round-trip: %q %v", value, un, err)
		}
		_ = utf8.ValidString(value)
	})
}
