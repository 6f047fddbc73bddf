package alert

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
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
