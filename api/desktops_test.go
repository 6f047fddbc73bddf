package api_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// The desktop calls against the fake, signed with AK/SK (the body's hash
// is in the signature): a desktop's state, a 404 for one gone, an action
// with refusals, and its job followed to the end on the fake's clock.
func TestDesktopCalls(t *testing.T) {
	var later atomic.Int64 // the fake's clock runs ahead by it (the signature's date check reads it too)
	clock := func() time.Time { return time.Now().Add(time.Duration(later.Load())) }
	c, srv := signedClient(t, fake.Options{Seed: 1, Keys: map[string]string{testAK: testSK}, Now: clock, JobDuration: time.Minute}, testSK, "")
	d := srv.Data()
	newest := d.Details[d.Records[d.Tasks[0].ID][0].ID]
	desk, err := c.GetDesktop(context.Background(), newest[0].DesktopID)
	if err != nil || desk.ID != newest[0].DesktopID || desk.Status == "" || len(desk.IPAddresses) == 0 {
		t.Fatalf("GetDesktop: %+v, %v", desk, err)
	}
	var apiErr *api.APIError
	if _, err := c.GetDesktop(context.Background(), "no-such-desktop"); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Errorf("a desktop gone: %v", err)
	}
	var ids []string
	for _, dt := range newest[:api.MaxActionDesktops] {
		ids = append(ids, dt.DesktopID)
	}
	reboot, _ := api.PowerActionNamed("reboot")
	res, err := c.DesktopAction(context.Background(), ids, reboot)
	if err != nil || res.JobID == "" || len(res.Refused) == 0 || len(res.Refused) == len(ids) {
		t.Fatalf("action: %+v, %v; want a job and some refusals", res, err)
	}
	for _, f := range res.Refused {
		if f.ErrorCode == "" || f.DesktopID == "" {
			t.Errorf("refusal without code or id: %+v", f)
		}
	}
	job, err := c.GetJob(context.Background(), res.JobID)
	if err != nil || job.Finished() || job.SubJobsTotal != len(ids)-len(res.Refused) {
		t.Fatalf("job at once: %+v, %v", job, err)
	}
	later.Store(int64(time.Minute / 2))
	if job, err = c.GetJob(context.Background(), res.JobID); err != nil || job.Finished() || len(job.SubJobs) != job.SubJobsTotal {
		t.Fatalf("job half way: %+v, %v", job.Status, err)
	}
	done := 0
	for _, sub := range job.SubJobs {
		if sub.Finished() {
			done++
		}
	}
	if done == 0 || done == len(job.SubJobs) {
		t.Errorf("half way, %d of %d sub-jobs done", done, len(job.SubJobs))
	}
	later.Store(int64(time.Minute))
	if job, err = c.GetJob(context.Background(), res.JobID); err != nil || !job.Finished() || job.Status != "SUCCESS" {
		t.Errorf("job after its time: %+v, %v", job, err)
	}
	if _, err := c.DesktopAction(context.Background(), append(ids, "one-too-many"), reboot); err == nil || !strings.Contains(err.Error(), "1 to 100") {
		t.Errorf("101 ids: %v", err)
	}
}

// Without the permission, an action is a 403 that is not retryable; only a
// throttling answer is.
func TestActionRefusedAndRetryable(t *testing.T) {
	c, srv := setup(t, fake.Options{Seed: 1, DenyActions: true})
	d := srv.Data()
	id := d.Details[d.Records[d.Tasks[0].ID][0].ID][0].DesktopID
	start, _ := api.PowerActionNamed("start")
	_, err := c.DesktopAction(context.Background(), []string{id}, start)
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 403 || api.ActionRetryable(err) {
		t.Fatalf("denied: %v", err)
	}
	if !api.ActionRetryable(&api.APIError{Status: 429, Code: "APIG.0308"}) || api.ActionRetryable(&api.APIError{Status: 503}) ||
		api.ActionRetryable(&api.TransportError{Err: context.DeadlineExceeded}) {
		t.Error("only a throttling answer may be sent again")
	}
}
