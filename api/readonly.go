package api

import "context"

// ReadOnly is a Client with its reads only: a session that may not act
// (a read key over --serve-ssh) is given one, so no request that changes
// the cloud is reachable from it, whatever a screen asks of it. Not a flag
// on the Client: sessions that may and may not act share one Client, and
// with it one rate budget.
type ReadOnly struct{ c *Client }

// ReadOnlyOf is c's reads.
func ReadOnlyOf(c *Client) ReadOnly { return ReadOnly{c} }

func (r ReadOnly) ListTasks(ctx context.Context, scheduledType string, offset, limit int) (Page[Task], error) {
	return r.c.ListTasks(ctx, scheduledType, offset, limit)
}

func (r ReadOnly) ListRecords(ctx context.Context, taskID string, offset, limit int) (Page[Record], error) {
	return r.c.ListRecords(ctx, taskID, offset, limit)
}

func (r ReadOnly) ListRecordDetails(ctx context.Context, taskID, recordID string, offset, limit int) (Page[Detail], error) {
	return r.c.ListRecordDetails(ctx, taskID, recordID, offset, limit)
}

func (r ReadOnly) GetDesktop(ctx context.Context, desktopID string) (Desktop, error) {
	return r.c.GetDesktop(ctx, desktopID)
}

func (r ReadOnly) ListDesktops(ctx context.Context, desktopIDs []string) ([]Desktop, error) {
	return r.c.ListDesktops(ctx, desktopIDs)
}

func (r ReadOnly) GetJob(ctx context.Context, jobID string) (Job, error) {
	return r.c.GetJob(ctx, jobID)
}

func (r ReadOnly) ListScriptRecords(ctx context.Context, scriptTaskID string, desktopIDs []string, offset, limit int) (Page[ScriptRecord], error) {
	return r.c.ListScriptRecords(ctx, scriptTaskID, desktopIDs, offset, limit)
}

func (r ReadOnly) GetScriptRecord(ctx context.Context, recordID string) (ScriptRecord, error) {
	return r.c.GetScriptRecord(ctx, recordID)
}

func (r ReadOnly) GetTask(ctx context.Context, taskID string) (TaskDetail, error) {
	return r.c.GetTask(ctx, taskID)
}
