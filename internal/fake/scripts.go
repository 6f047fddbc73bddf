package fake

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"time"

	"github.com/wksrec/wksrec/api"
)

// Script-execution records: a run of an EXECUTE_SCRIPT task names its
// script-execution task in its record's execute_task_id, and that task
// has one record per desktop (script_task_id, resource_id), whose detail
// carries the script's output. The fake derives them from the run's rows,
// so a failed row's script record fails with the same code and reason,
// and its output says why as an installer's log would.

func (s *Server) routeScripts() {
	s.mux.HandleFunc("GET /v2/{project_id}/script-execution-records", s.listScriptRecords)
	s.mux.HandleFunc("GET /v2/{project_id}/script-execution-records/{record_id}", s.getScriptRecord)
}

// scriptRun is a run of a script task: its script-execution task id, the
// task and the run.
type scriptRun struct {
	scriptTaskID string
	task         api.Task
	rec          api.Record
}

// scriptRuns are the runs whose record names a script-execution task.
func (s *Server) scriptRuns() []scriptRun {
	var out []scriptRun
	for _, t := range s.data.Tasks {
		for _, rec := range s.data.Records[t.ID] {
			if rec.ExecuteTaskID != "" {
				out = append(out, scriptRun{rec.ExecuteTaskID, t, rec})
			}
		}
	}
	return out
}

func (s *Server) listScriptRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit, ok := scriptPaging(w, q.Get("offset"), q.Get("limit"))
	if !ok {
		return
	}
	want := map[string]bool{}
	for _, id := range q["resource_id"] {
		want[id] = true
	}
	taskID := q.Get("script_task_id")
	now := s.now()
	var records []api.ScriptRecord
	s.dataMu.RLock() // released before the answer is written: a client may read it slowly
	for _, run := range s.scriptRuns() {
		if taskID != "" && run.scriptTaskID != taskID {
			continue
		}
		for _, d := range s.detailsAt(run.rec.ID, now) {
			if len(want) == 0 || want[d.DesktopID] {
				records = append(records, scriptRecord(run, d))
			}
		}
	}
	s.dataMu.RUnlock()
	writeJSON(w, map[string]any{"count": len(records), "script_records": window(records, offset, limit)})
}

// scriptPaging checks offset (default 0) and limit (1..100, default 10)
// as the script calls do.
func scriptPaging(w http.ResponseWriter, off, lim string) (offset, limit int, ok bool) {
	offset, limit = 0, 10
	if off != "" {
		if _, err := fmt.Sscanf(off, "%d", &offset); err != nil || offset < 0 {
			writeError(w, http.StatusBadRequest, "WKS.00010002", "offset must be an integer of at least 0.")
			return 0, 0, false
		}
	}
	if lim != "" {
		if _, err := fmt.Sscanf(lim, "%d", &limit); err != nil || limit < 1 || limit > api.MaxScriptRecordLimit {
			writeError(w, http.StatusBadRequest, "WKS.00010002", "limit must be an integer from 1 to 100.")
			return 0, 0, false
		}
	}
	return offset, limit, true
}

func (s *Server) getScriptRecord(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("record_id")
	now := s.now()
	found, sr := s.findScriptRecord(id, now)
	if found {
		writeJSON(w, sr)
		return
	}
	writeError(w, http.StatusNotFound, "WKS.00010410", "The script execution record does not exist.")
}

// findScriptRecord is the script record id with its output, under the
// dataset's lock.
func (s *Server) findScriptRecord(id string, now time.Time) (bool, api.ScriptRecord) {
	s.dataMu.RLock()
	defer s.dataMu.RUnlock()
	for _, run := range s.scriptRuns() {
		for _, d := range s.detailsAt(run.rec.ID, now) {
			if sr := scriptRecord(run, d); sr.ID == id {
				sr.Output = scriptOutput(sr, d)
				return true, sr
			}
		}
	}
	return false, api.ScriptRecord{}
}

// scriptRecord is the script record of one row of a script task's run.
func scriptRecord(run scriptRun, d api.Detail) api.ScriptRecord {
	status := map[string]string{"SUCCESS": "SUCCESS", "FAIL": "FAILED", "SKIP": "SKIPPED", "RUNNING": "RUNNING"}[d.ExecStatus]
	return api.ScriptRecord{
		ID: derivedID("script-record", d.ID), ScriptID: derivedID("script", run.task.ID), ScriptName: "wks-update.ps1",
		ScriptTaskID: run.scriptTaskID, ResourceID: d.DesktopID, ResourceName: d.DesktopName, ResourceType: "DESKTOP",
		StartTime: sdkTime(d.StartTime), EndTime: sdkTime(d.EndTime), Status: cmpOr(status, d.ExecStatus),
		ResultCode: d.ResultCode, Reason: d.FailReason,
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sdkTime turns the scheduled-task calls' "2006-01-02 15:04:05" (Beijing
// time here) into the script calls' UTC form, one the SDK decodes.
func sdkTime(wire string) string {
	t, err := time.ParseInLocation(wireTime, wire, time.FixedZone("CST", 8*3600))
	if err != nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// scriptOutput is what the script printed on the desktop: a few lines of
// progress, then, for a failure, what went wrong as an installer or the
// agent would say it. A desktop with a hostile name has output that tries
// to take over the terminal, as a compromised script's could.
func scriptOutput(sr api.ScriptRecord, d api.Detail) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(d.ID))
	x := h.Sum32()
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] wks-update.ps1 starting on %s\r\n", sr.StartTime, d.DesktopName)
	found := 3 + int(x%20)
	fmt.Fprintf(&b, "Checking for updates... %d found\r\n", found)
	for i := range found {
		fmt.Fprintf(&b, "  KB50%05d: downloading (%d%%)\r\n", (x>>4+uint32(i)*7)%100000, min(100, 10*(i+1)))
	}
	switch {
	case d.ExecStatus == "RUNNING":
		b.WriteString("Installing updates...\r\n")
	case d.ResultCode == "WKS.00010204":
		b.WriteString("Installing KB5048667...\r\n")
		b.WriteString("MSI (s) (A8:3C): Product: Windows Update -- Installation failed.\r\n")
		b.WriteString("MSI (s) (A8:3C): Windows Installer installed the product. Exit status: 1603.\r\n")
		b.WriteString("Error 1603: a fatal error occurred during installation; see C:\\Windows\\Temp\\wks-update.log\r\n")
	case d.ResultCode == "WKS.00010131" || d.ResultCode == "WKS.00010088":
		b.WriteString("Waiting for the guest agent to report back...\r\n")
		b.WriteString("No answer from the guest agent after 300 seconds; giving up.\r\n")
	case d.ExecStatus == "FAIL":
		fmt.Fprintf(&b, "Update failed: %s\r\n", d.FailReason)
	case d.ExecStatus == "SKIP":
		b.WriteString("Skipped: " + d.FailReason + "\r\n")
	default:
		b.WriteString("All updates installed. A restart is scheduled for 03:00.\r\n")
	}
	if strings.ContainsAny(d.DesktopName, "\x1b\u202e\u200b") {
		b.WriteString("\x1b]0;owned by the script\x07\x1b[2J\x1b[Hdone\x1b[31m red forever\r\n")
	}
	if d.ExecStatus != "RUNNING" {
		fmt.Fprintf(&b, "exit code %d\r\n", map[bool]int{true: 1603, false: 0}[d.ExecStatus == "FAIL"])
	}
	return b.String()
}
