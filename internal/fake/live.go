package fake

import (
	"math/rand/v2"
	"time"

	"github.com/wksrec/wksrec/api"
)

// A run in progress: the rows of a run appear as its desktops start, each
// RUNNING until its end time, and its record says RUNNING until every row
// has ended, then its final status and counts. The dataset holds the run
// as it will be once finished; the server shows it as it stands on its
// own clock, so a test that moves the clock watches the run fill in.

// LiveRun is when each row of a run in progress starts and ends, in the
// order the rows are listed (by start).
type LiveRun struct {
	// Start is when the run starts, its first row's start: a run of no
	// rows (a task on no desktop the fake knows) is still not listed
	// before it.
	Start        time.Time
	Starts, Ends []time.Time
}

// liveSpread is how long the live run takes from its first desktop's
// start to its last's: long enough to watch in the demo, short enough to
// see it end.
const liveSpread = 4 * time.Minute

// liveStart is when the live run starts: a minute and a half before the
// data's date (the demo's now), or ten hours after the fixed dates' last
// night, when every other run of the night has ended.
func liveStart(base, now time.Time) time.Time {
	if now.IsZero() {
		return base.Add(10 * time.Hour)
	}
	return now.Add(-90 * time.Second).In(base.Location()).Truncate(time.Second)
}

// goLive spreads the rows of details over liveSpread from start.
func goLive(r *rand.Rand, start time.Time, details []api.Detail) *LiveRun {
	return spreadRun(r, start, liveSpread, details)
}

// spreadRun spreads the rows of details over spread from start, each
// taking 5 to 40 seconds, and rewrites their times to match.
func spreadRun(r *rand.Rand, start time.Time, spread time.Duration, details []api.Detail) *LiveRun {
	n := len(details)
	lr := &LiveRun{Start: start.Truncate(time.Second), Starts: make([]time.Time, n), Ends: make([]time.Time, n)}
	for i := range details {
		s := start.Add(spread * time.Duration(i) / time.Duration(max(n, 1))).Truncate(time.Second)
		e := s.Add(time.Duration(5+r.IntN(36)) * time.Second)
		if details[i].ExecStatus == "SKIP" {
			e = s // a skip ends as it starts
		}
		lr.Starts[i], lr.Ends[i] = s, e
		details[i].StartTime, details[i].EndTime = s.Format(wireTime), e.Format(wireTime)
	}
	return lr
}

// rowsAt are the rows of a live run listed at now: those started, the
// ones not yet ended RUNNING, without end time or result.
func (lr *LiveRun) rowsAt(details []api.Detail, now time.Time) []api.Detail {
	out := make([]api.Detail, 0, len(details))
	for i, d := range details {
		if lr.Starts[i].After(now) {
			break // listed by start: none after this one has started
		}
		if lr.Ends[i].After(now) {
			d.ExecStatus, d.EndTime, d.ResultCode, d.FailReason = "RUNNING", "", "", ""
		}
		out = append(out, d)
	}
	return out
}

// recordAt is the run's record at now, counting the rows ended; false
// when the run has not started.
func (lr *LiveRun) recordAt(rec api.Record, details []api.Detail, now time.Time) (api.Record, bool) {
	if lr.Start.After(now) {
		return rec, false
	}
	rec.SuccessNum, rec.FailedNum, rec.SkipNum = 0, 0, 0
	ended := 0
	for i, d := range details {
		if lr.Ends[i].After(now) {
			continue
		}
		ended++
		switch d.ExecStatus {
		case "SUCCESS":
			rec.SuccessNum++
		case "FAIL":
			rec.FailedNum++
		case "SKIP":
			rec.SkipNum++
		}
	}
	if ended < len(details) {
		rec.Status = "RUNNING"
	}
	return rec, true
}

// recordsAt are a task's records as listed at now. Callers hold
// s.dataMu for reading, as for detailsAt.
func (s *Server) recordsAt(recs []api.Record, now time.Time) []api.Record {
	var out []api.Record
	for _, rec := range recs {
		if lr := s.data.Live[rec.ID]; lr != nil {
			var started bool
			if rec, started = lr.recordAt(rec, s.data.Details[rec.ID], now); !started {
				continue
			}
		}
		out = append(out, rec)
	}
	return out
}

// detailsAt are a run's rows as listed at now.
func (s *Server) detailsAt(recordID string, now time.Time) []api.Detail {
	details := s.data.Details[recordID]
	if lr := s.data.Live[recordID]; lr != nil {
		return lr.rowsAt(details, now)
	}
	return details
}
