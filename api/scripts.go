package api

import (
	"context"
	"net/url"
)

// ScriptRecord is one script run on one desktop: from GET
// /v2/{project_id}/script-execution-records (a list; its total is
// "count", not "total_count") and, with its output, from GET
// /v2/{project_id}/script-execution-records/{record_id}. A run of an
// EXECUTE_SCRIPT task names its script-execution task in its record's
// execute_task_id, which is the records' script_task_id (inferred from
// the SDK's models; the fake keeps the ids so).
type ScriptRecord struct {
	ID           string `json:"id"`
	ScriptID     string `json:"script_id"`
	ScriptName   string `json:"script_name"`
	ScriptTaskID string `json:"script_task_id"`
	ResourceID   string `json:"resource_id"`
	ResourceName string `json:"resource_name"`
	ResourceType string `json:"resource_type"`
	StartTime    string `json:"start_time"` // 2006-01-02T15:04:05Z and the SDK's other forms
	EndTime      string `json:"end_time"`
	Status       string `json:"status"` // the SDK gives no values: any string
	ExecuteOrder int    `json:"execute_order"`
	ResultCode   string `json:"result_code"`
	Reason       string `json:"reason"`
	Output       string `json:"output,omitempty"` // the detail call's only
}

// MaxScriptRecordLimit is the most script records one page may ask for.
const MaxScriptRecordLimit = 100

// MaxDesktopIDs is how many desktop ids one desktops/detail request may
// name (the SDK's sibling call says 100; the detail call's own limit is
// not given).
const MaxDesktopIDs = 100

type scriptRecordPage struct {
	Items []ScriptRecord `json:"script_records"`
	Total count          `json:"count"` // not total_count, unlike the scheduled-task calls
}

// ListScriptRecords returns one page of the script records of a
// script-execution task (limit 1..100), for the desktops named (none:
// every desktop).
func (c *Client) ListScriptRecords(ctx context.Context, scriptTaskID string, desktopIDs []string, offset, limit int) (Page[ScriptRecord], error) {
	if err := checkIDs("script task id", scriptTaskID); err != nil {
		return Page[ScriptRecord]{}, err
	}
	q := url.Values{"script_task_id": {scriptTaskID}}
	for _, id := range desktopIDs {
		q.Add("resource_id", id) // a list is the key repeated, as the SDK sends it
	}
	var p scriptRecordPage
	err := c.list(ctx, []string{"v2", c.projectID, "script-execution-records"}, offset, limit, MaxScriptRecordLimit, &p, q)
	return Page[ScriptRecord]{Items: p.Items, Total: int(p.Total)}, err
}

// GetScriptRecord reads one script record with its output.
func (c *Client) GetScriptRecord(ctx context.Context, recordID string) (ScriptRecord, error) {
	if err := checkIDs("script record id", recordID); err != nil {
		return ScriptRecord{}, err
	}
	var out ScriptRecord
	err := c.get(ctx, []string{"v2", c.projectID, "script-execution-records", recordID}, nil, &out)
	return out, err
}
