package fake

import (
	"cmp"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
	_ "time/tzdata" // a task's time zone must load on hosts without tzdata, as the tests run anywhere

	"github.com/wksrec/wksrec/api"
)

// A task's detail (ShowScheduledTasks), creating a task
// (CreateScheduledTasks) with the checks the API plausibly makes, and the
// run of a created one-off task. There is no call that runs a task now
// (A.1.8): a FIXED_TIME task a minute ahead is the way, so the fake runs
// it at its instant on the server's clock. The run is built whole when the
// task is created, with future times, and live.go shows it as its rows
// start and end, exactly as the dataset's run in progress.

// taskWrites is what creating tasks adds beside the dataset; the server's
// dataMu guards it.
type taskWrites struct {
	details map[string]api.TaskDetail // by task id, of the tasks created
	ids     *rand.Rand                // draws the new ids: the same ones for a seed, every time
}

// createdSpread is how long a created run takes from its first desktop's
// start to its last's: long enough to watch a re-run fill in, short
// enough to wait for (the dataset's own live run takes liveSpread).
const createdSpread = time.Minute

// defaultTimeZone is a created task's zone when the body names none.
const defaultTimeZone = "Asia/Shanghai"

func (s *Server) routeTaskWrites() {
	var seed uint64
	if len(s.data.Tasks) > 0 {
		seed = fnv64(s.data.Tasks[0].ID) // follows the dataset's seed without drawing from its stream
	}
	s.writes = taskWrites{details: map[string]api.TaskDetail{}, ids: rand.New(rand.NewPCG(seed, 0xc4ea7e))}
	s.mux.HandleFunc("GET /v2/{project_id}/scheduled-tasks/{task_id}", s.showTask)
	s.mux.HandleFunc("POST /v2/{project_id}/scheduled-tasks", s.createTask)
}

func (s *Server) showTask(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("task_id")
	s.dataMu.RLock()
	td, found := s.writes.details[id]
	if !found {
		for _, t := range s.data.Tasks {
			if t.ID == id {
				td, found = generatedDetail(t), true
				break
			}
		}
	}
	s.dataMu.RUnlock()
	if !found {
		writeError(w, http.StatusNotFound, "WKS.00010404", "The scheduled task does not exist.")
		return
	}
	writeJSON(w, td)
}

// generatedDetail is a plausible detail of a generated task: its schedule
// as the list's next run implies it, on one desktop pool.
func generatedDetail(t api.Task) api.TaskDetail {
	td := api.TaskDetail{
		ID: t.ID, TaskType: t.TaskType, TaskName: t.TaskName, ScheduledType: t.ScheduledType,
		LifeCycleType: t.LifeCycleType, ExpireTime: t.ExpireTime, Description: t.Description,
		ExtraParams: t.ExtraParams, TimeZone: t.TimeZone, WaitTime: t.WaitTime,
		ApplyObjects: []api.ApplyObject{{
			ObjectID: uuid(rand.New(rand.NewPCG(fnv64(t.ID), 0x9001))), ObjectType: "DESKTOP_POOL", ObjectName: "pool-" + t.ID[:8],
		}},
	}
	if next, err := time.Parse(wireTime, t.NextExecutionTime); err == nil {
		td.ScheduledTime = next.Format(timeOfDay)
		switch t.ScheduledType {
		case "FIXED_TIME":
			td.ScheduledDate = next.Format(dateOnly)
		case "DAY":
			td.DayInterval = 1
		case "WEEK":
			td.WeekList = strconv.Itoa(int(next.Weekday()) + 1) // 1 is Sunday
		case "MONTH":
			td.MonthList, td.DateList = "1,2,3,4,5,6,7,8,9,10,11,12", strconv.Itoa(next.Day())
		}
	}
	return td
}

const (
	dateOnly  = "2006-01-02"
	timeOfDay = "15:04:05"
)

// newTaskBody is CreateScheduledTasksReq with every field of A.1.1, so a
// valid field wksrec does not send still decodes, and one of the wrong
// type (extra_params as an object, not a string holding JSON) does not.
type newTaskBody struct {
	TaskType          string            `json:"task_type"`
	TaskName          string            `json:"task_name"`
	ScheduledType     string            `json:"scheduled_type"`
	DayInterval       *int32            `json:"day_interval"`
	WeekList          string            `json:"week_list"`
	MonthList         string            `json:"month_list"`
	DateList          string            `json:"date_list"`
	ScheduledDate     string            `json:"scheduled_date"`
	ScheduledTime     string            `json:"scheduled_time"`
	ExpireTime        string            `json:"expire_time"`
	TimeZone          string            `json:"time_zone"`
	LifeCycleType     string            `json:"life_cycle_type"`
	WaitTime          *int32            `json:"wait_time"`
	ForceExecute      bool              `json:"force_execute"`
	Description       string            `json:"description"`
	ExtraParams       string            `json:"extra_params"`
	ApplyObjects      []api.ApplyObject `json:"apply_objects"`
	GrayCount         *int32            `json:"gray_count"`
	GrayDesktopIDs    []string          `json:"gray_desktop_ids"`
	GrayFailThreshold *int32            `json:"gray_fail_threshold"`
}

func (s *Server) createTask(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	var body newTaskBody
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		msg := "The request body is not valid JSON."
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) && te.Field != "" {
			msg = "The request parameter " + te.Field + " has the wrong type: " + te.Value + " where " + te.Type.String() + " was expected."
		}
		writeError(w, http.StatusBadRequest, "WKS.00010001", msg)
		return
	}
	p, bad := checkNewTask(&body, s.now())
	if bad != nil {
		writeError(w, http.StatusBadRequest, bad.code, bad.msg)
		return
	}

	// The desktops' names are read first: power has a lock of its own, and
	// nothing here holds both.
	names := map[string]string{}
	s.power.mu.Lock()
	for _, o := range body.ApplyObjects {
		if name, ok := s.power.known[o.ObjectID]; ok && o.ObjectType == "DESKTOP" {
			names[o.ObjectID] = name
		}
	}
	s.power.mu.Unlock()

	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	d := s.data
	task := api.Task{
		ID: s.newID(), TaskName: body.TaskName, TaskType: body.TaskType, ScheduledType: body.ScheduledType,
		LifeCycleType: body.LifeCycleType, NextExecutionTime: p.next, ExpireTime: body.ExpireTime, Enable: true,
		Description: body.Description, TimeZone: p.zone, WaitTime: int(deref(body.WaitTime)), ExtraParams: body.ExtraParams,
	}
	d.Records[task.ID] = nil // known, with no run yet
	if body.ScheduledType == "FIXED_TIME" {
		// Only a one-off task runs in the fake: a recurring one is listed
		// with its next run, which never comes.
		rec, details := s.oneOffRun(task, body.ApplyObjects, names, p.at)
		if d.Live == nil {
			d.Live = map[string]*LiveRun{}
		}
		d.Live[rec.ID] = spreadRun(s.writes.ids, p.at, createdSpread, details)
		d.Records[task.ID] = []api.Record{rec}
		d.Details[rec.ID] = details
		task.LastStatus = rec.Status // as it will be once run: listTasks hides it until then
	}
	d.Tasks = append(d.Tasks, task)
	s.writes.details[task.ID] = api.TaskDetail{
		ID: task.ID, TaskType: body.TaskType, TaskName: body.TaskName, ForceExecute: body.ForceExecute,
		ScheduledType: body.ScheduledType, LifeCycleType: body.LifeCycleType, DayInterval: int(deref(body.DayInterval)),
		WeekList: body.WeekList, MonthList: body.MonthList, DateList: body.DateList,
		ScheduledDate: body.ScheduledDate, ScheduledTime: body.ScheduledTime, ExpireTime: body.ExpireTime,
		Description: body.Description, ExtraParams: body.ExtraParams, ApplyObjects: body.ApplyObjects,
		GrayCount: int(deref(body.GrayCount)), GrayDesktopIDs: body.GrayDesktopIDs,
		GrayFailThreshold: int(deref(body.GrayFailThreshold)), TimeZone: p.zone, WaitTime: int(deref(body.WaitTime)),
	}
	writeJSON(w, map[string]string{"task_id": task.ID})
}

// oneOffRun is the run of a created one-off task at its instant, as it
// will be once over: a row for each desktop it names (once each; the fake
// knows no pools or tags, so those add none), with outcomes that hang on
// the desktop and the task. Callers hold s.dataMu.
func (s *Server) oneOffRun(t api.Task, objects []api.ApplyObject, names map[string]string, at time.Time) (api.Record, []api.Detail) {
	rec := api.Record{
		ID: s.newID(), StartTime: at.Format(wireTime), TaskType: t.TaskType,
		ScheduledType: t.ScheduledType, TimeZone: t.TimeZone,
	}
	if t.TaskType == "EXECUTE_SCRIPT" { // a script's run names the script-execution task that carried it out
		rec.ExecuteTaskID, rec.ExecuteObjectType = s.newID(), "DESKTOP"
	}
	var details []api.Detail
	seen := map[string]bool{}
	for _, o := range objects {
		if o.ObjectType != "DESKTOP" || seen[o.ObjectID] {
			continue
		}
		seen[o.ObjectID] = true
		dt := api.Detail{
			ID: s.newID(), RecordID: rec.ID, DesktopID: o.ObjectID,
			DesktopName: cmp.Or(names[o.ObjectID], o.ObjectName, o.ObjectID), TimeZone: t.TimeZone,
		}
		if t.TaskType == "EXECUTE_SCRIPT" {
			dt.ExecScriptID = t.ID[:8] + "-script"
		}
		dt.ExecStatus, dt.ResultCode, dt.FailReason = outcome(o.ObjectID, t.ID)
		switch dt.ExecStatus {
		case "SUCCESS":
			rec.SuccessNum++
		case "FAIL":
			rec.FailedNum++
		case "SKIP":
			rec.SkipNum++
		}
		details = append(details, dt)
	}
	rec.Status = "SUCCESS"
	if rec.FailedNum > 0 {
		rec.Status = "FAIL"
	}
	return rec, details
}

// outcome is how a desktop fares in a run of a task: about 10% fail and
// 4% are skipped. It hangs on the task as well as the desktop, so running
// a run's failed desktops again (a new task) mostly succeeds, and the
// same task on the same desktop fares the same every time.
func outcome(desktopID, taskID string) (status, code, reason string) {
	x := fnv64(taskID + "\x00" + desktopID)
	switch p := x % 100; {
	case p < 10:
		f := failures[x>>8%uint64(len(failures))]
		return "FAIL", f[0], f[1]
	case p < 14:
		f := skips[x>>8%uint64(len(skips))]
		return "SKIP", f[0], f[1]
	}
	return "SUCCESS", "", ""
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// newID draws an id no task or record has. Callers hold s.dataMu.
func (s *Server) newID() string {
	for {
		id := uuid(s.writes.ids)
		_, task := s.data.Records[id]
		_, rec := s.data.Details[id]
		if !task && !rec {
			return id
		}
	}
}

func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}
