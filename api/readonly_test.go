package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/wksrec/wksrec/api"
)

// ReadOnly sends reads only, has every read the Client has and no write:
// a session given one cannot change the cloud.
func TestReadOnlySendsReadsOnly(t *testing.T) {
	var mu sync.Mutex
	methods := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods[r.Method]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	ro := api.ReadOnlyOf(newClient(t, srv.URL))
	ctx := context.Background()
	id := "4e38affc-9c3e-67c2-1e73-3af411f6c277"
	ro.ListTasks(ctx, "", 0, 10)
	ro.ListRecords(ctx, id, 0, 10)
	ro.ListRecordDetails(ctx, id, id, 0, 10)
	ro.GetDesktop(ctx, id)
	ro.ListDesktops(ctx, []string{id})
	ro.GetJob(ctx, id)
	ro.ListScriptRecords(ctx, id, []string{id}, 0, 10)
	ro.GetScriptRecord(ctx, id)
	ro.GetTask(ctx, id)
	mu.Lock()
	defer mu.Unlock()
	if methods["GET"] < 9 || len(methods) != 1 {
		t.Fatalf("requests by method: %v", methods)
	}

	roType, clientType := reflect.TypeOf(ro), reflect.TypeOf(&api.Client{})
	for _, write := range []string{"DesktopAction", "CreateTask"} {
		if _, ok := roType.MethodByName(write); ok {
			t.Errorf("ReadOnly has %s", write)
		}
	}
	for i := range roType.NumMethod() {
		m := roType.Method(i)
		if _, ok := clientType.MethodByName(m.Name); !ok {
			t.Errorf("ReadOnly.%s is no Client method", m.Name)
		}
	}
	for i := range clientType.NumMethod() {
		name := clientType.Method(i).Name
		if _, ok := roType.MethodByName(name); !ok && name != "DesktopAction" && name != "CreateTask" {
			t.Errorf("Client.%s is neither a read ReadOnly has nor a known write: decide which", name)
		}
	}
}
