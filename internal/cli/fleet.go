package cli

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/export"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/fleet"
	"github.com/wksrec/wksrec/internal/numfmt"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/session"
)

// fleetColumns are --fleet -o's fields: the member, then the task and its
// newest run, the change against the run before, the member's error.
var fleetColumns = []string{"member", "region", "project_id", "task_id", "task_name", "task_type", "run_id", "start_time", "status",
	"success_num", "failed_num", "skip_num", "failed_share", "failed_change", "error"}

// fleetItem is a fleet row as JSON.
type fleetItem struct {
	Member       string  `json:"member"`
	Region       string  `json:"region"`
	ProjectID    string  `json:"project_id"`
	TaskID       string  `json:"task_id,omitempty"`
	TaskName     string  `json:"task_name,omitempty"`
	TaskType     string  `json:"task_type,omitempty"`
	RunID        string  `json:"run_id,omitempty"`
	StartTime    string  `json:"start_time,omitempty"`
	Status       string  `json:"status,omitempty"`
	SuccessNum   int     `json:"success_num"`
	FailedNum    int     `json:"failed_num"`
	SkipNum      int     `json:"skip_num"`
	FailedShare  float64 `json:"failed_share"`
	FailedChange *int    `json:"failed_change,omitempty"` // failed desktops more than in the run before
	Error        string  `json:"error,omitempty"`
}

// PrintFleet is --fleet -o: every member's tasks' newest runs, the worst
// first, each with its member's name, region and project; --status keeps
// the runs of those statuses. A member that could not be read is printed
// with its error whatever --status says, and makes the exit 1 once every
// row is out.
func (e Env) PrintFleet(c config.Config) (printed int, err error) {
	c = session.WithDemoFleet(c)
	statuses := filter.ParseStatuses(c.Statuses)
	members, stop := e.fleetMembers(c)
	defer stop()
	ctx, cancel := context.WithTimeout(e.context(), 5*time.Minute)
	defer cancel()
	var rows []fleet.Row
	fleet.Read(ctx, members, fleet.Options{Concurrency: c.Concurrency}, func(rs []fleet.Row) { rows = append(rows, rs...) })
	fleet.Sort(rows)
	buf := bufio.NewWriter(e.Stdout)
	out, err := export.NewListWriter(buf, c.Output, fleetColumns)
	if err != nil {
		return 0, err
	}
	var failed []string
	for _, r := range rows {
		if r.Err != nil {
			failed = append(failed, r.Member)
		} else if !statuses.Match(r.Run.Status) {
			continue
		}
		item := fleetItemOf(r)
		if err := out.WriteItem(item, fleetCells(item)); err != nil {
			return printed, err
		}
		printed++
	}
	if err := out.Close(); err != nil {
		return printed, err
	}
	if err := buf.Flush(); err != nil {
		return printed, err
	}
	if len(failed) > 0 {
		return printed, fmt.Errorf("%s could not be read (their rows say why): %s", numfmt.Plural(len(failed), "member", "members"), sanitize.Line(fmt.Sprint(failed)))
	}
	return printed, nil
}

// fleetMembers opens each member's session when it is read, each its own
// client (and rate budget); stop releases them all.
func (e Env) fleetMembers(c config.Config) ([]fleet.Member, func()) {
	opened := &memberSessions{env: e}
	members := make([]fleet.Member, len(c.Fleet))
	for i, m := range c.Fleet {
		open, region, project := opened.opener(c, m)
		members[i] = fleet.Member{Name: m.Name, Region: region, ProjectID: project,
			Open: func(ctx context.Context) (fleet.Source, error) {
				sess, err := open(ctx)
				return sess.Client, err
			}}
	}
	return members, opened.stop
}

// memberSessions are the members' sessions made, to release at the end.
type memberSessions struct {
	env  Env
	mu   sync.Mutex
	made []session.Session
}

// opener opens member m's session (its config: m's profile, region,
// endpoint and project over c), and says its region and project.
func (ms *memberSessions) opener(c config.Config, m config.FleetMember) (open func(context.Context) (session.Session, error), region, project string) {
	mc, cfgErr := config.MemberConfig(c, m, ms.env.Getenv)
	if mc.Demo {
		mc.DemoVariant = 1 + slices.IndexFunc(c.Fleet, func(f config.FleetMember) bool { return f.Name == m.Name })
	}
	return func(context.Context) (session.Session, error) {
		if cfgErr != nil {
			return session.Session{}, cfgErr
		}
		sess, err := ms.env.connect(mc)
		if err != nil {
			return session.Session{}, err
		}
		ms.mu.Lock()
		ms.made = append(ms.made, sess)
		ms.mu.Unlock()
		return sess, nil
	}, cmp.Or(mc.Region, m.Region), cmp.Or(m.ProjectID, mc.ProjectID)
}

func (ms *memberSessions) stop() {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for _, s := range ms.made {
		s.Stop()
	}
	ms.made = nil
}

func fleetItemOf(r fleet.Row) fleetItem {
	it := fleetItem{Member: r.Member, Region: r.Region, ProjectID: r.ProjectID, TaskID: r.Task.ID, TaskName: r.Task.TaskName, TaskType: r.Task.TaskType,
		RunID: r.Run.ID, StartTime: r.Run.StartTime, Status: r.Run.Status, SuccessNum: r.Run.SuccessNum, FailedNum: r.Run.FailedNum,
		SkipNum: r.Run.SkipNum, FailedShare: float64(int(r.FailedShare()*10000)) / 10000}
	if d, ok := r.Change(); ok {
		it.FailedChange = &d
	}
	if r.Err != nil {
		it.Error = sanitize.Line(r.Err.Error()) // the API's code and request id are in its words
	}
	return it
}

func fleetCells(it fleetItem) []string {
	change := ""
	if it.FailedChange != nil {
		change = strconv.Itoa(*it.FailedChange)
	}
	return []string{it.Member, it.Region, it.ProjectID, it.TaskID, it.TaskName, it.TaskType, it.RunID, it.StartTime, it.Status,
		strconv.Itoa(it.SuccessNum), strconv.Itoa(it.FailedNum), strconv.Itoa(it.SkipNum), strconv.FormatFloat(it.FailedShare, 'f', 4, 64), change, it.Error}
}
