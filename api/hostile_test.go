package api_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// detailFetch is the showcase record's details through c.
func detailFetch(c *api.Client, d *fake.Dataset) func(context.Context, int, int) (api.Page[api.Detail], error) {
	task, rec := bigRecord(d)
	return func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return c.ListRecordDetails(ctx, task, rec, offset, limit)
	}
}

func detailKey(d api.Detail) string { return d.ID }

// Absurd totals decode to 0..MaxTotal instead of failing or overflowing,
// and the listing still ends where the rows do.
func TestAbsurdTotalCount(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want int
	}{
		{"9223372036854775807", api.MaxTotal},
		{"18446744073709551616", api.MaxTotal}, // past int64
		{"1e300", api.MaxTotal},
		{"1e12", api.MaxTotal},
		{"-5", 0},
		{"250.7", 250},
	} {
		c, srv := setup(t, fake.Options{Seed: 3, BigRecord: 250, Quirks: fake.Quirks{TotalCount: tc.raw}})
		fetch := detailFetch(c, srv.Data())
		p, err := fetch(context.Background(), 0, 100)
		if err != nil {
			t.Fatalf("total %s: %v", tc.raw, err)
		}
		if p.Total != tc.want {
			t.Errorf("total %s decoded as %d, want %d", tc.raw, p.Total, tc.want)
		}
		before := len(srv.Requests())
		got, err := api.FetchAll(context.Background(), fetch, detailKey, api.FetchAllOptions{Limit: 100, Concurrency: 4})
		if err != nil || len(got) != 250 {
			t.Fatalf("total %s: %d rows, err %v; want the 250 there are", tc.raw, len(got), err)
		}
		// Three pages hold the rows; the window may have asked up to
		// Concurrency pages past the short one, and no more.
		if n := len(srv.Requests()) - before; n > 3+4 {
			t.Errorf("total %s: %d requests for 3 pages of rows", tc.raw, n)
		}
	}
}

// A page longer than asked keeps its extra rows; the next page's copy of
// them is dropped as a duplicate and counted.
func TestPagesLongerThanAskedLoseNothing(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3, Quirks: fake.Quirks{ExtraRows: 50}})
	want := srv.Data().Details[func() string { _, r := bigRecord(srv.Data()); return r }()]
	var got []api.Detail
	stats, err := api.Stream(context.Background(), detailFetch(c, srv.Data()), detailKey,
		api.FetchAllOptions{Limit: 100, Concurrency: 3}, func(d api.Detail) error { got = append(got, d); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want all %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Fatalf("row %d is %s, want %s", i, got[i].ID, want[i].ID)
		}
	}
	if stats.Duplicates != stats.Rows-len(want) || stats.Duplicates == 0 {
		t.Errorf("stats %+v: duplicates should be the %d rows sent twice", stats, stats.Rows-len(want))
	}
}

// Rows without an id are distinct rows, not one.
func TestRowsWithoutIDsAreAllKept(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3, BigRecord: 250, Quirks: fake.Quirks{NoIDs: true}})
	got, err := api.FetchAll(context.Background(), detailFetch(c, srv.Data()), detailKey, api.FetchAllOptions{Limit: 100, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("%d rows without ids kept, want 250", len(got))
	}
	if got[0].ID != "" || got[0].DesktopID == "" {
		t.Fatalf("row 0 = %+v; want a row with no id but its other fields", got[0])
	}
}

// A server answering every offset with the same full page ends in an
// error after a few pages, not in an endless or memory-hungry loop, with
// ids or without.
func TestRepeatedPagesEndTheListing(t *testing.T) {
	for _, noIDs := range []bool{false, true} {
		c, srv := setup(t, fake.Options{Seed: 3, Quirks: fake.Quirks{RepeatFirstPage: true, TotalCount: "1e12", NoIDs: noIDs}})
		stats, err := api.Stream(context.Background(), detailFetch(c, srv.Data()), detailKey,
			api.FetchAllOptions{Limit: 100, Concurrency: 4}, func(api.Detail) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "kept sending rows") {
			t.Fatalf("no ids %v: err = %v, want the repetition named", noIDs, err)
		}
		if stats.Emitted > 100*4 || len(srv.Requests()) > 1+3+4 {
			t.Errorf("no ids %v: %d rows emitted, %d requests; want a few pages and a handful of requests", noIDs, stats.Emitted, len(srv.Requests()))
		}
	}
}

// Stream hands rows on as pages arrive: when the first row is emitted, at
// most one window of pages has been asked for, whatever the total.
func TestStreamEmitsBeforeTheListingEnds(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3})
	var atFirst int
	_, err := api.Stream(context.Background(), detailFetch(c, srv.Data()), detailKey,
		api.FetchAllOptions{Limit: 100, Concurrency: 4}, func(api.Detail) error {
			if atFirst == 0 {
				atFirst = len(srv.Requests())
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if atFirst < 1 || atFirst > 1+4 {
		t.Errorf("%d requests out before the first row was emitted; want at most one window (5)", atFirst)
	}
	if total := len(srv.Requests()); total != 26 {
		t.Errorf("%d requests for 2,537 rows at 100 a page, want 26", total)
	}
}

// An error from emit (stdout closed) stops the listing.
func TestStreamStopsWhenEmitFails(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3})
	stop := errors.New("broken pipe")
	_, err := api.Stream(context.Background(), detailFetch(c, srv.Data()), detailKey,
		api.FetchAllOptions{Limit: 100, Concurrency: 2}, func(api.Detail) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want emit's error", err)
	}
	if n := len(srv.Requests()); n > 3 {
		t.Errorf("%d requests after emit failed on the first row", n)
	}
}

// A body dripped a byte at a time cannot stretch a page past the retry
// budget, reads included.
func TestRetryBudgetBoundsSlowDrip(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3, Quirks: fake.Quirks{Drip: 50 * time.Millisecond}})
	budget := 400 * time.Millisecond
	start := time.Now()
	_, err := api.FetchAll(context.Background(), detailFetch(c, srv.Data()), detailKey,
		api.FetchAllOptions{Limit: 100, Concurrency: 1, Retry: api.RetryPolicy{Base: 10 * time.Millisecond, MaxRetries: 4, Budget: budget}})
	if err == nil {
		t.Fatal("a dripping server answered in time")
	}
	if took := time.Since(start); took > budget+time.Second {
		t.Errorf("gave up after %s, budget %s", took, budget)
	}
}

// rawServer answers every connection with the bytes of answer, for
// answers net/http's server would never write.
func rawServer(t *testing.T, answer string) (url string, hits *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	hits = new(atomic.Int32)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			hits.Add(1)
			go func() {
				defer conn.Close()
				_, _ = http.ReadRequest(bufio.NewReader(conn))
				_, _ = conn.Write([]byte(answer))
			}()
		}
	}()
	return "http://" + ln.Addr().String(), hits
}

// Conditions a retry cannot change are tried once, with their own message
// and no "network" hint: each try of a signed request counts toward the
// AK's lock-out.
func TestPermanentConditionsAreNotRetried(t *testing.T) {
	for name, answer := range map[string]string{
		"401 with a malformed header": "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nbroken header line\r\n\r\n",
		"not HTTP at all":             "SSH-2.0-OpenSSH_9.6\r\n",
		"two Content-Lengths":         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
		"a bad chunk length":          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
	} {
		url, hits := rawServer(t, answer)
		c := newClient(t, url)
		task, rec := "t", "r"
		_, err := api.FetchAll(context.Background(), func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
			return c.ListRecordDetails(ctx, task, rec, offset, limit)
		}, detailKey, api.FetchAllOptions{Limit: 100, Concurrency: 1, Retry: api.RetryPolicy{Base: time.Millisecond, MaxRetries: 4, Budget: time.Minute}})
		if err == nil || api.Retryable(err) {
			t.Errorf("%s: err = %v, want a permanent error", name, err)
			continue
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("%s: %d connections, want 1 (no retries)", name, n)
		}
		if strings.Contains(err.Error(), "network") {
			t.Errorf("%s: %q blames the network", name, err)
		}
	}
}

// Credentials that cannot travel in a header are refused up front, and
// the message never holds the secret.
func TestCredentialsWithControlCharacters(t *testing.T) {
	for _, tok := range []string{"abc\ndef", "abc\rdef", "abc def", "abc\x00", "tök"} {
		_, err := api.NewTokenAuth(tok)
		if err == nil {
			t.Errorf("token %q accepted", tok)
			continue
		}
		if strings.Contains(err.Error(), "abc") {
			t.Errorf("error %q shows the token", err)
		}
	}
	if _, err := api.NewAKSKAuth("AK", "S\nK", "", "p"); err == nil {
		t.Error("an SK with a newline accepted")
	}
	if _, err := api.NewAKSKAuth("AK", "SK", "tok\x1b", "p"); err == nil {
		t.Error("a security token with ESC accepted")
	}
}

func TestInvalidIDsNeverReachThePath(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 3})
	for _, id := range []string{".", "..", "a/b", "../../v3/projects", "x\r\ny", "a\\b", "\u202eab", string([]byte{0xff})} {
		if _, err := c.ListRecordDetails(context.Background(), id, "r", 0, 10); err == nil {
			t.Errorf("task id %q accepted", id)
		}
		if _, err := c.ListRecords(context.Background(), id, 0, 10); err == nil {
			t.Errorf("task id %q accepted", id)
		}
		if _, err := api.New(api.Config{Endpoint: "http://127.0.0.1:1", ProjectID: id, Auth: &api.TokenAuth{}}); err == nil {
			t.Errorf("project id %q accepted", id)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid ids", n)
	}
}

// No part of user info reaches a message: not the user, not any piece of
// a password, whatever it holds ('/', ':', '@') and however the URL is
// mistyped.
func TestEndpointErrorsHideUserInfo(t *testing.T) {
	for _, raw := range []string{"http://alice:hunter2@127.0.0.1:8080", "https://alice:hunter2@host/x?y", "ftp://u:hunter2@h", "https://u:hunter2@[bad",
		"http:/alice:hunter2@127.0.0.1:1", "https:///u:hunter2@h", "alice:hunter2@host",
		"https://alice:hun/ter2@evil.example.com", "https://alice:hun@ter2@evil.example.com", "htps://alice:hunter2@h",
		"alice:/hunter2@h", "https://alice:hunter2@h/p?q=@x", "HTTPS://alice:hun:ter2@h"} {
		_, err := api.ParseEndpoint(raw)
		if err == nil {
			t.Errorf("%q accepted", raw)
			continue
		}
		for _, secret := range []string{"hunter2", "alice", "hun", "ter2"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%q: error %q shows %q", raw, err, secret)
			}
		}
	}
}

// The demo's faults (--demo-faults) are ones wksrec gets through: every
// row arrives, the throttled page asked three times, the failing one
// twice, the slow one once.
func TestDemoFaultsAreSurvived(t *testing.T) {
	faults := fake.DemoFaults()
	for i := range faults {
		if faults[i].Delay > 0 {
			faults[i].Delay = 20 * time.Millisecond // the demo's is 3 s
		}
		faults[i].RetryAfter = "" // the demo's 1 s is not for tests to wait
	}
	c, srv := setup(t, fake.Options{Seed: 7, Faults: faults})
	got, err := api.FetchAll(context.Background(), detailFetch(c, srv.Data()), detailKey,
		api.FetchAllOptions{Limit: 100, Concurrency: 4, Retry: api.RetryPolicy{Base: time.Millisecond, MaxRetries: 4, Budget: time.Minute}})
	if err != nil || len(got) != fake.BigRecordDetails {
		t.Fatalf("%d rows, %v", len(got), err)
	}
	asked := map[string]int{}
	for _, r := range srv.Requests() {
		asked[r.Offset]++
	}
	if asked["200"] != 3 || asked["700"] != 2 || asked["1200"] != 1 {
		t.Errorf("offsets 200, 700, 1200 asked %d, %d, %d times; want 3, 2, 1", asked["200"], asked["700"], asked["1200"])
	}
}
