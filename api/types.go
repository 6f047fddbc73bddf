// Package api is a client for the Huawei Cloud Workspace scheduled-task calls
// that wksrec browses. It knows nothing of the terminal: it returns typed pages
// and typed errors, and leaves every string exactly as the API sent it.
package api

// Task is one scheduled task, as returned by GET /v2/{project_id}/scheduled-tasks.
type Task struct {
	ID                string `json:"id"`
	TaskName          string `json:"task_name"`
	TaskType          string `json:"task_type"`
	ScheduledType     string `json:"scheduled_type"`
	LifeCycleType     string `json:"life_cycle_type,omitempty"`
	LastStatus        string `json:"last_status"`
	NextExecutionTime string `json:"next_execution_time"`
	ExpireTime        string `json:"expire_time,omitempty"`
	Enable            bool   `json:"enable"`
	Description       string `json:"description"`
	Priority          int    `json:"priority"`
	TimeZone          string `json:"time_zone"`
	WaitTime          int    `json:"wait_time"`
	ExtraParams       string `json:"extra_params,omitempty"`
}

// Record is one execution (run) of a scheduled task.
type Record struct {
	ID                string `json:"id"`
	StartTime         string `json:"start_time"`
	TaskType          string `json:"task_type"`
	ScheduledType     string `json:"scheduled_type"`
	LifeCycleType     string `json:"life_cycle_type,omitempty"`
	Status            string `json:"status"`
	SuccessNum        int    `json:"success_num"`
	FailedNum         int    `json:"failed_num"`
	SkipNum           int    `json:"skip_num"`
	TimeZone          string `json:"time_zone"`
	ExecuteTaskID     string `json:"execute_task_id,omitempty"`
	ExecuteObjectType string `json:"execute_object_type,omitempty"`
	ExpireTime        string `json:"expire_time,omitempty"`
	ExtraParams       string `json:"extra_params,omitempty"`
}

// Detail is the outcome of one execution record on one desktop.
// The API documents every field as a string.
type Detail struct {
	ID           string `json:"id"`
	RecordID     string `json:"record_id"`
	DesktopID    string `json:"desktop_id"`
	DesktopName  string `json:"desktop_name"`
	ExecStatus   string `json:"exec_status"`
	ExecScriptID string `json:"exec_script_id"`
	ResultCode   string `json:"result_code"`
	FailReason   string `json:"fail_reason"`
	StartTime    string `json:"start_time"`
	EndTime      string `json:"end_time"`
	TimeZone     string `json:"time_zone"`
}

// Page is one page of a listing: the items at [offset, offset+len(Items))
// and the total the server reported with them. Total may change between
// pages while a task runs, so callers must not end a loop on it alone.
type Page[T any] struct {
	Items []T
	Total int
}

// Wire shapes: each call names its array differently.
type taskPage struct {
	Items []Task `json:"scheduled_tasks"`
	Total count  `json:"total_count"`
}

type recordPage struct {
	Items []Record `json:"tasks_records"`
	Total count    `json:"total_count"`
}

type detailPage struct {
	Items []Detail `json:"tasks_records_details"`
	Total count    `json:"total_count"`
}

// Paging limits of the API, per call.
const (
	MaxTaskLimit   = 50
	MaxRecordLimit = 100
	MaxDetailLimit = 100
)
