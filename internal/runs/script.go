package runs

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
)

// A script's own output on a desktop. A run of an EXECUTE_SCRIPT task
// names its script-execution task in its record's execute_task_id
// (inferred from the SDK's models, and kept so by the fake); that task has
// a script record per desktop, and a record's detail carries the output.
// The browser's pane and -o --script-output both read it here.

// ScriptSource is what script records are read from; *api.Client is one.
type ScriptSource interface {
	ListScriptRecords(ctx context.Context, scriptTaskID string, desktopIDs []string, offset, limit int) (api.Page[api.ScriptRecord], error)
	GetScriptRecord(ctx context.Context, recordID string) (api.ScriptRecord, error)
}

// ErrNoScriptRecord says the script-execution task has no record for the
// desktop (it was skipped before the script ran, or the record expired).
var ErrNoScriptRecord = errors.New("the script-execution task has no record for this desktop")

// maxScriptPages bounds the listing of a script task's records (100,000
// desktops).
const maxScriptPages = 1000

// ScriptOutput is the desktop's script record in the run's
// script-execution task, with its output: two requests.
func ScriptOutput(ctx context.Context, src ScriptSource, scriptTaskID, desktopID string) (api.ScriptRecord, error) {
	p, err := src.ListScriptRecords(ctx, scriptTaskID, []string{desktopID}, 0, api.MaxScriptRecordLimit)
	if err != nil {
		return api.ScriptRecord{}, err
	}
	rec, ok := latestFor(p.Items, desktopID)
	if !ok {
		return api.ScriptRecord{}, ErrNoScriptRecord
	}
	return src.GetScriptRecord(ctx, rec.ID)
}

// latestFor is the desktop's record started last (a script task retried
// has one per try), among records that may name other desktops too (a
// server that ignores the filter).
func latestFor(recs []api.ScriptRecord, desktopID string) (api.ScriptRecord, bool) {
	var best api.ScriptRecord
	found := false
	for _, r := range recs {
		if r.ResourceID != desktopID || r.ID == "" {
			continue
		}
		if !found || cmp.Compare(r.StartTime, best.StartTime) > 0 {
			best, found = r, true
		}
	}
	return best, found
}

// ScriptRecords maps each desktop of a script-execution task to its
// record (the one started last), reading every page: for -o, one
// listing, then one request a failed desktop.
func ScriptRecords(ctx context.Context, src ScriptSource, scriptTaskID string) (map[string]api.ScriptRecord, error) {
	out := map[string]api.ScriptRecord{}
	limit := api.MaxScriptRecordLimit
	for page := range maxScriptPages {
		p, err := src.ListScriptRecords(ctx, scriptTaskID, nil, page*limit, limit)
		if err != nil {
			return nil, fmt.Errorf("listing the script records of %s: %w", sanitize.Line(scriptTaskID), err)
		}
		for _, r := range p.Items {
			if best, ok := latestFor([]api.ScriptRecord{out[r.ResourceID], r}, r.ResourceID); ok {
				out[r.ResourceID] = best
			}
		}
		if len(p.Items) < limit || (page+1)*limit >= p.Total {
			break
		}
	}
	return out, nil
}
