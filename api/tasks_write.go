package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// A scheduled task as the detail call returns it, and the body that
// creates one: what "run the task again on these desktops" copies and
// sends (there is no call that runs a task now: a one-off FIXED_TIME task
// a minute ahead is the way).

// ApplyObject is something a scheduled task applies to.
type ApplyObject struct {
	ObjectID   string `json:"object_id"`
	ObjectType string `json:"object_type"` // DESKTOP, DESKTOP_POOL, ALL_DESKTOPS, DESKTOP_TAG
	ObjectName string `json:"object_name,omitempty"`
}

// TaskDetail is one task, from GET /v2/{project_id}/scheduled-tasks/{task_id}.
// Unlike the list's item it has the schedule and what the task applies
// to, and no enable, priority, last status or next run.
type TaskDetail struct {
	ID                string        `json:"id"`
	TaskType          string        `json:"task_type"`
	TaskName          string        `json:"task_name"`
	ForceExecute      bool          `json:"force_execute"`
	ScheduledType     string        `json:"scheduled_type"`
	LifeCycleType     string        `json:"life_cycle_type,omitempty"`
	DayInterval       int           `json:"day_interval,omitempty"`
	WeekList          string        `json:"week_list,omitempty"`
	MonthList         string        `json:"month_list,omitempty"`
	DateList          string        `json:"date_list,omitempty"`
	ScheduledDate     string        `json:"scheduled_date,omitempty"`
	ScheduledTime     string        `json:"scheduled_time,omitempty"`
	ExpireTime        string        `json:"expire_time,omitempty"`
	Description       string        `json:"description,omitempty"`
	ExtraParams       string        `json:"extra_params,omitempty"` // a string holding JSON
	ApplyObjects      []ApplyObject `json:"apply_objects,omitempty"`
	GrayCount         int           `json:"gray_count,omitempty"`
	GrayDesktopIDs    []string      `json:"gray_desktop_ids,omitempty"`
	GrayFailThreshold int           `json:"gray_fail_threshold,omitempty"`
	TimeZone          string        `json:"time_zone,omitempty"`
	WaitTime          int           `json:"wait_time,omitempty"`
}

// NewTask is the body of POST /v2/{project_id}/scheduled-tasks, as far
// as wksrec fills it: a one-off task (FIXED_TIME) at a date and time in a
// time zone, on some objects.
type NewTask struct {
	TaskType      string        `json:"task_type"`
	TaskName      string        `json:"task_name"`
	ScheduledType string        `json:"scheduled_type,omitempty"`
	ScheduledDate string        `json:"scheduled_date,omitempty"` // yyyy-MM-dd
	ScheduledTime string        `json:"scheduled_time,omitempty"` // HH:mm:ss
	TimeZone      string        `json:"time_zone,omitempty"`
	ForceExecute  bool          `json:"force_execute,omitempty"`
	Description   string        `json:"description,omitempty"`
	ExtraParams   string        `json:"extra_params,omitempty"` // a string holding JSON, copied as is
	ApplyObjects  []ApplyObject `json:"apply_objects,omitempty"`
}

// MaxApplyObjects is how many objects one task may apply to.
const MaxApplyObjects = 1000

// Limits of a new task's text, from the API's own definition.
const (
	MaxTaskNameLen    = 255
	MaxDescriptionLen = 255
	MaxExtraParamsLen = 2000
)

// GetTask reads one task's detail.
func (c *Client) GetTask(ctx context.Context, taskID string) (TaskDetail, error) {
	if err := checkIDs("task id", taskID); err != nil {
		return TaskDetail{}, err
	}
	var out TaskDetail
	err := c.get(ctx, []string{"v2", c.projectID, "scheduled-tasks", taskID}, nil, &out)
	return out, err
}

// CreateTask creates a scheduled task, once: neither this client nor Go's
// transports send it again (see oneShot), so a failure after the body went
// out is an *UnansweredError (MayHaveBeenApplied) and a second task is
// never made by a retry. It returns the new task's id.
func (c *Client) CreateTask(ctx context.Context, t NewTask) (string, error) {
	if len(t.ApplyObjects) > MaxApplyObjects {
		return "", fmt.Errorf("a task applies to at most %d objects, not %d", MaxApplyObjects, len(t.ApplyObjects))
	}
	body, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	var out struct {
		TaskID string `json:"task_id"`
	}
	if err := c.do(ctx, http.MethodPost, []string{"v2", c.projectID, "scheduled-tasks"}, nil, body, &out); err != nil {
		return "", err
	}
	if out.TaskID == "" {
		// Created, as far as the status says, but unnamed: a caller must
		// not create it again.
		return "", &UnansweredError{Err: errors.New("the API answered without the new task's id")}
	}
	return out.TaskID, nil
}
