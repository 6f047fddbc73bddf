package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/compare"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/trend"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// recordsView is a task's runs. m marks one as the baseline: runs opened
// then are compared with it (c), not with the run before.
type recordsView struct {
	*listView[api.Record]
	taskID   string
	taskName string                // "" when opened by id
	marks    map[string]api.Record // shared by every screen: by task id
	views    views                 // for the trend screen (R)
	// stored are the task's runs the store holds (read at start): those
	// the API lists no more extend the sparkline, marked.
	stored     []api.Record
	storedRead bool
}

// storedRunsMsg is the task's runs the store holds.
type storedRunsMsg struct {
	task string
	runs []api.Record
}

// start asks for the first page, and reads the runs the store holds.
func (v *recordsView) start() tea.Cmd {
	cmd := v.listView.start()
	if v.storedRead || v.views.store == nil {
		return cmd
	}
	v.storedRead = true
	sc, task := v.views.store, v.taskID
	return tea.Batch(cmd, func() tea.Msg { return storedRunsMsg{task: task, runs: sc.Runs(task)} })
}

func (v *recordsView) handle(msg tea.Msg) (tea.Cmd, bool) {
	if m, ok := msg.(storedRunsMsg); ok {
		if m.task != v.taskID {
			return nil, false
		}
		v.stored = trend.Build(m.runs, func(api.Record) ([]api.Detail, bool) { return nil, false }).Runs // newest first
		return nil, true
	}
	return v.listView.handle(msg)
}

// :run opens a run of the task by id, start or name (jump).
func (v *recordsView) jumpVerb() string { return "run" }

func (v *recordsView) names() []string {
	out := slices.Clone(compare.RunNames)
	v.list.Each(func(_ int, rec *api.Record) { out = append(out, rec.ID) })
	return out
}

// jump opens a run by id, by when it started as the table shows it (a
// date, "2026-11-28", or more of the time, "2026-11-28 02:00": the newest
// of the runs that started then), or by the name --record-id takes for
// the newest ("latest", "latest-finished") among those loaded.
func (v *recordsView) jump(arg string) (func() view, string) {
	if name, ok := compare.RunName(arg); ok {
		return v.jumpNamed(name)
	}
	var run *api.Record
	byTime := 0
	v.list.Each(func(_ int, r *api.Record) {
		if r.ID == arg && run == nil {
			rr := *r
			run = &rr
		}
	})
	if run == nil && len(arg) >= len("2006-01-02") {
		v.list.Each(func(_ int, r *api.Record) {
			if strings.HasPrefix(v.tf.Absolute(r.StartTime, r.TimeZone), arg) {
				if byTime++; byTime == 1 { // the list is newest first
					rr := *r
					run = &rr
				}
			}
		})
	}
	if run == nil {
		return nil, fmt.Sprintf("no run %q among the %s loaded (a run id, or its start: 2026-11-28)", sanitize.Line(arg), plural(v.list.LoadedRows(), "run", "runs"))
	}
	note := ""
	if byTime > 1 {
		note = fmt.Sprintf("%d runs started %s: the newest opened", byTime, sanitize.Line(arg))
	}
	return func() view { return v.child(*run) }, note
}

// jumpNamed opens the run a name in compare.RunNames stands for, as
// --record-id would find it, among the runs loaded.
func (v *recordsView) jumpNamed(name string) (func() view, string) {
	var loaded []api.Record
	v.list.Each(func(_ int, r *api.Record) { loaded = append(loaded, *r) })
	run, ok := compare.Named(loaded, name)
	if !ok {
		what := "no run"
		if name == compare.LatestFinishedRun {
			what = "no finished run"
		}
		return nil, fmt.Sprintf("%s among the %s loaded", what, plural(len(loaded), "run", "runs"))
	}
	note := ""
	if total := v.list.Total(); total > len(loaded) {
		note = fmt.Sprintf("the %s of the %s loaded, of %s", name, plural(len(loaded), "run", "runs"), commas(total))
	}
	return func() view { return v.child(run) }, note
}

func (v *recordsView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	if key.Matches(msg, h.keyMap().Trend) {
		return h.push(newTrend(v.views, v.taskID)), true
	}
	if !key.Matches(msg, h.keyMap().Mark) {
		return v.listView.key(h, msg)
	}
	r, ok := v.list.Selected()
	if !ok {
		return nil, true
	}
	if m, marked := v.marks[v.taskID]; marked && m.ID == r.ID {
		delete(v.marks, v.taskID)
		h.setNote("no baseline: c compares a run with the one before it")
	} else {
		v.marks[v.taskID] = r
		h.setNote("◆ the baseline: runs opened now are compared with it (m again unmarks)")
	}
	v.rows = rowCache{} // the mark column changed
	return nil, true
}

// helpKeys: m marks a baseline.
func (v *recordsView) helpKeys(c helpContext) keyHelp {
	lk := v.listKeys(c.k)
	lk.extra = append(lk.extra, c.k.Mark, c.k.Trend)
	return c.list(lk)
}

// failedShare is the share of a run's desktops that failed; ok is false
// for a run that counted none.
func failedShare(r api.Record) (float64, bool) {
	// In floats: counts from the API can be absurd, and an int sum wraps.
	failed := float64(max(r.FailedNum, 0))
	all := float64(max(r.SuccessNum, 0)) + failed + float64(max(r.SkipNum, 0))
	if all == 0 {
		return 0, false
	}
	return clampFloat(failed/all, 0, 1), true
}

// eighths are the blocks a bar is drawn with, by eighths of a cell.
var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// shareBar draws frac (0 to 1) as a bar width cells long, to an eighth of
// a cell; the empty part is spaces, so the bar reads without colour.
func shareBar(frac float64, width int) string {
	n := int(math.Round(clampFloat(frac, 0, 1) * float64(width*8)))
	bar := strings.Repeat("█", n/8) + eighths[n%8]
	return bar + strings.Repeat(" ", width-ansi.StringWidth(bar))
}

func clampFloat(v, lo, hi float64) float64 { return math.Max(lo, math.Min(v, hi)) }

// sparkLevels draw a sparkline, lowest to highest.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// summary is the runs' failed share as a sparkline, oldest to newest, over
// the newest runs loaded (scaled to the highest, which it names), so a bad
// night stands out before opening anything.
func (v *recordsView) summary(progress string) string {
	var shares []float64
	for pos := 0; pos < min(v.list.Total(), sparkRuns); pos++ {
		r, ok := v.list.Row(pos)
		if !ok {
			break
		}
		if frac, ok := failedShare(r); ok {
			shares = append(shares, frac)
		}
	}
	// Once every run the API lists is in, the runs only the store still
	// holds (older than the API keeps) follow, marked.
	fromStore := 0
	if v.list.AllLoaded() && len(shares) < sparkRuns {
		listed := map[string]bool{}
		v.list.Each(func(_ int, r *api.Record) { listed[r.ID] = true })
		for _, r := range v.stored {
			if frac, ok := failedShare(r); ok && !listed[r.ID] && len(shares) < sparkRuns {
				shares = append(shares, frac)
				fromStore++
			}
		}
	}
	if len(shares) == 0 {
		return progress
	}
	spark, top := sparkline(shares)
	line := fmt.Sprintf("failed share, last %d runs: %s (highest %.0f%%, newest %.0f%%)", len(shares), spark, top*100, shares[0]*100)
	if fromStore > 0 {
		line = fmt.Sprintf("failed share, last %d runs (the oldest %d from the store): %s (highest %.0f%%, newest %.0f%%)",
			len(shares), fromStore, spark, top*100, shares[0]*100)
	}
	if progress != "" {
		line = progress + " │ " + line
	}
	return line
}

// sparkline draws shares (newest first) oldest to newest, scaled to the
// highest, which it returns.
func sparkline(shares []float64) (string, float64) {
	if len(shares) == 0 {
		return "", 0
	}
	top := slices.Max(shares)
	spark := make([]rune, len(shares))
	for i, f := range shares {
		level := 0
		if top > 0 {
			level = clamp(int(math.Round(f/top*float64(len(sparkLevels)-1))), 0, len(sparkLevels)-1)
		}
		spark[len(shares)-1-i] = sparkLevels[level] // newest last, on the right
	}
	return string(spark), top
}

// sparkRuns is how many runs the sparkline covers.
const sparkRuns = 30

// markColumn shows ◆ on the run marked as the baseline.
func markColumn(marks map[string]api.Record, taskID string) column[api.Record] {
	return column[api.Record]{title: " ", width: 1, priority: 0, value: func(r api.Record) string {
		if m, ok := marks[taskID]; ok && m.ID == r.ID {
			return "◆"
		}
		return " "
	}}
}

func recordColumns(tf *triage.TimeFormat) []column[api.Record] {
	count := func(f func(api.Record) int) func(api.Record) string {
		return func(r api.Record) string { return commas(f(r)) }
	}
	return []column[api.Record]{
		{title: "STARTED", width: 19, priority: 0, value: func(r api.Record) string { return tf.Show(r.StartTime, r.TimeZone) }},
		{title: "STATUS", width: 7, priority: 0, value: func(r api.Record) string { return sanitize.Line(r.Status) },
			style: func(st styles.Styles, r api.Record) lipgloss.Style { return st.Status(r.Status) }},
		{title: "SUCCESS", width: 7, priority: 1, right: true, value: count(func(r api.Record) int { return r.SuccessNum })},
		{title: "FAILED", width: 7, priority: 1, right: true, value: count(func(r api.Record) int { return r.FailedNum }),
			style: func(st styles.Styles, r api.Record) lipgloss.Style {
				if r.FailedNum > 0 {
					return st.Status("FAIL")
				}
				return lipgloss.NewStyle()
			}},
		{title: "SKIPPED", width: 7, priority: 2, right: true, value: count(func(r api.Record) int { return r.SkipNum })},
		{title: "FAILED SHARE", width: 12, priority: 1, value: func(r api.Record) string {
			frac, ok := failedShare(r)
			if !ok {
				return ""
			}
			return shareBar(frac, 6) + fmt.Sprintf(" %3.0f%%", frac*100)
		},
			style: func(st styles.Styles, r api.Record) lipgloss.Style {
				if r.FailedNum > 0 {
					return st.Status("FAIL")
				}
				return lipgloss.NewStyle()
			}},
		{title: "TYPE", width: 14, maxWidth: 16, priority: 3, value: func(r api.Record) string { return sanitize.Line(r.TaskType) }},
		{title: "RECORD ID", width: 36, priority: 4, value: func(r api.Record) string { return sanitize.Line(r.ID) }},
	}
}

func recordID(r api.Record) string { return r.ID }

func recordPaneText(tf *triage.TimeFormat) func(api.Record, styles.Styles, int) string {
	return func(r api.Record, st styles.Styles, width int) string {
		return labelled([]field{
			{"Started", orDash(tf.ShowZoned(r.StartTime, r.TimeZone))},
			{"Status", st.Status(r.Status).Render(orDash(sanitize.Line(r.Status)))},
			{"Succeeded", commas(r.SuccessNum)},
			{"Failed", commas(r.FailedNum)},
			{"Skipped", commas(r.SkipNum)},
			{"Type", orDash(sanitize.Line(r.TaskType))},
			{"Schedule", orDash(sanitize.Line(r.ScheduledType))},
			{"Life cycle", orDash(sanitize.Line(r.LifeCycleType))},
			{"Expires", orDash(tf.ShowZoned(r.ExpireTime, r.TimeZone))},
			{"Time zone", orDash(sanitize.Line(r.TimeZone))},
			{"Objects", orDash(sanitize.Line(r.ExecuteObjectType))},
			{"Parameters", orDash(sanitize.Block(r.ExtraParams))},
			{"Record ID", orDash(sanitize.Line(r.ID))},
			{"Script task", orDash(sanitize.Line(r.ExecuteTaskID))}, // execute_task_id: the script-execution task of a script run
		}, st, width)
	}
}
