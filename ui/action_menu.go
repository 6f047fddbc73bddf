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
