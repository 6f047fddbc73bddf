package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The calls next to the scheduled tasks that wksrec uses: one desktop's
// state now, batch power actions on desktops, and the jobs that carry
// them out.

// Desktop is one desktop's state now, from GET /v2/{project_id}/desktops/{desktop_id}.
type Desktop struct {
	ID                string   `json:"desktop_id"`
	ComputerName      string   `json:"computer_name"`
	Status            string   `json:"status"`      // ACTIVE, SHUTOFF, ERROR, HIBERNATED, …
	TaskStatus        string   `json:"task_status"` // rebooting, powering-on, … or empty
	LoginStatus       string   `json:"login_status"`
	UserName          string   `json:"user_name"`
	InMaintenanceMode bool     `json:"in_maintenance_mode"`
	IPAddresses       []string `json:"ip_addresses"`
	Created           string   `json:"created"`
	AvailabilityZone  string   `json:"availability_zone"`
}

// GetDesktop reads one desktop's state. A desktop that no longer exists is
// an *APIError with Status 404.
func (c *Client) GetDesktop(ctx context.Context, desktopID string) (Desktop, error) {
	if err := checkIDs("desktop id", desktopID); err != nil {
		return Desktop{}, err
	}
	var out struct {
		Desktop Desktop `json:"desktop"`
	}
	err := c.get(ctx, []string{"v2", c.projectID, "desktops", desktopID}, nil, &out)
	return out.Desktop, err
}

// PowerAction is one batch power action: op_type and, for reboot and stop,
// SOFT or HARD.
type PowerAction struct {
	Name   string // as the command line and the menu name it: reboot-hard
	OpType string // os-start, reboot, os-stop, os-hibernate
	Type   string // SOFT, HARD, or "" where the API takes none
	Label  string // for people: "hard reboot"
}

// PowerActions are the actions wksrec offers, in menu order.
var PowerActions = []PowerAction{
	{"reboot", "reboot", "SOFT", "reboot"},
	{"reboot-hard", "reboot", "HARD", "hard reboot"},
	{"start", "os-start", "", "start"},
	{"stop", "os-stop", "SOFT", "stop"},
	{"stop-hard", "os-stop", "HARD", "hard stop"},
	{"hibernate", "os-hibernate", "", "hibernate"},
}

// PowerActionNamed finds an action by its name.
func PowerActionNamed(name string) (PowerAction, bool) {
	i := slices.IndexFunc(PowerActions, func(a PowerAction) bool { return a.Name == name })
	if i < 0 {
		return PowerAction{}, false
	}
	return PowerActions[i], true
}

// MaxActionDesktops is how many desktops one action request may name.
const MaxActionDesktops = 100

// ActionResult is the answer to a batch action: the job that carries it
// out, and the desktops the API refused at once.
type ActionResult struct {
	JobID   string            `json:"job_id"`
	Refused []FailedOperation `json:"failed_operation_list"`
	// TaskID is the task a re-run created (internal/actions' Rerun), not
	// part of the action call's answer.
	TaskID string `json:"-"`
}

// FailedOperation is one desktop an action was refused for.
type FailedOperation struct {
	DesktopID   string `json:"desktop_id"`
	DesktopName string `json:"desktop_name"`
	ErrorCode   string `json:"error_code"`
	ErrorMsg    string `json:"error_msg"`
}

// DesktopAction sends one batch power action, once: neither this client
// nor Go's transports send it again (see oneShot). ActionRetryable says
// when a caller may; MayHaveBeenApplied what a failure means.
func (c *Client) DesktopAction(ctx context.Context, desktopIDs []string, a PowerAction) (ActionResult, error) {
	if len(desktopIDs) < 1 || len(desktopIDs) > MaxActionDesktops {
		return ActionResult{}, fmt.Errorf("an action names 1 to %d desktops, not %d", MaxActionDesktops, len(desktopIDs))
	}
	for _, id := range desktopIDs {
		if err := checkIDs("desktop id", id); err != nil {
			return ActionResult{}, err
		}
	}
	req := struct {
		DesktopIDs []string `json:"desktop_ids"`
		OpType     string   `json:"op_type"`
		Type       string   `json:"type,omitempty"`
	}{desktopIDs, a.OpType, a.Type}
	body, err := json.Marshal(req)
	if err != nil {
		return ActionResult{}, err
	}
	var out ActionResult
	err = c.do(ctx, http.MethodPost, []string{"v2", c.projectID, "desktops", "action"}, nil, body, &out)
	return out, err
}

// ActionRetryable reports whether an action that failed with err was
// certainly not applied and refused only for rate, so it may be sent
// again: an answer with HTTP status 429. A 5xx is not, whatever its
// error_code says (a 500 WKS.0308 or a 504 APIGW.0308 may come after the
// desktops were acted on), nor is a timeout or a dropped connection.
func ActionRetryable(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests
}

// ActionHint says what to do about an action refused with err, where
// something is to be said: a 403 means the credentials may read but not
// act.
func ActionHint(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden {
		return "acting on desktops needs an IAM permission to operate Workspace desktops (the message names the action refused); ask for it, nothing was applied"
	}
	return ""
}

// Job is an asynchronous job of Workspace, from GET /v2/{project_id}/workspace-jobs/{job_id}.
type Job struct {
	ID           string `json:"id"`
	JobType      string `json:"job_type"`
	BeginTime    string `json:"begin_time"`
	EndTime      string `json:"end_time"`
	Status       string `json:"status"` // WAITING, RUNNING, SUCCESS, FAIL, …
	JobErrorCode string `json:"job_error_code"`
	FailReason   string `json:"fail_reason"`
	SubJobsTotal int    `json:"sub_jobs_total"`
	SubJobs      []Job  `json:"sub_jobs"`
}

// Finished reports a job at its end, whatever the outcome.
func (j Job) Finished() bool {
	switch strings.ToUpper(j.Status) {
	case "SUCCESS", "FAIL", "FAILED", "PARTIAL_SUCCESS", "CANCELLED":
		return true
	}
	return false
}

// GetJob reads a job's state.
func (c *Client) GetJob(ctx context.Context, jobID string) (Job, error) {
	if err := checkIDs("job id", jobID); err != nil {
		return Job{}, err
	}
	var out Job
	err := c.get(ctx, []string{"v2", c.projectID, "workspace-jobs", jobID}, nil, &out)
	return out, err
}

type desktopsPage struct {
	Items []Desktop `json:"desktops"`
	Total count     `json:"total_count"`
}

// ListDesktops reads the state of the desktops named, at most
// MaxDesktopIDs a request (GET /v2/{project_id}/desktops/detail with
// desktop_id repeated). A desktop that no longer exists is simply not in
// the answer.
func (c *Client) ListDesktops(ctx context.Context, desktopIDs []string) ([]Desktop, error) {
	if len(desktopIDs) == 0 {
		return nil, nil
	}
	if len(desktopIDs) > MaxDesktopIDs {
		return nil, fmt.Errorf("%d desktop ids in one request: at most %d", len(desktopIDs), MaxDesktopIDs)
	}
	q := url.Values{}
	for _, id := range desktopIDs {
		if err := checkIDs("desktop id", id); err != nil {
			return nil, err
		}
		q.Add("desktop_id", id)
	}
	q.Set("offset", "0")
	q.Set("limit", "500") // more than the ids asked for: one page
	var p desktopsPage
	err := c.get(ctx, []string{"v2", c.projectID, "desktops", "detail"}, q, &p)
	return p.Items, err
}
