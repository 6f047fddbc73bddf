package ui

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/fleet"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// The fleet screen (--fleet, :fleet): every member of the config file's
// [[fleet]] at once, each task's newest run, the worst first, as
// internal/fleet reads them (each member in a command of its own, through
// its own session; a member that fails is a row with its error). Enter
// opens that run in that member's session, above the fleet; Esc comes
// back to it. Actions and re-runs happen only inside one member's run, and
// their confirmation names the member, its region and its project.

// FleetMember is one member, as the browser opens it.
type FleetMember struct {
	Name, Region, ProjectID string
	Open                    func(ctx context.Context) (Session, error)
}

// fleetRowsMsg is one member read.
type fleetRowsMsg struct {
	id   int64
	rows []fleet.Row
}

var fleetSeq atomic.Int64

// fleetView is the fleet screen.
type fleetView struct {
	*listView[fleet.Row]
	id      int64
	members []FleetMember
	views   views
	read    int // members read so far
	rows    []fleet.Row

	mu       sync.Mutex
	sessions map[string]Session // by member, once opened: Enter reuses them
}

func newFleetView(b views, members []FleetMember) *fleetView {
	v := &fleetView{id: fleetSeq.Add(1), members: members, views: b, sessions: map[string]Session{}}
	v.listView = &listView[fleet.Row]{
		list:      newPagedList[fleet.Row](nil, fleetRowID, paging.Options{PageSize: 100}),
		cols:      fleetColumns(),
		noun:      "runs in the fleet",
		crumbText: "fleet",
		paneText:  fleetPaneText(b.tf),
		started:   true,
		fields:    fleetRowFields,
		failed:    func(r fleet.Row) bool { return r.Err != nil || filter.IsFailed(r.Run.Status) },
		isRunning: func(r fleet.Row) bool { return filter.InProgress(r.Run.Status) },
		empty:     "The fleet is being read…",
		noMatch:   "/ edits the filter (empty it there to clear it).",
		child:     v.openRun,
	}
	v.prompt = newFilterPrompt(b.st)
	v.setText = v.filterText
	return v
}

func fleetRowID(r fleet.Row) string { return r.Member + "\x00" + r.Task.ID }

func fleetRowFields(r fleet.Row) map[filter.Field]string {
	return map[filter.Field]string{filter.Name: r.Member + " " + r.Task.TaskName, filter.ID: r.Task.ID + " " + r.Run.ID,
		filter.Status: r.Run.Status, filter.Reason: errText(r.Err)}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// start reads every member at once: a command each.
func (v *fleetView) start() tea.Cmd {
	if v.read > 0 || len(v.rows) > 0 {
		return nil
	}
	var cmds []tea.Cmd
	for _, m := range v.members {
		cmds = append(cmds, v.readMember(m))
	}
	return tea.Batch(cmds...)
}

func (v *fleetView) readMember(m FleetMember) tea.Cmd {
	id, concurrency := v.id, cmp.Or(v.views.concurrency, 4)
	return func() tea.Msg {
		member := fleet.Member{Name: m.Name, Region: m.Region, ProjectID: m.ProjectID,
			Open: func(ctx context.Context) (fleet.Source, error) {
				sess, err := v.session(ctx, m)
				if err != nil {
					return nil, err
				}
				return sess.Source, nil
			}}
		return fleetRowsMsg{id: id, rows: fleet.ReadMember(context.Background(), member, fleet.Options{Concurrency: concurrency})}
	}
}

// session is the member's session, opened once.
func (v *fleetView) session(ctx context.Context, m FleetMember) (Session, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.sessions[m.Name]; ok {
		return s, nil
	}
	s, err := m.Open(ctx)
	if err != nil {
		return Session{}, err
	}
	v.sessions[m.Name] = s
	return s, nil
}

func (v *fleetView) handle(msg tea.Msg) (tea.Cmd, bool) {
	if m, ok := msg.(fleetRowsMsg); ok {
		if m.id != v.id {
			return nil, false
		}
		v.read++
		v.rows = append(v.rows, m.rows...)
		fleet.Sort(v.rows)
		v.list.SetItems(v.rows)
		return nil, true
	}
	return v.listView.handle(msg)
}

func (v *fleetView) refresh() tea.Cmd {
	v.read, v.rows = 0, nil
	v.list.SetItems(nil)
	return v.start()
}

// status: loading until every member is read.
func (v *fleetView) status() listStatus {
	s := v.listView.status()
	s.loading = v.read < len(v.members)
	if s.loading {
		s.filter = strings.TrimSpace(s.filter + fmt.Sprintf(" %d of %d members read", v.read, len(v.members)))
	}
	return s
}

// openRun is Enter: the row's run in its member's session.
func (v *fleetView) openRun(r fleet.Row) view {
	if r.Err != nil || r.Run.ID == "" {
		return nil
	}
	v.mu.Lock()
	sess, ok := v.sessions[r.Member]
	v.mu.Unlock()
	if !ok {
		return nil
	}
	b := v.views.forMember(r.Member, r.Region, sess)
	run := r.Run
	d := b.details(r.Task.ID, run.ID, sanitizeCrumb(r.Member+" · "+r.Task.TaskName, r.Task.ID), b.tf.Absolute(run.StartTime, run.TimeZone), &run)
	d.taskName = r.Task.TaskName
	d.crumbText = sanitizeCrumb(r.Task.TaskName, r.Task.ID) + " › " + d.crumbText // no task screen between: the run says its task
	return d
}

// close releases the members' sessions.
func (v *fleetView) close() {
	v.listView.close()
	v.mu.Lock()
	defer v.mu.Unlock()
	for name, s := range v.sessions {
		if s.Release != nil {
			s.Release()
		}
		delete(v.sessions, name)
	}
}

// forMember is b bound to a member's session: its source, project, store,
// desktops, script outputs, runs and actions its own.
func (b views) forMember(name, region string, sess Session) views {
	nb := b
	nb.src, nb.project, nb.store = sess.Source, sess.ProjectID, sess.Store
	nb.member, nb.region = name, region
	nb.acts, _ = sess.Source.(ActionSource)
	nb.desks = newDesktops(sess.Source, b.desks.rest, b.desks.now)
	nb.scripts = newScripts(sess.Source)
	nb.runs = &runCache{}
	nb.marks = map[string]api.Record{}
	nb.reader = runs.New(sess.Source, runs.Options{PageSize: b.pageSize, Concurrency: b.concurrency, Retry: b.retry(), Background: true, Store: sess.Store,
		Slot: func(ctx context.Context) (func(), error) { return acquireBackground(ctx, nb.background, nb.budget) }})
	return nb
}

func fleetColumns() []column[fleet.Row] {
	return []column[fleet.Row]{
		{title: "MEMBER", width: 8, maxWidth: 18, priority: 0, value: func(r fleet.Row) string { return sanitize.Line(r.Member) }},
		{title: "TASK", width: 16, maxWidth: 32, priority: 0, value: func(r fleet.Row) string {
			if r.Err != nil {
				what, _ := describeError(r.Err)
				return "✗ " + what
			}
			return sanitize.Line(r.Task.TaskName)
		}},
		{title: "STATUS", width: 7, priority: 0, value: func(r fleet.Row) string { return orDash(sanitize.Line(r.Run.Status)) },
			style: func(st styles.Styles, r fleet.Row) lipgloss.Style { return st.Status(r.Run.Status) }, styleByText: true},
		{title: "FAILED", width: 11, priority: 1, right: true, value: func(r fleet.Row) string {
			if r.Run.ID == "" {
				return ""
			}
			return commas(r.Run.FailedNum) + "/" + commas(r.Run.SuccessNum+r.Run.FailedNum+r.Run.SkipNum)
		}},
		{title: "SHARE", width: 12, priority: 2, value: func(r fleet.Row) string {
			if r.Run.ID == "" {
				return ""
			}
			return fmt.Sprintf("%s %3.0f%%", shareBar(r.FailedShare(), 6), 100*r.FailedShare())
		}},
		{title: "CHANGE", width: 6, priority: 3, right: true, value: func(r fleet.Row) string {
			if d, ok := r.Change(); ok {
				return fmt.Sprintf("%+d", d)
			}
			return ""
		}},
		{title: "TYPE", width: 10, priority: 5, value: func(r fleet.Row) string { return sanitize.Line(r.Task.TaskType) }},
		{title: "STARTED", width: 16, priority: 4, value: func(r fleet.Row) string { return sanitize.Line(r.Run.StartTime) }},
	}
}

func fleetPaneText(tf *triage.TimeFormat) func(fleet.Row, styles.Styles, int) string {
	return func(r fleet.Row, st styles.Styles, width int) string {
		if r.Err != nil {
			what, hint := describeError(r.Err)
			return labelled(nonEmpty([]field{{"Member", sanitize.Line(r.Member)}, {"Region", sanitize.Line(r.Region)},
				{"Project", sanitize.Line(r.ProjectID)}, {"Error", st.Error.Render(what)}, {"Hint", hint}}), st, width)
		}
		change := ""
		if d, ok := r.Change(); ok {
			change = fmt.Sprintf("%+d failed against the run before (%s failed then)", d, commas(r.Previous.FailedNum))
		}
		return labelled(nonEmpty([]field{
			{"Member", sanitize.Line(r.Member)}, {"Region", sanitize.Line(r.Region)}, {"Project", sanitize.Line(r.ProjectID)},
			{"Task", sanitize.Line(r.Task.TaskName)}, {"Type", sanitize.Line(r.Task.TaskType)},
			{"Run", orDash(tf.ShowZoned(r.Run.StartTime, r.Run.TimeZone))},
			{"Status", st.Status(r.Run.Status).Render(orDash(sanitize.Line(r.Run.Status)))},
			{"Counts", fmt.Sprintf("%s succeeded · %s failed · %s skipped", commas(r.Run.SuccessNum), commas(r.Run.FailedNum), commas(r.Run.SkipNum))},
			{"Change", change},
			{"Run ID", sanitize.Line(r.Run.ID)},
		}), st, width)
	}
}

// openFleet is :fleet: the fleet screen, above what is open (Esc comes
// back), or the one already on the stack.
func (m *Model) openFleet() tea.Cmd {
	if len(m.cfg.Fleet) == 0 {
		m.note = ":fleet: the config file has no [[fleet]] members"
		return nil
	}
	for i, v := range m.stack {
		if _, ok := v.(*fleetView); ok {
			for len(m.stack) > i+1 {
				m.pop()
			}
			return nil
		}
	}
	return m.push(newFleetView(m.views, m.cfg.Fleet))
}

// memberer is a screen of a fleet member's session: the header names the
// member and its project.
type memberer interface {
	memberOf() (member, region, project string)
}

func (v *detailsView) memberOf() (string, string, string) {
	return v.views.member, v.views.region, v.views.project
}

func (a *actionView) memberOf() (string, string, string) {
	return a.views.member, a.views.region, a.views.project
}

// projectShown is the project the header names, and the member when the
// screen on top belongs to one (the fleet's root names the fleet).
func (m Model) projectShown() (member, project string) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if mv, ok := m.stack[i].(memberer); ok {
			if name, _, p := mv.memberOf(); name != "" {
				return name, p
			}
		}
	}
	if _, ok := m.stack[0].(*fleetView); ok && len(m.stack) == 1 {
		return "fleet", ""
	}
	return "", m.cfg.ProjectID
}
