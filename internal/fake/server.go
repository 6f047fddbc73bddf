// Package fake is an in-process stand-in for the Huawei Cloud Workspace
// scheduled-task API: the three calls wksrec makes, with the real paths,
// parameter rules, response shapes and Huawei-style error bodies, over
// deterministic generated data. It serves --demo, --serve-demo and the tests,
// and can add latency, inject faults and throttle as the gateway does.
package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
)

// Options tune a Server.
type Options struct {
	Seed    uint64
	Latency time.Duration // added before every answer
	Faults  []Fault
	// Keys maps access keys to secret keys. When set, AK/SK signatures are
	// verified as the gateway does; when nil any token or signature passes.
	Keys map[string]string
	// Projects are what the IAM project lookup knows. When nil, every
	// region name has one project, "demo-project-<name>".
	Projects []api.Project
	// Now is the gateway's clock, for signature date checks (time.Now if nil).
	Now func() time.Time
	// BigRecord sizes the showcase record (default BigRecordDetails).
	BigRecord int
	// Quirks make the listings misbehave as a broken or hostile API would.
	Quirks Quirks
	// DenyActions answers power actions with 403, as for credentials
	// without the permission; JobDuration is how long an action's job runs
	// (DefaultJobDuration if zero).
	DenyActions bool
	JobDuration time.Duration
	// RateLimit, when above zero, throttles the Workspace calls as the
	// gateway does: a token bucket of RateLimit requests a second with a
	// burst of RateLimit, over Now. A refused call gets 429 APIG.0308 and a
	// Retry-After in whole seconds.
	RateLimit int
	// DatedFrom dates the data from this instant (the demo's: last
	// night's run was last night); zero keeps the fixed dates.
	DatedFrom time.Time
}

// Quirks are ways a listing can lie or misbehave; each applies to every
// listing call (tasks, records, details).
type Quirks struct {
	// TotalCount replaces total_count with this raw JSON number
	// ("9223372036854775807", "1e12", "-5").
	TotalCount string
	// ExtraRows makes every page longer than asked: rows
	// [offset, offset+limit+ExtraRows).
	ExtraRows int
	// NoIDs sends every row without its "id".
	NoIDs bool
	// RepeatFirstPage answers every offset with the first page, full.
	RepeatFirstPage bool
	// Drip sends each answer's body one byte per Drip.
	Drip time.Duration
	// ShortPage cuts one row from the end of one page of one run's
	// details, as a gateway cutting an answer short would: the listing
	// then ends early, below the run's counts and its total_count.
	ShortPage ShortPage
	// RunTotal replaces total_count in one run's details only, record id
	// to raw JSON number: a baseline that lies while the run open does
	// not.
	RunTotal map[string]string
}

// ShortPage names the page of a run's details that comes back a row short.
type ShortPage struct {
	RecordID string
	Offset   int
}

// Request is what the server saw of one call, for tests to assert on.
type Request struct {
	Method        string
	Path          string
	Offset, Limit string
	Auth          bool
	ProjectHeader string // X-Project-Id
	SecurityToken bool   // X-Security-Token was sent
}

// Server is an http.Handler serving the fake API.
type Server struct {
	// dataMu guards data, which creating a task adds to while the server
	// runs (tasks_write.go): every handler that reads data holds it for
	// reading, once (a read lock taken twice deadlocks behind a writer),
	// and lets go before writing its answer. The slices it hands out are
	// never changed in place, so a page may be written after.
	dataMu   sync.RWMutex
	data     *Dataset
	writes   taskWrites // created tasks' details and the ids they draw, under dataMu
	latency  time.Duration
	mux      *http.ServeMux
	keys     map[string]string
	projects []api.Project
	now      func() time.Time
	quirks   Quirks
	power    *power // desktops now, actions, jobs (desktops.go)

	mu       sync.Mutex
	faults   []Fault
	hits     []int // per fault: how many times it fired
	requests []Request
	nextID   uint64
	bucket   bucket
}

// New returns a Server over the dataset for opts.Seed.
func New(opts Options) *Server {
	big := opts.BigRecord
	if big <= 0 {
		big = BigRecordDetails
	}
	s := &Server{data: NewDatasetAt(opts.Seed, big, opts.DatedFrom), latency: opts.Latency, mux: http.NewServeMux(),
		keys: opts.Keys, projects: opts.Projects, now: opts.Now, quirks: opts.Quirks}
	if s.now == nil {
		s.now = time.Now
	}
	s.bucket = bucket{rate: opts.RateLimit, tokens: float64(opts.RateLimit), last: s.now()}
	s.SetFaults(opts.Faults...)
	s.mux.HandleFunc("GET /v3/projects", s.listProjects)
	s.mux.HandleFunc("GET /v2/{project_id}/scheduled-tasks", s.listTasks)
	s.mux.HandleFunc("GET /v2/{project_id}/scheduled-tasks/{task_id}/records", s.listRecords)
	s.mux.HandleFunc("GET /v2/{project_id}/scheduled-tasks/{task_id}/records/{record_id}", s.listDetails)
	s.power = newPower(s.data, opts.DenyActions, opts.JobDuration)
	s.mux.HandleFunc("GET /v2/{project_id}/desktops/{desktop_id}", s.getDesktop)
	s.mux.HandleFunc("POST /v2/{project_id}/desktops/action", s.desktopAction)
	s.mux.HandleFunc("GET /v2/{project_id}/workspace-jobs/{job_id}", s.getJob)
	s.routeScripts()      // scripts.go: script-execution records and their output
	s.routeDesktopsList() // desktops_list.go: many desktops' state a request
	s.routeTaskWrites()   // tasks_write.go: a task's detail, creating a task, running a one-off task
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "APIG.0101", "The API does not exist or has not been published in the environment.")
	})
	return s
}

// Data is the dataset the server answers from. Creating a task changes
// it, so a test reads it only while no task is being created.
func (s *Server) Data() *Dataset { return s.data }

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append([]Fault(nil), faults...)
	s.hits = make([]int, len(faults))
}

// Calls says how many Workspace calls the rate limit let through and
// how many it refused (all are let through without a RateLimit).
func (s *Server) Calls() (served, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bucket.served, s.bucket.refused
}

// Requests returns a copy of the requests served so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	s.requests = append(s.requests, Request{
		Method:        r.Method,
		Path:          r.URL.Path,
		Offset:        q.Get("offset"),
		Limit:         q.Get("limit"),
		Auth:          r.Header.Get("X-Auth-Token") != "" || r.Header.Get("Authorization") != "",
		ProjectHeader: r.Header.Get(api.HeaderProjectID),
		SecurityToken: r.Header.Get(api.HeaderSecurityToken) != "",
	})
	// IAM is another service with limits of its own: only the Workspace
	// calls count against the rate limit.
	var retryAfter time.Duration
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		retryAfter = s.bucket.take(s.now())
	}
	var fault *Fault
	if retryAfter == 0 {
		fault = s.matchFault(r.URL.Path, q.Get("offset"))
	}
	s.mu.Unlock()

	w.Header().Set("X-Request-Id", fmt.Sprintf("fake-%016x", id))
	if retryAfter > 0 {
		// The gateway refuses at its door, before the backend is asked, so
		// a refusal does not wait out the backend's Latency.
		w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
		writeError(w, http.StatusTooManyRequests, "APIG.0308",
			fmt.Sprintf("The throttling threshold has been reached: policy user over ratelimit, limit:%d, time:1 second", s.bucket.rate))
		return
	}
	if s.latency > 0 {
		t := time.NewTimer(s.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if !s.checkAuth(w, r) {
		return
	}
	if fault != nil && fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		if fault.Status == 0 {
			fault = nil // slow, then served as usual
		}
	}
	if fault != nil {
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		if fault.RawBody != "" {
			ct := fault.ContentType
			if ct == "" {
				ct = "text/html"
			}
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(fault.Status)
			_, _ = w.Write([]byte(fault.RawBody))
			return
		}
		writeError(w, fault.Status, fault.Code, fault.Message)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{
		"error_code":                    code,
		"error_msg":                     msg,
		"error_detail":                  "",
		"encoded_authorization_message": "",
	})
}

// Start serves s in the background on addr and returns its base URL and a
// function that stops it. An empty addr picks a free loopback port; an
// address without a host (":8080") binds loopback only, so the fake is never
// exposed beyond this machine by accident.
func Start(s http.Handler, addr string) (baseURL string, stop func(), err error) {
	switch {
	case addr == "":
		addr = "127.0.0.1:0"
	case strings.HasPrefix(addr, ":"):
		addr = "127.0.0.1" + addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop = func() {
		// A moment for answers being written, then close the rest: a
		// connection a cancelled client opened but never used would
		// otherwise hold Shutdown for seconds.
		ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	}
	return "http://" + ln.Addr().String(), stop, nil
}
