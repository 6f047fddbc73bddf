package fake

import (
	"cmp"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wksrec/wksrec/api"
)

// The checks a new task's body passes, as the API plausibly makes them
// (the SDK's required fields and enums, the API definition's lengths and
// ranges, the schedule fields each type needs), and when a recurring
// task would run next.

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
