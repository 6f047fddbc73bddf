package fake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"sync"
	"time"

	"github.com/wksrec/wksrec/api"
)

// The desktops of the dataset as they are now, batch power actions on
// them, and the jobs that carry the actions out, with the real API's
// validation: 1 to 100 ids, the four op_types, SOFT or HARD.

// DefaultJobDuration is how long a fake job runs before it succeeds.
const DefaultJobDuration = 3 * time.Second

// power is the mutable part: desktops changed by actions, and jobs.
type power struct {
	mu       sync.Mutex
	known    map[string]string // desktop id -> name, of the desktops that exist now
	changed  map[string]string // desktop id -> status set by an action
	jobs     map[string]*fakeJob
	nextJob  int
	deny     bool
	duration time.Duration
}

type fakeJob struct {
	job   api.Job
	begun time.Time
	n     int
}

// newPower knows the desktops of each task's newest run: those only in
// older runs were retired, and are gone (404).
func newPower(d *Dataset, deny bool, duration time.Duration) *power {
	p := &power{known: map[string]string{}, changed: map[string]string{}, jobs: map[string]*fakeJob{}, deny: deny, duration: duration}
	if p.duration <= 0 {
		p.duration = DefaultJobDuration
	}
	for _, t := range d.Tasks {
		if runs := d.Records[t.ID]; len(runs) > 0 {
			for _, dt := range d.Details[runs[0].ID] {
				p.known[dt.DesktopID] = dt.DesktopName
			}
		}
	}
	return p
}

// desktopState is a desktop's state, the same for an id every time: most
// are ACTIVE, some SHUTOFF, HIBERNATED or in ERROR, a few in maintenance.
func desktopState(id, name string) api.Desktop {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	x := h.Sum64()
	d := api.Desktop{ID: id, ComputerName: name, Status: "ACTIVE", LoginStatus: "REGISTERED", AvailabilityZone: "cn-north-4a",
		Created: "2026-03-02T08:00:00Z", IPAddresses: []string{fmt.Sprintf("172.16.%d.%d", x>>8&0xff, x&0xff)}}
	switch p := x >> 16 % 100; {
	case p < 12:
		d.Status, d.LoginStatus = "SHUTOFF", "UNREGISTER"
	case p < 17:
		d.Status, d.LoginStatus = "HIBERNATED", "UNREGISTER"
	case p < 21:
		d.Status, d.TaskStatus = "ERROR", "rebuildFailed"
	case p < 50:
		d.LoginStatus, d.UserName = "CONNECTED", fmt.Sprintf("user%03d", x>>24%1000)
	}
	d.InMaintenanceMode = x>>32%100 < 4
	return d
}

func (s *Server) getDesktop(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("desktop_id")
	p := s.power
	p.mu.Lock()
	name, ok := p.known[id]
	status := p.changed[id]
	p.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "WKS.00010009", "The desktop does not exist.")
		return
	}
	d := desktopState(id, name)
	if status != "" {
		d.Status, d.TaskStatus = status, ""
	}
	writeJSON(w, map[string]any{"desktop": d})
}

// afterAction is the status a desktop has once an action's job is done.
var afterAction = map[string]string{"reboot": "ACTIVE", "os-start": "ACTIVE", "os-stop": "SHUTOFF", "os-hibernate": "HIBERNATED"}

func (s *Server) desktopAction(w http.ResponseWriter, r *http.Request) {
	p := s.power
	if p.deny {
		writeError(w, http.StatusForbidden, "WKS.00000403", "Policy doesn't allow workspace:desktops:operate to be performed.")
		return
	}
	var req struct {
		DesktopIDs []string `json:"desktop_ids"`
		OpType     string   `json:"op_type"`
		Type       string   `json:"type"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "WKS.00000001", "The request body is not valid JSON.")
		return
	}
	target, ok := afterAction[req.OpType]
	switch {
	case len(req.DesktopIDs) < 1 || len(req.DesktopIDs) > api.MaxActionDesktops:
		writeError(w, http.StatusBadRequest, "WKS.00010002", fmt.Sprintf("desktop_ids must hold 1 to %d ids.", api.MaxActionDesktops))
		return
	case !ok:
		writeError(w, http.StatusBadRequest, "WKS.00010002", "op_type must be os-start, reboot, os-stop or os-hibernate.")
		return
	case req.Type != "" && req.Type != "SOFT" && req.Type != "HARD":
		writeError(w, http.StatusBadRequest, "WKS.00010002", "type must be SOFT or HARD.")
		return
	}
	var refused []api.FailedOperation
	var accepted []string
	p.mu.Lock()
	for _, id := range req.DesktopIDs {
		name, known := p.known[id]
		state := desktopState(id, name)
		switch {
		case !known:
			refused = append(refused, api.FailedOperation{DesktopID: id, ErrorCode: "WKS.00010009", ErrorMsg: "The desktop does not exist."})
		case state.InMaintenanceMode:
			refused = append(refused, api.FailedOperation{DesktopID: id, DesktopName: name, ErrorCode: "WKS.00010106", ErrorMsg: "The desktop is in maintenance mode."})
		case state.Status == "ERROR" && p.changed[id] == "":
			refused = append(refused, api.FailedOperation{DesktopID: id, DesktopName: name, ErrorCode: "WKS.00010107", ErrorMsg: "The desktop is in the ERROR state; rebuild it first."})
		default:
			accepted = append(accepted, id)
			p.changed[id] = target
		}
	}
	var jobID string
	if len(accepted) > 0 {
		p.nextJob++
		jobID = fmt.Sprintf("job-%08d-%s", p.nextJob, req.OpType)
		p.jobs[jobID] = &fakeJob{job: api.Job{ID: jobID, JobType: "BATCH_" + req.OpType, Status: "RUNNING",
			BeginTime: s.now().UTC().Format(time.RFC3339), SubJobsTotal: len(accepted)}, begun: s.now(), n: len(accepted)}
	}
	p.mu.Unlock()
	writeJSON(w, api.ActionResult{JobID: jobID, Refused: refused})
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	p := s.power
	p.mu.Lock()
	defer p.mu.Unlock()
	j, ok := p.jobs[r.PathValue("job_id")]
	if !ok {
		writeError(w, http.StatusNotFound, "WKS.00010010", "The job does not exist.")
		return
	}
	elapsed := s.now().Sub(j.begun)
	if j.job.Status == "RUNNING" && elapsed >= p.duration {
		j.job.Status, j.job.EndTime = "SUCCESS", s.now().UTC().Format(time.RFC3339)
	}
	// One sub-job a desktop, finishing one after another over the job's time.
	job := j.job
	job.SubJobs = make([]api.Job, j.n)
	for i := range job.SubJobs {
		job.SubJobs[i] = api.Job{ID: fmt.Sprintf("%s-%03d", j.job.ID, i), JobType: j.job.JobType, Status: "RUNNING"}
		if elapsed >= p.duration*time.Duration(i+1)/time.Duration(j.n) {
			job.SubJobs[i].Status = "SUCCESS"
		}
	}
	writeJSON(w, job)
}
