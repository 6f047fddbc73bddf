package ui

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// Batch power actions on the desktops shown (a): once every row (and the
// baseline a change: filter needs) is in, the set is frozen into a plan;
// a menu says what it holds; the number of desktops typed out confirms;
// the requests go out in the background through internal/actions, each
// shown as it goes, stoppable before the next (esc, ctrl+c); then the
// refusals, and the jobs followed to their end.

// ActionSource is what acts on desktops; *api.Client is one.
type ActionSource interface {
	DesktopAction(ctx context.Context, desktopIDs []string, a api.PowerAction) (api.ActionResult, error)
	GetJob(ctx context.Context, jobID string) (api.Job, error)
}

// actionKeys are the menu's keys, one an action, in the menu's order.
var actionKeys = []struct{ key, name string }{
	{"r", "reboot"}, {"R", "reboot-hard"}, {"s", "start"}, {"x", "stop"}, {"X", "stop-hard"}, {"h", "hibernate"},
}

const (
	// jobPoll is how often a job is asked about; maxJobPolls bounds the
	// asking (half an hour at that pace).
	jobPoll     = 2 * time.Second
	maxJobPolls = 900
)

type actionStage int

const (
	stageMenu actionStage = iota
	stageConfirm
	stageSending
	stageDone
)

var actionSeq atomic.Int64

// actionView is the screen of one batch action.
type actionView struct {
	*listView[actionRow]
	id      int64
	src     ActionSource
	targets []actions.Target // frozen when the menu opened: exactly the rows shown then
	plan    actions.Plan     // the targets and the action chosen
	what    string           // the rows shown, in a few words
	stage   actionStage
	input   textinput.Model
	project string
	logPath string
	remote  actions.Remote // who acts, over SSH
	poll    time.Duration
	desks   *desktops        // told to forget the desktops acted on
	batches *actions.Running // where the batch is kept for a signal to stop
	// loggedIn and stateKnown count the desktops with a user connected,
	// of those whose state the session knows now.
	loggedIn, stateKnown int

	batch     *actions.Batch
	askStop   bool   // "stop sending? y" is asked
	stopEarly bool   // y came before the batch started: it stops as it starts
	logErr    error  // the audit log could not be opened: nothing was sent
	logNotes  string // what opening the log made private
	following bool   // jobs are followed (after the batch)

	// The re-run (t, action_rerun.go): the run's screen it was opened
	// from, the sender once the task is read, what it waits for, and the
	// answers that need the host (handled in afterPage).
	origin    *detailsView
	views     views
	rerun     *actions.RerunSender
	rerunNote string
	rerunAt   string // when the re-run task runs, as it was sent
	rerunPoll time.Duration
	inbox     []tea.Msg
}

// batchMsg says the batch changed (a request went out, was answered,
// or the batch ended).
type batchMsg struct{ id int64 }

// logOpenedMsg is the audit log opened (or not) and the batch started.
type logOpenedMsg struct {
	id    int64
	batch *actions.Batch
	notes []string
	err   error
}

func newActionView(v *detailsView, plan actions.Plan) *actionView {
	b := v.views
	in := textinput.New()
	in.Prompt = ""
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: no redraws over a slow link
	in.CharLimit = 20
	what := v.tr.Describe()
	if what == "" {
		what = "every row"
	}
	a := &actionView{
		listView: &listView[actionRow]{
			list:      newPagedList[actionRow](nil, actionRowID, paging.Options{PageSize: 100}),
			cols:      actionColumns,
			noun:      "requests and refusals",
			crumbText: "act on " + plural(len(plan.Targets), "desktop", "desktops"),
			paneText:  actionPaneText,
			started:   true,
			copyID:    actionRowIDs,
			fields:    actionRowFields,
			noMatch:   "/ edits the filter (empty it there to clear it).",
		},
		id: actionSeq.Add(1), src: b.acts, targets: plan.Targets, plan: plan, what: what, input: in,
		project: b.project, logPath: b.auditPath, remote: b.remote, poll: b.jobPoll, desks: b.desks, batches: b.running,
		origin: v, views: b, rerunPoll: cmp.Or(b.jobPoll, rerunPoll),
	}
	a.loggedIn, a.stateKnown = b.desks.logins(plan.IDs())
	a.prompt = newFilterPrompt(b.st)
	a.setText = a.filterText
	a.export = func(h host, shown []actionRow) tea.Cmd {
		return exportOrSay(h, nil, func(dir string) tea.Cmd {
			return exportItems(dir, "wksrec-"+fileSafe(a.plan.Action.Name, "action")+"-results", actionColumnsCSV, actionItems(shown))
		})
	}
	return a
}

// key: the menu's letters choose; esc cancels until something is sent;
// while requests go out, esc or ctrl+c asks whether to stop.
func (a *actionView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	k := h.keyMap()
	switch a.stage {
	case stageMenu:
		// The menu's letters first: h is hibernate here, not back.
		for _, ak := range actionKeys {
			if msg.String() == ak.key {
				a.plan.Action, _ = api.PowerActionNamed(ak.name)
				a.stage = stageConfirm
				a.input.SetValue("")
				return a.input.Focus(), true
			}
		}
		if msg.String() == rerunKey {
			return a.startRerun(h), true
		}
		if key.Matches(msg, k.Back) {
			h.setNote("no action: nothing was sent")
			return h.pop(), true
		}
		return nil, false // the common keys: q, ?, help
	case stageSending:
		switch {
		case key.Matches(msg, k.Back) || msg.Type == tea.KeyCtrlC:
			if !a.stopEarly && (a.batch == nil || !a.batch.Stopping()) {
				a.askStop = true
			}
			return nil, true
		case key.Matches(msg, k.Quit):
			h.setNote("requests are going out: esc or ctrl+c stops them before the next one")
			return nil, true
		}
	case stageDone:
		if key.Matches(msg, k.CopyAll) {
			ids := actions.NotAppliedIDs(a.batchChunks())
			// and the desktops the API refused one by one in a request it
			// took: not acted on either, to send again once mended
			seen := map[string]bool{}
			for _, id := range ids {
				seen[id] = true
			}
			for _, c := range a.batchChunks() {
				for _, f := range c.Refused {
					if !seen[f.DesktopID] && f.DesktopID != "" {
						seen[f.DesktopID] = true
						ids = append(ids, f.DesktopID)
					}
				}
			}
			if a.logErr != nil {
				ids = a.plan.IDs() // nothing was sent
			}
			if len(ids) == 0 {
				h.setNote("every desktop was acted on: none refused or left unsent")
				return nil, true
			}
			return h.copyText(strings.Join(ids, "\n"), plural(len(ids), "desktop id not acted on", "desktop ids not acted on")), true
		}
	}
	return a.listView.key(h, msg)
}

func (a *actionView) prompting() bool {
	return a.stage == stageConfirm || a.askStop || a.filtering()
}

// filtering reports the results' / prompt open (once the batch is done).
func (a *actionView) filtering() bool { return a.stage == stageDone && a.listView.prompting() }

// modal: the menu's letters, and the keys that stop a batch, come before
// the common keys.
func (a *actionView) modal() bool { return a.stage == stageMenu || a.stage == stageSending }

// sending reports requests going out (the root keeps q and : off then).
func (a *actionView) sending() bool { return a.stage == stageSending }

// promptUpdate is the confirmation (the number typed out sends, anything
// else cancels), or the question whether to stop sending.
func (a *actionView) promptUpdate(h host, msg tea.Msg) tea.Cmd {
	if a.filtering() {
		return a.listView.promptUpdate(h, msg)
	}
	k, ok := msg.(tea.KeyMsg)
	if a.askStop {
		if !ok {
			return nil
		}
		a.askStop = false
		// y, or ctrl+c again (as one presses it twice to mean it).
		if k.String() == "y" || k.String() == "Y" || k.Type == tea.KeyCtrlC {
			if a.batch == nil {
				a.stopEarly = true // the log is still opening: stop as it starts
			} else {
				a.batch.Stop("stopped by you")
			}
			h.setNote("stopping: nothing is sent after the request in flight")
		} else {
			h.setNote("not stopped: the requests go on")
		}
		return nil
	}
	if ok {
		switch k.Type {
		case tea.KeyEnter:
			if !a.plan.Confirms(a.input.Value()) {
				h.setNote("not confirmed: nothing was sent")
				return h.pop()
			}
			return a.send()
		case tea.KeyEsc, tea.KeyCtrlC:
			h.setNote("cancelled: nothing was sent")
			return h.pop()
		}
	}
	var cmd tea.Cmd
	a.input, cmd = a.input.Update(msg)
	return cmd
}

func (a *actionView) promptView(width int) (line, footer string) {
	if a.filtering() {
		return a.listView.promptView(width)
	}
	if a.askStop {
		return "Stop sending? y: nothing more goes out (the request in flight ends first)",
			"y or ctrl+c stops · any other key goes on sending"
	}
	n := len(a.plan.Targets)
	ask := fmt.Sprintf("Type %s to %s %s: ", commas(n), actionVerb(a.plan.Action), plural(n, "desktop", "desktops"))
	a.input.Width = max(width-lipgloss.Width(ask)-1, 4)
	return ask + a.input.View(), fmt.Sprintf("enter sends if the number is right (%s), anything else cancels · esc cancels", commas(n))
}

// send opens the audit log and starts the batch, in the background.
func (a *actionView) send() tea.Cmd {
	a.stage = stageSending
	a.input.Blur()
	a.showChunks(nil)
	src, plan, id, project, path, batches, remote := actions.Sender(a.src), a.plan, a.id, a.project, a.logPath, a.batches, a.remote
	if a.rerun != nil {
		src = a.rerun // each request creates a task
		a.rerunAt = a.rerun.When()
	}
	return func() tea.Msg {
		log, err := actions.OpenAuditLog(path, project, time.Now, func(string) string { return "" })
		if err != nil {
			return logOpenedMsg{id: id, err: fmt.Errorf("%w; nothing was sent", err)}
		}
		log.Via(remote)
		// Not tied to this screen: leaving it, or a : switch, must not
		// cut a batch short. Only a signal to the program aborts it, and
		// once one has, nothing starts.
		b, err := batches.Start(src, plan, log, actions.Options{Throttle: actions.DefaultThrottle}, func() { log.Close() })
		if err != nil {
			log.Close()
			return logOpenedMsg{id: id, err: err}
		}
		return logOpenedMsg{id: id, batch: b, notes: log.Notes}
	}
}

// awaitBatch waits for the batch's next change.
func awaitBatch(id int64, b *actions.Batch) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-b.Changed():
		case <-b.Done():
		}
		return batchMsg{id: id}
	}
}

func (a *actionView) handle(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case logOpenedMsg:
		if m.id != a.id {
			return nil, false
		}
		if m.err != nil {
			a.stage, a.logErr = stageDone, m.err
			a.showChunks(nil)
			return nil, true
		}
		a.batch, a.logNotes = m.batch, strings.Join(m.notes, "; ")
		if a.stopEarly {
			a.batch.Stop("stopped by you")
		}
		return awaitBatch(a.id, a.batch), true
	case batchMsg:
		if m.id != a.id || a.batch == nil {
			return nil, false
		}
		select {
		case <-a.batch.Done():
			return a.finish(), true
		default:
			a.showChunks(a.batch.Chunks())
			return awaitBatch(a.id, a.batch), true
		}
	case jobTickMsg:
		if m.id != a.id {
			return nil, false
		}
		src, id, jobID := a.src, a.id, m.jobID
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), desktopTimeout)
			defer cancel()
			job, err := src.GetJob(ctx, jobID)
			return jobMsg{id: id, jobID: jobID, job: job, err: err}
		}, true
	case jobMsg:
		if m.id != a.id {
			return nil, false
		}
		return a.takeJob(m), true
	case rerunReadyMsg, rerunRunMsg:
		if id := rerunMsgID(m); id != a.id {
			return nil, false
		}
		a.inbox = append(a.inbox, m) // they need the host: afterPage
		return nil, true
	}
	return a.listView.handle(msg)
}

// status: the requests going out keep the spinner going, as do jobs
// still followed.
func (a *actionView) status() listStatus {
	s := a.listView.status()
	switch a.stage {
	case stageMenu, stageConfirm:
		n := len(a.targets)
		return listStatus{noun: "desktops to act on", total: n, shown: n, loaded: n, pageHeight: a.height}
	case stageSending:
		s.loading = true
	default:
		s.loading = a.following && a.jobsFollowed() > 0
	}
	return s
}

// pane says where the results will be, until the first request is out.
func (a *actionView) pane(st styles.Styles, width int, full bool) (string, string) {
	if a.stage < stageSending {
		return "", st.Placeholder.Render("the answers show here as they come: each request, its job, each desktop refused")
	}
	return a.listView.pane(st, width, full)
}

// table is the menu or the confirmation's question until the requests go
// out; then the requests and refusals as they come.
func (a *actionView) table(st styles.Styles, spin string) string {
	var text string
	switch a.stage {
	case stageMenu:
		text = a.menuText(st)
	case stageConfirm:
		where := ""
		if a.views.member != "" {
			where = fmt.Sprintf(" in %s (region %s, project %s)", sanitize.Line(a.views.member), sanitize.Line(orDash(a.views.region)), sanitize.Line(a.views.project))
		}
		text = fmt.Sprintf("%s %s%s: type %s below and press enter.\n\n%s%s", actionVerb(a.plan.Action), plural(len(a.plan.Targets), "desktop", "desktops"), where,
			commas(len(a.plan.Targets)), sanitize.Line(a.plan.Summary()), a.rerunText())
	default:
		return a.listView.table(st, spin)
	}
	return lipgloss.NewStyle().Width(a.width).Height(a.height).MaxHeight(a.height).Padding(0, 2).Render(text)
}

// menuText says what would be hit, then the actions: at 80x24 it has
// about ten lines, so the warnings come first and the keys take two.
func (a *actionView) menuText(st styles.Styles) string {
	plan := actions.Plan{Targets: a.targets}
	var b strings.Builder
	if a.views.member != "" {
		// Inside one member of a fleet: say which, where.
		fmt.Fprintf(&b, "In fleet member %s (region %s, project %s):\n", sanitize.Line(a.views.member),
			sanitize.Line(orDash(a.views.region)), sanitize.Line(a.views.project))
	}
	fmt.Fprintf(&b, "Act on the %s shown (%s):\n", plural(len(a.targets), "desktop", "desktops"), sanitize.Line(a.what))
	b.WriteString(sanitize.Line(plan.Summary()) + "\n")
	if a.stateKnown > 0 {
		fmt.Fprintf(&b, "%s with a user logged in (of %s whose state is known)\n", commas(a.loggedIn), commas(a.stateKnown))
	}
	if n := plan.Succeeded(); n > 0 {
		b.WriteString(st.Warn.Render(fmt.Sprintf("⚠ %s of them succeeded in this run (f shows the failed only)", commas(n))) + "\n")
	}
	if a.plan.Unusable > 0 {
		fmt.Fprintf(&b, "(%s left out: no desktop id, or one no request can carry)\n", plural(a.plan.Unusable, "row", "rows"))
	}
	b.WriteString("\n")
	for i, ak := range actionKeys {
		pa, _ := api.PowerActionNamed(ak.name)
		fmt.Fprintf(&b, "  %s %-12s", st.Accent.Render(ak.key), pa.Label)
		if i == 2 {
			b.WriteString("\n")
		}
	}
	if _, ok := a.src.(RerunSource); ok {
		tasks := (len(a.targets) + actions.RerunChunk - 1) / actions.RerunChunk
		each := ""
		if tasks > 1 {
			each = " (" + commas(actions.RerunChunk) + " desktops each)"
		}
		fmt.Fprintf(&b, "\n  %s %s them: %s%s, a minute ahead", st.Accent.Render(rerunKey), actionVerb(actions.Rerun),
			plural(tasks, "one-off task", "one-off tasks"), each)
	}
	fmt.Fprintf(&b, "\n\nesc cancels; nothing is sent before you type the number of desktops.\nRequests go out %d desktops at a time, each in the audit log; esc stops them.", api.MaxActionDesktops)
	return b.String()
}

// helpKeys: in the menu its letters are the keys (r is reboot here, not
// refresh), and only leaving, help and quitting are listed; while the
// requests go out, Esc stops them; on the results, Y copies what was not
// acted on.
func (a *actionView) helpKeys(c helpContext) keyHelp {
	k := c.k
	switch a.stage {
	case stageSending:
		stop := relabel(k.Back, "stop sending")
		return keyHelp{short: []key.Binding{stop, k.Help}, full: [][]key.Binding{{stop, k.Help}}}
	case stageMenu, stageConfirm:
		h := c.list(a.listKeys(k))
		h.short = []key.Binding{c.back(), k.Help, k.Quit}
		return h
	}
	lk := a.listKeys(k)
	if a.logErr != nil || len(actions.NotAppliedIDs(a.batchChunks())) > 0 {
		lk.first = append(lk.first, relabel(k.CopyAll, "copy ids not acted on"))
	}
	return c.list(lk)
}

func (a *actionView) batchChunks() []actions.Chunk {
	if a.batch == nil {
		return nil
	}
	return a.batch.Chunks()
}

// close stops following the jobs; a batch going out goes on (it is not
// this screen's to cut short: the root keeps q off while it runs).
func (a *actionView) close() { a.listView.close() }

// actionVerb is the action as a sentence says it before its desktops:
// "reboot 8 desktops", "run the task again on 8 desktops".
func actionVerb(a api.PowerAction) string {
	if a.Name == actions.Rerun.Name {
		return a.Label + " on"
	}
	return a.Label
}
