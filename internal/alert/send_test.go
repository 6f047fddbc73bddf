package alert

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A Sender delivers in order, one at a time; when the webhook is stuck,
// alerts past maxWaiting are dropped and said, never blocking the caller.
func TestSenderKeepsOrderAndDropsWhenBehind(t *testing.T) {
	release, arrived := make(chan struct{}), make(chan struct{}, 100)
	var mu sync.Mutex
	var got []int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		var e Event
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &e)
		mu.Lock()
		got = append(got, e.Counts.Failed)
		mu.Unlock()
	}))
	defer hook.Close()
	var reports []string
	var rmu sync.Mutex
	s := Outlets{Webhook: hook.URL}.Start(func(err error) {
		rmu.Lock()
		defer rmu.Unlock()
		reports = append(reports, err.Error())
	})
	first := Event{Counts: Counts{Failed: 0}}
	s.Send(first)
	<-arrived // the first is being delivered, the queue empty
	for i := 1; i <= maxWaiting+3; i++ {
		s.Send(Event{Counts: Counts{Failed: i}})
	}
	close(release)
	s.Close()
	if len(got) != maxWaiting+1 {
		t.Fatalf("%d delivered of %d sent with %d waiting at most", len(got), maxWaiting+4, maxWaiting)
	}
	for i := range got {
		if got[i] != i {
			t.Fatalf("delivered out of order: %v", got)
		}
	}
	dropped := maxWaiting + 4 - len(got)
	if len(reports) != dropped || !strings.Contains(reports[0], "an alert was not sent: 16 are still waiting") {
		t.Fatalf("%d dropped, reports %v", dropped, reports)
	}
}

// CloseWithin gives the alerts still queued one deadline: past it the
// command in flight is stopped and the rest are not sent, and it says how
// many. The command gets each alert as one ended line.
func TestCloseWithinADeadline(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "alerts")
	var reports []error
	var mu sync.Mutex
	report := func(err error) { mu.Lock(); reports = append(reports, err); mu.Unlock() }

	quick := Outlets{Command: "cat >> " + file}.Start(report)
	quick.Send(Event{Kind: NewFailures})
	quick.Send(Event{Kind: Finished})
	if dropped := quick.CloseWithin(5 * time.Second); dropped != 0 {
		t.Fatalf("%d dropped of two quick alerts", dropped)
	}
	b, _ := os.ReadFile(file)
	if lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"); len(lines) != 2 || !strings.HasSuffix(string(b), "\n") || !json.Valid([]byte(lines[1])) {
		t.Fatalf("the command got %q: want two ended JSON lines", b)
	}

	slow := Outlets{Command: "sleep 60"}.Start(report)
	for range 3 {
		slow.Send(Event{Kind: NewFailures})
	}
	began := time.Now()
	if dropped := slow.CloseWithin(200 * time.Millisecond); dropped != 3 {
		t.Fatalf("%d dropped, want the 3 a stuck command held up", dropped)
	}
	if took := time.Since(began); took > 3*time.Second {
		t.Fatalf("closing took %s: the deadline was 200ms", took)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) != 0 {
		t.Fatalf("alerts cut short by the deadline were reported as failures: %v", reports)
	}
}
