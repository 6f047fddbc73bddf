package fake

// The listing calls (IAM's projects; tasks, a task's runs, a run's
// details) and their paging rules: offset and limit as the API checks
// them, total_count, and the quirks a broken API has.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/wksrec/wksrec/api"
)

// listProjects is IAM's GET /v3/projects?name=…, which wksrec uses to find
// the project id of a region.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	projects := []api.Project{}
	if s.projects == nil && name != "" {
		projects = append(projects, api.Project{ID: "demo-project-" + name, Name: name, DomainID: "demo-domain", Enabled: true})
	}
	for _, p := range s.projects {
		if name == "" || p.Name == name {
			projects = append(projects, p)
		}
	}
	writeJSON(w, map[string]any{"projects": projects, "links": map[string]string{"self": r.URL.String()}})
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := paging(w, r, true, 50)
	if !ok {
		return
	}
	offset, limit = s.span(offset, limit)
	// Trigger tasks are listed only when asked for, as the API does.
	triggers := r.URL.Query().Get("scheduled_type") == "LIFE_CYCLE"
	var tasks []api.Task
	s.dataMu.RLock()
	now := s.now()
	for _, t := range s.data.Tasks {
		if (t.ScheduledType == "LIFE_CYCLE") == triggers {
			// A task holds its last status as it will be once its newest
			// run is over; until that run starts, the run before's (none
			// for a task created and not yet run), and RUNNING while it goes.
			switch recs := s.recordsAt(s.data.Records[t.ID], now); {
			case len(recs) == 0:
				t.LastStatus = ""
			case recs[0].Status == "RUNNING" && s.data.Live[recs[0].ID] != nil:
				t.LastStatus = "RUNNING"
			}
			tasks = append(tasks, t)
		}
	}
	s.dataMu.RUnlock()
	s.writeList(w, r, "scheduled_tasks", window(tasks, offset, limit), len(tasks))
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) {
	s.dataMu.RLock()
	recs, found := s.data.Records[r.PathValue("task_id")]
	recs = s.recordsAt(recs, s.now())
	s.dataMu.RUnlock()
	if !found {
		writeError(w, http.StatusNotFound, "WKS.00010404", "The scheduled task does not exist.")
		return
	}
	offset, limit, ok := paging(w, r, false, 100)
	if !ok {
		return
	}
	offset, limit = s.span(offset, limit)
	s.writeList(w, r, "tasks_records", window(recs, offset, limit), len(recs))
}

func (s *Server) listDetails(w http.ResponseWriter, r *http.Request) {
	s.dataMu.RLock()
	_, taskFound := s.data.Records[r.PathValue("task_id")]
	all, found := s.data.Details[r.PathValue("record_id")]
	details := s.detailsAt(r.PathValue("record_id"), s.now())
	belongs := len(all) == 0 || s.recordBelongs(r.PathValue("task_id"), r.PathValue("record_id"))
	s.dataMu.RUnlock()
	if !taskFound {
		writeError(w, http.StatusNotFound, "WKS.00010404", "The scheduled task does not exist.")
		return
	}
	if !found || !belongs {
		writeError(w, http.StatusNotFound, "WKS.00010405", "The task execution record does not exist.")
		return
	}
	offset, limit, ok := paging(w, r, true, 100)
	if !ok {
		return
	}
	offset, limit = s.span(offset, limit)
	page := window(details, offset, limit)
	if sp := s.quirks.ShortPage; sp.RecordID == r.PathValue("record_id") && sp.Offset == offset && len(page) > 0 {
		page = page[:len(page)-1]
	}
	s.writeList(w, r, "tasks_records_details", page, len(details))
}

// recordBelongs says whether the record is a run of the task. Callers
// hold s.dataMu for reading.
func (s *Server) recordBelongs(taskID, recordID string) bool {
	for _, rec := range s.data.Records[taskID] {
		if rec.ID == recordID {
			return true
		}
	}
	return false
}

// paging validates offset and limit as the API does: required where the call
// requires them, integers, offset >= 0, limit in 0..max. The records call
// defaults to offset 0, limit 10.
func paging(w http.ResponseWriter, r *http.Request, required bool, max int) (offset, limit int, ok bool) {
	q := r.URL.Query()
	offset, limit = 0, 10
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"offset", &offset, -1}, {"limit", &limit, max}} {
		raw, present := q[p.name]
		if !present {
			if required {
				writeError(w, http.StatusBadRequest, "WKS.00010001", "The request parameter "+p.name+" is missing.")
				return 0, 0, false
			}
			continue
		}
		n, err := strconv.Atoi(raw[0])
		if err != nil || n < 0 || (p.max >= 0 && n > p.max) {
			msg := fmt.Sprintf("The request parameter %s is invalid: it must be an integer >= 0", p.name)
			if p.max >= 0 {
				msg = fmt.Sprintf("The request parameter %s is invalid: it must be an integer from 0 to %d", p.name, p.max)
			}
			writeError(w, http.StatusBadRequest, "WKS.00010002", msg+".")
			return 0, 0, false
		}
		*p.dst = n
	}
	return offset, limit, true
}

// span is the window a page answers with, after the quirks.
func (s *Server) span(offset, limit int) (int, int) {
	if s.quirks.RepeatFirstPage {
		offset = 0
	}
	return offset, limit + s.quirks.ExtraRows
}

// writeList answers a listing call, applying the quirks.
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, field string, items any, total int) {
	body, err := json.Marshal(map[string]any{field: items, "total_count": total})
	if err != nil {
		writeError(w, http.StatusInternalServerError, "WKS.00010500", err.Error())
		return
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(body, &raw)
	if s.quirks.TotalCount != "" {
		raw["total_count"] = json.RawMessage(s.quirks.TotalCount)
	}
	if t, ok := s.quirks.RunTotal[r.PathValue("record_id")]; ok && field == "tasks_records_details" {
		raw["total_count"] = json.RawMessage(t)
	}
	if s.quirks.NoIDs {
		var rows []map[string]json.RawMessage
		_ = json.Unmarshal(raw[field], &rows)
		for _, row := range rows {
			delete(row, "id")
		}
		raw[field], _ = json.Marshal(rows)
	}
	body, _ = json.Marshal(raw)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if s.quirks.Drip <= 0 {
		_, _ = w.Write(body)
		return
	}
	flusher, _ := w.(http.Flusher)
	for i := range body {
		if _, err := w.Write(body[i : i+1]); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		select {
		case <-time.After(s.quirks.Drip):
		case <-r.Context().Done():
			return
		}
	}
}

func window[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(offset+limit, len(items))]
}
