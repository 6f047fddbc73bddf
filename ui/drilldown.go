package ui

import (
	"context"
	"fmt"

	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// Source is what the browser reads from; *api.Client is one.
type Source interface {
	ListTasks(ctx context.Context, scheduledType string, offset, limit int) (api.Page[api.Task], error)
	ListRecords(ctx context.Context, taskID string, offset, limit int) (api.Page[api.Record], error)
	ListRecordDetails(ctx context.Context, taskID, recordID string, offset, limit int) (api.Page[api.Detail], error)
}

// views builds the three levels of the drill-down.
type views struct {
	src         Source
	pageSize    int
	tf          *triage.TimeFormat // shared: T switches every table at once
	concurrency int
	backoff     time.Duration
	debug       io.Writer // --debug: rows counted once though sent twice
	st          styles.Styles
	runs        *runCache // the runs left last, kept to come back to
	// budget bounds the requests in flight across every list and loader;
	// background, the share the loaders off screen (a baseline, a
	// history) may take of it, so the lists on screen are never starved.
	budget     requestBudget
	background requestBudget
	// marks are the runs marked as baselines (m), by task id.
	marks map[string]api.Record
	// history is how many runs the HISTORY column covers.
	history int
	// columns are the config file's choice of columns, by screen.
	columns map[string][]string
	// desks are the desktops' states now, for the details' pane.
	desks *desktops
	// scripts are failed desktops' script outputs (details_script.go).
	scripts *scripts
	// Actions on desktops (a): what sends them (nil: the source cannot),
	// the audit log, the project it names, how often a job is asked about;
	// none at all in a read-only session.
	acts     ActionSource
	readOnly bool
	// readOnlyWhy says why, when not --read-only (a read key over SSH).
	readOnlyWhy string
	auditPath   string
	remote      actions.Remote // who acts in a session served over SSH
	project     string
	// member and region name the fleet member whose session these views
	// read ("" outside the fleet): the header and an action's
	// confirmation say them.
	member, region string
	jobPoll        time.Duration
	running        *actions.Running // the batches going out, for a signal to stop
	// reader reads runs whole for c and H, once each for the session.
	reader *runs.Reader
	// store holds finished runs: a run stored opens from it whole.
	store *store.Scope
}

// retry is the retry rule of every list and loader.
func (b views) retry() api.RetryPolicy {
	retry := api.DefaultRetry
	if b.backoff > 0 {
		retry.Base = b.backoff
	}
	return retry
}

// list makes a paged list with the configured concurrency and back-off,
// its requests within the shared budget.
func list[T any](b views, fetch FetchFunc[T], idOf func(T) string, pageSize int) *pagedList[T] {
	l := newPagedList(fetch, idOf, paging.Options{PageSize: pageSize, Concurrency: b.concurrency, Retry: b.retry(), Debug: b.debug})
	l.budget = b.budget
	return l
}

// tasksView is the project's scheduled tasks, or its trigger
// (LIFE_CYCLE) tasks, which the API lists only when asked for; t switches.
type tasksView struct {
	*listView[api.Task]
	triggers bool
	views    views
}

func (b views) taskList(triggers bool) *tasksView {
	src, kind, noun, empty := b.src, "", "tasks", "This project has no scheduled tasks (t shows trigger tasks)."
	if triggers {
		kind, noun, empty = api.ScheduledTypeLifeCycle, "trigger tasks", "This project has no trigger tasks (t shows scheduled tasks)."
	}
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Task], error) {
		return src.ListTasks(ctx, kind, offset, limit)
	}
	lv := &listView[api.Task]{
		list:      list(b, fetch, taskID, min(b.pageSize, api.MaxTaskLimit)),
		cols:      chooseColumns(taskColumns(b.tf), b.columns["tasks"]),
		tf:        b.tf,
		noun:      noun,
		isRunning: func(t api.Task) bool { return filter.InProgress(t.LastStatus) },
		empty:     empty,
		paneText:  taskPaneText(b.tf),
		copyID:    func(t api.Task) (string, string) { return t.ID, "task id " + shortID(sanitize.Line(t.ID)) },
		child: func(t api.Task) view {
			return b.records(t.ID, t.TaskName, sanitizeCrumb(t.TaskName, t.ID))
		},
		fields:  triage.TaskFields,
		failed:  triage.TaskFailed,
		prompt:  newFilterPrompt(b.st),
		noMatch: "/ edits the filter (empty it there to clear it).",
	}
	lv.setText = lv.filterText
	return &tasksView{triggers: triggers, views: b, listView: lv}
}

// key: t switches between scheduled and trigger tasks; / and f filter.
func (v *tasksView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	if !key.Matches(msg, h.keyMap().Triggers) {
		return v.listView.key(h, msg)
	}
	return h.replaceRoot(v.views.taskList(!v.triggers)), true
}

// :task opens a loaded task's runs: by id, by name (any case), or by the
// one name that starts so.
func (v *tasksView) jumpVerb() string { return "task" }

func (v *tasksView) names() []string {
	var out []string
	v.list.Each(func(_ int, task *api.Task) {
		out = append(out, strings.TrimSpace(sanitize.Line(task.TaskName)), task.ID)
	})
	return out
}

func (v *tasksView) jump(arg string) (func() view, string) {
	var exact, prefixed []api.Task
	v.list.Each(func(_ int, t *api.Task) {
		name := strings.TrimSpace(sanitize.Line(t.TaskName)) // as completion offers it
		switch {
		case t.ID == arg || strings.EqualFold(name, arg):
			exact = append(exact, *t)
		case strings.HasPrefix(strings.ToLower(name), strings.ToLower(arg)):
			prefixed = append(prefixed, *t)
		}
	})
	found := exact
	if len(found) == 0 {
		found = prefixed
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Sprintf("no task %q among the %s loaded", sanitize.Line(arg), plural(v.list.LoadedRows(), "task", "tasks"))
	case len(found) > 1:
		return nil, fmt.Sprintf("%d tasks start with %q: say more", len(found), sanitize.Line(arg))
	}
	t := found[0]
	return func() view {
		v.list.Keep(t.ID)
		if i := v.list.DisplayIndex(positionOf(v.list, t.ID)); i >= 0 {
			v.moveTo(i)
		}
		return v.child(t)
	}, ""
}

// helpKeys: t says where it goes from here.
func (v *tasksView) helpKeys(c helpContext) keyHelp {
	lk := v.listKeys(c.k)
	t := c.k.Triggers
	if v.triggers {
		t = relabel(t, "scheduled tasks")
	}
	lk.nav = append(lk.nav, t)
	return c.list(lk)
}

func (b views) records(taskID, taskName, crumb string) *recordsView {
	src := b.src
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Record], error) {
		return src.ListRecords(ctx, taskID, offset, limit)
	}
	lv := &listView[api.Record]{
		list:      list(b, fetch, recordID, min(b.pageSize, api.MaxRecordLimit)),
		cols:      append([]column[api.Record]{markColumn(b.marks, taskID)}, chooseColumns(recordColumns(b.tf), b.columns["runs"])...),
		tf:        b.tf,
		noun:      "records",
		isRunning: func(r api.Record) bool { return filter.InProgress(r.Status) },
		empty:     "This task has not run yet.",
		crumbText: crumb,
		paneText:  recordPaneText(b.tf),
		copyID:    func(r api.Record) (string, string) { return r.ID, "run id " + shortID(sanitize.Line(r.ID)) },
		child: func(r api.Record) view {
			// A run left a moment ago comes back as it was (rows, filters,
			// sort, cursor) with no request; one still running refreshes.
			if v := b.runs.take(r.ID); v != nil {
				// Refreshed when it runs, ran when left, or the run's own
				// numbers changed since (it finished while away).
				changed := v.record != nil && (*v.record != r || filter.InProgress(v.record.Status))
				rec := r
				v.record = &rec
				v.reopen(filter.InProgress(r.Status) || changed)
				return v
			}
			v := b.details(taskID, r.ID, crumb, b.tf.Absolute(r.StartTime, r.TimeZone), &r)
			v.taskName = taskName
			b.runs.keep(v)
			return v
		},
		fields:  func(r api.Record) map[filter.Field]string { return triage.RecordFields(r, b.tf) },
		failed:  triage.RecordFailed,
		prompt:  newFilterPrompt(b.st),
		noMatch: "/ edits the filter (empty it there to clear it).",
	}
	lv.setText = lv.filterText
	return &recordsView{listView: lv, taskID: taskID, taskName: taskName, marks: b.marks, views: b}
}

// details is the leaf: one record's details, with triage. rec, when known,
// gives the per-status counts of the whole record before it is all loaded.
// taskLabel and crumb (the run's start) name the run on screen.
func (b views) details(taskID, recordID, taskLabel, crumb string, rec *api.Record) *detailsView {
	src := b.src
	fetch := func(ctx context.Context, offset, limit int) (api.Page[triage.Row], error) {
		p, err := src.ListRecordDetails(ctx, taskID, recordID, offset, limit)
		return triage.Rows(p), err // packed here, off the UI's goroutine
	}
	v := &detailsView{record: rec, recordID: recordID, taskID: taskID, views: b, taskLabel: taskLabel, runLabel: crumb, savedGen: -1, listView: &listView[triage.Row]{
		list:      list(b, fetch, detailID, min(b.pageSize, api.MaxDetailLimit)),
		cols:      chooseColumns(detailColumns(b.tf), b.columns["details"]),
		tf:        b.tf,
		noun:      "details",
		isRunning: func(r triage.Row) bool { return filter.InProgress(r.Status()) },
		empty:     "This record has no execution details.",
		noMatch:   "/ edits the filter (empty it there to clear it); f and s turn theirs off.",
		crumbText: crumb,
		paneText:  detailPaneText(b.tf),
	}}
	v.prompt = newFilterPrompt(b.st)
	v.setText = v.setTextFilter
	return v
}

// sanitizeCrumb names a level by its (sanitised) name, or its id when it has none.
func sanitizeCrumb(name, id string) string {
	if s := sanitize.Line(name); s != "" {
		return s
	}
	return shortID(sanitize.Line(id))
}
