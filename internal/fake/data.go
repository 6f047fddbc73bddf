package fake

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/wksrec/wksrec/api"
)

// Dataset is the fake project's content: tasks, their records (newest first)
// and each record's details, all derived from one seed.
type Dataset struct {
	Tasks   []api.Task
	Records map[string][]api.Record // by task id
	Details map[string][]api.Detail // by record id (a run in progress: every row it will have)
	// Live are the runs still in progress when the data is dated: their
	// rows appear by their own start and end times (live.go).
	Live map[string]*LiveRun // by record id
}

// BigRecordDetails is the size of the showcase record (the newest run of the
// first task): enough pages to make paging, jumping and prefetch matter.
const BigRecordDetails = 2537

// taskTemplates give each task a character: failPct and skipPct are the
// per-desktop chances (in percent) of FAIL and SKIP in its runs.
var taskTemplates = []struct {
	name, taskType, schedType, desc string
	failPct, skipPct                int
	// live: the task's newest run is still going when the data is dated.
	live bool
}{
	{"Nightly reboot – 研发部 desktops", "REBOOT", "DAY", "Reboots every R&D desktop at 02:00 so patches installed during the day take effect.", 18, 10, false},
	{"Patch Tuesday: install updates", "EXECUTE_SCRIPT", "MONTH", "Runs the update script on every desktop of the pool and reports the installer's exit code.", 6, 2, false},
	{"Weekly snapshot (finance)", "CREATE_SNAPSHOT", "WEEK", "Snapshots the system and data disks of the finance desktops every Sunday.", 0, 0, false},
	{"Morning start – 上海 office", "START", "DAY", "Starts the Shanghai office desktops before 08:30 local time.", 0, 4, false},
	{"Evening stop – all pools", "STOP", "DAY", "Stops desktops that nobody is logged in to after 21:00.", 1, 8, false},
	{"Hibernate idle lab desktops", "HIBERNATE", "DAY", "Hibernates the training-lab desktops outside lesson hours.", 0, 0, false},
	{"Rebuild training pool", "REBUILD", "FIXED_TIME", "Rebuilds the training pool from the golden image before the next course.", 30, 0, false},
	{"Clean up orphaned ECS", "DELETE_BLACK_ECS", "WEEK", "Deletes ECS instances left behind by failed desktop creations.", 0, 0, false},
	// Trigger tasks: listed only when scheduled_type=LIFE_CYCLE is asked for.
	{"Snapshot on user logout", "CREATE_SNAPSHOT", "LIFE_CYCLE", "Snapshots the data disk whenever a user logs out.", 4, 6, false},
	{"Reboot after failed login", "REBOOT", "LIFE_CYCLE", "Reboots a desktop after three failed logins in a row.", 10, 0, false},
	// Last, so that the tasks before it keep the data of the seed they had
	// before it was added.
	{"Rolling hotfix – ops desktops", "EXECUTE_SCRIPT", "WEEK", "Installs the week's hotfix on the ops desktops a few at a time; its newest run is still going.", 8, 2, true},
}

var namePrefixes = []string{"wks-dev-", "研发-桌面-", "財務部-PC-", "design-studio-", "lab-", "ops-jump-", "営業部-", "qa-win11-"}

// failures are (result code, reason) pairs for FAIL rows: long, multi-sentence, as operators see them.
var failures = [][2]string{
	{"WKS.00010131", "The desktop did not respond to the command within 300 seconds. The guest agent may be stopped, or the desktop may be hibernated or in maintenance. Check the agent status in the console, then run the task again for this desktop."},
	{"WKS.00010204", "The script exited with code 1603. The Windows installer reported a fatal error during installation; see C:\\Windows\\Temp\\wks-update.log on the desktop for the failing package."},
	{"WKS.00010017", "Insufficient quota: the snapshot could not be created because the project has reached its EVS snapshot quota. Delete old snapshots or ask for a higher quota."},
	{"WKS.00010052", "The desktop is being operated on by another task (rebuild in progress). Concurrent operations on one desktop are rejected."},
	{"WKS.00010088", "桌面代理未响应：命令在 300 秒内未返回结果。请检查桌面网络连接后重试。"},
	{"WKS.00010300", "Internal error while calling ECS: the compute service returned 'server is locked'. Unlock the server or contact support with this record's id."},
}

var skips = [][2]string{
	{"WKS.00010035", "Task conflict: another scheduled task was running on this desktop, so this run skipped it."},
	{"WKS.00010036", "The desktop was already in the requested state; nothing to do."},
	{"WKS.00010040", "Skipped because a user was logged in and the task is set not to interrupt sessions."},
}

// hostileNames are desktop names a malicious or broken tenant could set;
// the demo shows they render as harmless text.
var hostileNames = []string{
	"evil\x1b]0;PWNED\x07desk",
	"clip\x1b]52;c;cm0gLXJmIH4=\x07board",
	"wipe\x1b[2J\x1b[Hscreen",
	"invoice\u202egpj.exe",
	"admin\u200b-pc",           // a zero-width space: a look-alike of admin-pc
	"soft\u00adhyphen\ufeff",   // 0 cells to some, 1 to others
	"👍🏽-\u2028line\u0085break", // width-disputed emoji, separators
}

// NewDataset generates a deterministic dataset for seed.
func NewDataset(seed uint64) *Dataset { return NewDatasetSized(seed, BigRecordDetails) }

// desktop is one desktop of a task's pool: the same id and name in every
// run of the task, as a nightly task runs over the same desktops.
type desktop struct {
	id, name string
	// chronic is the failure of a desktop that fails in every run (the
	// ones to escalate); nil for the others, which fail now and then.
	chronic *[2]string
	// runs bounds the runs the desktop is in, by age (0 is the newest):
	// from (a desktop added lately is absent from older runs) up to
	// before (a desktop retired is absent from newer ones).
	from, before int
}

// NewDatasetSized is NewDataset with a showcase record of big details
// (benchmarks load larger runs). The older runs of its task keep at most
// BigRecordDetails of its desktops, so a benchmark's fake stays small.
func NewDatasetSized(seed uint64, big int) *Dataset { return NewDatasetAt(seed, big, time.Time{}) }

// fixedBase is when the newest runs start in a dataset not dated from
// now: the tests' and the goldens' fixed times.
var fixedBase = time.Date(2026, 11, 28, 2, 0, 0, 0, time.FixedZone("CST", 8*3600))

// nextAfter is t, or t a day later as often as it takes to be after now
// (zero: t itself).
func nextAfter(t, now time.Time) time.Time {
	for !now.IsZero() && !t.After(now) {
		t = t.Add(24 * time.Hour)
	}
	return t
}

// LastNight is when the demo's newest runs start, dated from now: 02:00
// (Beijing time) of today once every task's run of today (02:00 to 09:00)
// has started, else of yesterday; the night's runs are last night's.
func LastNight(now time.Time) time.Time {
	cst := time.FixedZone("CST", 8*3600)
	n := now.In(cst)
	base := time.Date(n.Year(), n.Month(), n.Day(), 2, 0, 0, 0, cst)
	if n.Before(base.Add(8 * time.Hour)) {
		base = base.AddDate(0, 0, -1)
	}
	return base
}

// NewDatasetAt is NewDatasetSized dated from now (the demo's; the zero
// time keeps the fixed dates): the newest runs last night, every task's
// next run still to come. Only the times change: the ids, statuses and
// reasons are the seed's.
func NewDatasetAt(seed uint64, big int, now time.Time) *Dataset {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	d := &Dataset{Records: map[string][]api.Record{}, Details: map[string][]api.Detail{}}
	base := fixedBase
	if !now.IsZero() {
		base = LastNight(now)
	}

	for ti, tt := range taskTemplates {
		t := api.Task{
			ID:                uuid(r),
			TaskName:          tt.name,
			TaskType:          tt.taskType,
			ScheduledType:     tt.schedType,
			NextExecutionTime: nextAfter(base.Add(24*time.Hour).Add(time.Duration(ti)*time.Hour), now).Format(wireTime),
			Enable:            ti != 6,
			Description:       tt.desc,
			Priority:          1 + ti%3,
			TimeZone:          "Asia/Shanghai",
			WaitTime:          30,
		}
		if tt.live { // weekly from the run going now
			t.NextExecutionTime = liveStart(base, now).Add(7 * 24 * time.Hour).Format(wireTime)
		}
		if tt.schedType == "LIFE_CYCLE" {
			t.LifeCycleType = []string{"LOGOUT", "LOGIN_FAILED"}[ti%2]
			t.NextExecutionTime = ""
		}
		if tt.taskType == "EXECUTE_SCRIPT" {
			t.ExtraParams = `{"script_ids":["` + uuid(r) + `"]}`
		}
		nrec := 3 + r.IntN(12)
		n := 20 + r.IntN(380)
		if ti == 0 {
			n = big
		}
		pool := genPool(r, n, nrec, tt.failPct, ti == 0)
		for ri := range nrec {
			start := base.Add(-time.Duration(ri) * 24 * time.Hour).Add(time.Duration(ti) * time.Hour)
			if tt.live {
				start = liveStart(base, now).Add(-time.Duration(ri) * 7 * 24 * time.Hour)
			}
			var members []desktop
			for i, dk := range pool {
				if ri >= dk.from && ri < dk.before && (ri == 0 || i < BigRecordDetails || i >= n) {
					members = append(members, dk)
				}
			}
			rec, details := genRecord(r, t, start, members, tt.failPct, tt.skipPct, ri == 0 && ti == 0)
			if tt.live && ri == 0 {
				if !now.IsZero() {
					// Dated from now (the demo), the run in progress is a new
					// run each time: a finished copy of it kept from an
					// earlier demo (the store keeps finished runs) must not
					// stand in for it.
					rec.ID = derivedID("live-run", rec.ID+"\x00"+now.Format(time.RFC3339Nano))
					for i := range details {
						details[i].RecordID = rec.ID
					}
				}
				d.Live = map[string]*LiveRun{rec.ID: goLive(r, start, details)}
			}
			d.Records[t.ID] = append(d.Records[t.ID], rec)
			d.Details[rec.ID] = details
			if ri == 0 {
				t.LastStatus = lastStatus(rec)
			}
		}
		d.Tasks = append(d.Tasks, t)
	}
	return d
}

// genPool makes the n desktops of the newest run of a task with nrec runs,
// and a few more that were retired before it. About 3% of them fail in
// every run when the task fails at all; about 2% were added lately.
func genPool(r *rand.Rand, n, nrec, failPct int, showcase bool) []desktop {
	prefix := namePrefixes[r.IntN(len(namePrefixes))]
	if showcase {
		prefix = "研发-桌面-" // the R&D desktops the task is named after
	}
	retired := max(n/50, 1)
	pool := make([]desktop, n+retired)
	for i := range pool {
		dk := desktop{id: uuid(r), name: fmt.Sprintf("%s%04d", prefix, i+1), before: nrec}
		if r.IntN(4) == 0 { // mixed pools: a quarter of desktops come from another department
			dk.name = fmt.Sprintf("%s%04d", namePrefixes[r.IntN(len(namePrefixes))], r.IntN(10000))
		}
		if failPct > 0 && r.IntN(100) < 3 {
			f := failures[r.IntN(len(failures))]
			dk.chronic = &f
		}
		switch {
		case i >= n: // retired: in the older runs only
			dk.from = 1 + r.IntN(max(nrec-1, 1))
		case r.IntN(50) == 0 && nrec > 1: // added lately: in the newer runs only
			dk.before = 1 + r.IntN(nrec-1)
		}
		pool[i] = dk
	}
	if showcase {
		for i, name := range hostileNames {
			pool[(97+i*211)%n].name = name
		}
	}
	return pool
}

const wireTime = "2006-01-02 15:04:05"

func genRecord(r *rand.Rand, t api.Task, start time.Time, members []desktop, failPct, skipPct int, showcase bool) (api.Record, []api.Detail) {
	rec := api.Record{
		ID:            uuid(r),
		StartTime:     start.Format(wireTime),
		TaskType:      t.TaskType,
		ScheduledType: t.ScheduledType,
		TimeZone:      t.TimeZone,
	}
	if t.TaskType == "EXECUTE_SCRIPT" { // only a script's run names the script-execution task that carried it out
		rec.ExecuteTaskID, rec.ExecuteObjectType = derivedID("script-task", rec.ID), "DESKTOP"
	}
	details := make([]api.Detail, len(members))
	for i, dk := range members {
		dt := api.Detail{
			ID:          uuid(r),
			RecordID:    rec.ID,
			DesktopID:   dk.id,
			DesktopName: dk.name,
			TimeZone:    t.TimeZone,
		}
		if t.TaskType == "EXECUTE_SCRIPT" {
			dt.ExecScriptID = t.ID[:8] + "-script"
		}
		s := start.Add(time.Duration(r.IntN(120)) * time.Second)
		dt.StartTime = s.Format(wireTime)
		dur := time.Duration(3+r.IntN(600)) * time.Second
		switch p := r.IntN(100); {
		case showcase && p == 0:
			dt.ExecStatus = "RUNNING"
		case dk.chronic != nil:
			dt.ExecStatus, dt.ResultCode, dt.FailReason = "FAIL", dk.chronic[0], dk.chronic[1]
			rec.FailedNum++
		case p >= failPct+skipPct:
			dt.ExecStatus = "SUCCESS"
		case p < failPct:
			f := failures[r.IntN(len(failures))]
			dt.ExecStatus, dt.ResultCode, dt.FailReason = "FAIL", f[0], f[1]
			rec.FailedNum++
		default:
			f := skips[r.IntN(len(skips))]
			dt.ExecStatus, dt.ResultCode, dt.FailReason = "SKIP", f[0], f[1]
			dur = 0
			rec.SkipNum++
		}
		if dt.ExecStatus == "SUCCESS" {
			rec.SuccessNum++
		}
		if dt.ExecStatus != "RUNNING" {
			dt.EndTime = s.Add(dur).Format(wireTime)
		}
		details[i] = dt
	}
	rec.Status = "SUCCESS"
	switch {
	case showcase:
		rec.Status = "RUNNING"
	case rec.FailedNum > 0:
		rec.Status = "FAIL"
	}
	return rec, details
}

func lastStatus(rec api.Record) string {
	if rec.FailedNum > 0 {
		return "FAIL"
	}
	if rec.SkipNum > 0 {
		return "SKIP"
	}
	return "SUCCESS"
}

func uuid(r *rand.Rand) string {
	// As fmt's "%08x-%04x-%04x-%04x-%012x" of two random words, without
	// fmt: datasets have tens of thousands of ids, and tests build many.
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.Uint64())
	binary.BigEndian.PutUint64(b[8:], r.Uint64())
	return formatUUID(b[:])
}

// formatUUID writes 16 bytes as "%08x-%04x-%04x-%04x-%012x".
func formatUUID(b []byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// derivedID is an id in the API's form made from another: the same every
// time, and drawing nothing from the seed's stream, so the data before it
// keeps its values.
func derivedID(kind, from string) string {
	h := fnv.New128a()
	_, _ = h.Write([]byte(kind + "\x00" + from))
	return formatUUID(h.Sum(nil))
}
