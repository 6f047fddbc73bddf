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
	"strings"
	"time"
	_ "time/tzdata" // a task's time zone must load on hosts without tzdata, as the tests run anywhere
	"unicode/utf8"

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

// refusal is a 400's error code and message.
type refusal struct{ code, msg string }

func missing(field string) *refusal {
	return &refusal{"WKS.00010001", "The request parameter " + field + " is missing."}
}

func invalid(field, why string) *refusal {
	return &refusal{"WKS.00010002", "The request parameter " + field + " is invalid: " + why + "."}
}

// newTaskPlan is what a valid body means: the zone it is in, the instant
// a one-off task runs, the next run as the list shows it.
type newTaskPlan struct {
	zone string
	at   time.Time
	next string // wire format; "" for a trigger task
}

var (
	taskTypes      = set("START", "STOP", "REBOOT", "HIBERNATE", "REBUILD", "EXECUTE_SCRIPT", "CREATE_SNAPSHOT", "DELETE_BLACK_ECS")
	scheduledTypes = set("FIXED_TIME", "DAY", "WEEK", "MONTH", "LIFE_CYCLE")
	objectTypes    = set("DESKTOP", "DESKTOP_POOL", "ALL_DESKTOPS", "DESKTOP_TAG")
	lifeCycleTypes = set("POST_CREATE_DESKTOP_SUCCESS", "POST_REBUILD_DESKTOP_SUCCESS", "POST_REATTACH_DESKTOP_SUCCESS", "POST_DESKTOP_DISCONNECTED")
)

func set(vals ...string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}

// checkNewTask checks a body as the API plausibly does at now: the
// fields the SDK always sends are required, the enums closed, the lengths
// and ranges those of the API's own definition (A.5), and each schedule
// type needs the fields A.1.1 infers. A missing value is WKS.00010001,
// a bad one WKS.00010002.
func checkNewTask(b *newTaskBody, now time.Time) (newTaskPlan, *refusal) {
	var p newTaskPlan
	if bad := checkTaskFields(b); bad != nil {
		return p, bad
	}
	if bad := checkApplyObjects(b.ApplyObjects); bad != nil {
		return p, bad
	}
	p.zone = cmp.Or(b.TimeZone, defaultTimeZone)
	loc, err := time.LoadLocation(p.zone)
	if err != nil || p.zone == "Local" { // "Local" is this host's zone, not a name the API knows
		return p, invalid("time_zone", "it must be a time zone name such as Asia/Shanghai")
	}
	if b.ExpireTime != "" {
		if _, err := time.ParseInLocation(wireTime, b.ExpireTime, loc); err != nil {
			return p, invalid("expire_time", "it must be yyyy-MM-dd HH:mm:ss")
		}
	}

	return scheduleOf(b, p, loc, now)
}

// checkTaskFields checks the fields of any task: presence, enums, lengths
// and ranges.
func checkTaskFields(b *newTaskBody) *refusal {
	switch {
	case b.TaskType == "":
		return missing("task_type")
	case !taskTypes[b.TaskType]:
		return invalid("task_type", "it must be one of START, STOP, REBOOT, HIBERNATE, REBUILD, EXECUTE_SCRIPT, CREATE_SNAPSHOT, DELETE_BLACK_ECS")
	case b.TaskName == "":
		return missing("task_name")
	case utf8.RuneCountInString(b.TaskName) > api.MaxTaskNameLen:
		return invalid("task_name", "it must be 1 to 255 characters")
	case utf8.RuneCountInString(b.Description) > api.MaxDescriptionLen:
		return invalid("description", "it must be at most 255 characters")
	case utf8.RuneCountInString(b.ExtraParams) > api.MaxExtraParamsLen:
		return invalid("extra_params", "it must be at most 2000 characters")
	case b.ScheduledType == "":
		return missing("scheduled_type")
	case !scheduledTypes[b.ScheduledType]:
		return invalid("scheduled_type", "it must be one of FIXED_TIME, DAY, WEEK, MONTH, LIFE_CYCLE")
	case b.ExtraParams != "" && !json.Valid([]byte(b.ExtraParams)):
		return invalid("extra_params", "it must be a string holding JSON")
	case len(b.ApplyObjects) > api.MaxApplyObjects:
		return invalid("apply_objects", "at most 1000 objects")
	case outside(b.WaitTime, 0, 43200):
		return invalid("wait_time", "it must be from 0 to 43200")
	case outside(b.GrayCount, 0, 1000):
		return invalid("gray_count", "it must be from 0 to 1000")
	case outside(b.GrayFailThreshold, 1, 1000):
		return invalid("gray_fail_threshold", "it must be from 1 to 1000")
	case len(b.GrayDesktopIDs) > 1000:
		return invalid("gray_desktop_ids", "at most 1000 ids")
	case outside(b.DayInterval, 1, 31):
		return invalid("day_interval", "it must be from 1 to 31")
	}
	return nil
}

// checkApplyObjects checks each object a task applies to.
func checkApplyObjects(objects []api.ApplyObject) *refusal {
	for i, o := range objects {
		field := "apply_objects[" + strconv.Itoa(i) + "]."
		switch {
		case o.ObjectID == "":
			return missing(field + "object_id")
		case o.ObjectType == "":
			return missing(field + "object_type")
		case utf8.RuneCountInString(o.ObjectID) > 255:
			return invalid(field+"object_id", "it must be 1 to 255 characters")
		case !objectTypes[o.ObjectType]: // every valid type is shorter than 255
			return invalid(field+"object_type", "it must be one of DESKTOP, DESKTOP_POOL, ALL_DESKTOPS, DESKTOP_TAG")
		}
	}

	return nil
}

// scheduleOf checks the schedule's fields for its type and works out when
// the task runs next (p.at, for a one-off task, when it runs).
func scheduleOf(b *newTaskBody, p newTaskPlan, loc *time.Location, now time.Time) (newTaskPlan, *refusal) {
	var err error
	var clock time.Time
	if b.ScheduledType != "LIFE_CYCLE" {
		if b.ScheduledTime == "" {
			return p, missing("scheduled_time")
		}
		// time.Parse takes "9:00:00" for 15:04:05; the API's form has two digits.
		if clock, err = time.Parse(timeOfDay, b.ScheduledTime); err != nil || len(b.ScheduledTime) != len(timeOfDay) {
			return p, invalid("scheduled_time", "it must be HH:mm:ss")
		}
	}
	var days func(time.Time) bool // which days a recurring task runs on
	switch b.ScheduledType {
	case "FIXED_TIME":
		if b.ScheduledDate == "" {
			return p, missing("scheduled_date")
		}
		if p.at, err = time.ParseInLocation(dateOnly+" "+timeOfDay, b.ScheduledDate+" "+b.ScheduledTime, loc); err != nil {
			return p, invalid("scheduled_date", "it must be yyyy-MM-dd")
		}
		if !p.at.After(now) {
			return p, invalid("scheduled_time", "scheduled time must be in the future")
		}
		p.next = p.at.Format(wireTime)
		return p, nil
	case "DAY":
		if b.DayInterval == nil {
			return p, missing("day_interval")
		}
		first, every := now.In(loc), int(*b.DayInterval)
		days = func(d time.Time) bool { return (dayNumber(d)-dayNumber(first))%every == 0 } // from today on
	case "WEEK":
		weekdays, _, bad := numbers("week_list", b.WeekList, 1, 7, false)
		if bad != nil {
			return p, bad
		}
		days = func(d time.Time) bool { return weekdays[int(d.Weekday())+1] } // 1 is Sunday
	case "MONTH":
		months, _, bad := numbers("month_list", b.MonthList, 1, 12, false)
		if bad != nil {
			return p, bad
		}
		dates, last, bad := numbers("date_list", b.DateList, 1, 31, true)
		if bad != nil {
			return p, bad
		}
		days = func(d time.Time) bool {
			return months[int(d.Month())] && (dates[d.Day()] || last && d.AddDate(0, 0, 1).Day() == 1)
		}
	case "LIFE_CYCLE":
		switch {
		case b.LifeCycleType == "":
			return p, missing("life_cycle_type")
		case !lifeCycleTypes[b.LifeCycleType]:
			return p, invalid("life_cycle_type", "it must be one of POST_CREATE_DESKTOP_SUCCESS, POST_REBUILD_DESKTOP_SUCCESS, POST_REATTACH_DESKTOP_SUCCESS, POST_DESKTOP_DISCONNECTED")
		case b.TaskType == "START" || b.TaskType == "REBUILD":
			return p, invalid("task_type", "a LIFE_CYCLE task cannot be START or REBUILD")
		}
		return p, nil
	}
	p.next = nextOn(days, clock, loc, now)
	return p, nil
}

// outside says whether a number given is out of lo..hi.
func outside(n *int32, lo, hi int32) bool { return n != nil && (*n < lo || *n > hi) }

// numbers parses a comma-separated list of lo..hi ("1,2,7"), and "L" for
// the last day where last is allowed.
func numbers(field, list string, lo, hi int, lastOK bool) (set map[int]bool, last bool, bad *refusal) {
	if list == "" {
		return nil, false, missing(field)
	}
	set = map[int]bool{}
	for _, v := range strings.Split(list, ",") {
		if v == "L" && lastOK {
			last = true
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return nil, false, invalid(field, "it must be comma-separated numbers from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
		}
		set[n] = true
	}
	return set, last, nil
}

// dayNumber counts calendar days, for a DAY task's interval.
func dayNumber(t time.Time) int {
	return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// nextOn is the first run after now of a task that runs at clock on the
// days days says, in loc; "" when none comes within eight years (the
// 31st of February).
func nextOn(days func(time.Time) bool, clock time.Time, loc *time.Location, now time.Time) string {
	n := now.In(loc)
	for i := range 8 * 366 {
		d := time.Date(n.Year(), n.Month(), n.Day()+i, clock.Hour(), clock.Minute(), clock.Second(), 0, loc)
		if d.After(now) && days(d) {
			return d.Format(wireTime)
		}
	}
	return ""
}
