package ui

import (
	"context"
	"fmt"
	"strconv"
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
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// Batch power actions on the desktops shown (a): a menu, a confirmation
// that asks for the number of desktops typed out, the requests (chunks of
// 100, one after another, each in the audit log), then the refusals and
// the jobs, followed to their end.

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
	id       int64
	src      ActionSource
	ids      []string // the desktops shown, each once
	what     string   // the rows shown, in a few words
	stage    actionStage
	action   api.PowerAction
	input    textinput.Model
	project  string
	logPath  string
	poll     time.Duration
	cancel   context.CancelFunc
	chunks   []actions.Chunk
	accepted int
	unusable int       // rows shown left out: no desktop id, or an id no request can carry
	desks    *desktops // told to forget the desktops acted on
}

// actionMsg is the answer to every request of the batch.
type actionMsg struct {
	id     int64
	chunks []actions.Chunk
	err    error // the audit log could not be opened: nothing was sent
}

// openActions is a: the action menu for the desktops shown, once every
// row is loaded.
func (v *detailsView) openActions(h host) tea.Cmd {
	b := v.views
	switch {
	case b.readOnly:
		h.setNote("a read-only session (--read-only): no actions on desktops")
		return nil
	case b.acts == nil:
		h.setNote("this source cannot act on desktops")
		return nil
	case b.auditPath == "":
		h.setNote("no actions: there is nowhere to keep the audit log ($XDG_STATE_HOME and $HOME are unset)")
		return nil
	}
	return v.whenAllLoaded(h, func(h host, v *detailsView) tea.Cmd {
		var ids []string
		seen, unusable := map[string]bool{}, 0
		for _, d := range shownRows(v) {
			switch {
			case d.DesktopID == "" || api.ValidID(d.DesktopID) != nil:
				unusable++ // no id, or one no request could carry
			case !seen[d.DesktopID]:
				seen[d.DesktopID] = true
				ids = append(ids, d.DesktopID)
			}
		}
		if len(ids) == 0 {
			h.setNote("no desktops shown that can be acted on")
			return nil
		}
		a := newActionView(v, ids)
		a.unusable = unusable
		return h.push(a)
	})
}

func newActionView(v *detailsView, ids []string) *actionView {
	b := v.views
	in := textinput.New()
	in.Prompt = ""
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: no redraws over a slow link
	in.CharLimit = 12
	what := v.tr.describe()
	if what == "" {
		what = "every row"
	}
	a := &actionView{
		listView: &listView[actionRow]{
			list:      newPagedList[actionRow](nil, actionRowID, paging.Options{PageSize: 100}),
			cols:      actionColumns,
			noun:      "results",
			crumbText: "act on " + plural(len(ids), "desktop", "desktops"),
			paneText:  actionPaneText,
			started:   true,
		},
		id: actionSeq.Add(1), src: b.acts, ids: ids, what: what, input: in,
		project: b.project, logPath: b.auditPath, poll: b.jobPoll, desks: b.desks,
	}
	return a
}

// key: the menu's letters choose; esc cancels until something is sent.
func (a *actionView) key(h host, msg tea.KeyMsg) (tea.Cmd, bool) {
	switch a.stage {
	case stageMenu:
		if key.Matches(msg, h.keyMap().Back) {
			h.setNote("no action: nothing was sent")
			return h.pop(), true
		}
		for _, k := range actionKeys {
			if msg.String() == k.key {
				a.action, _ = api.PowerActionNamed(k.name)
				a.stage = stageConfirm
				a.input.SetValue("")
				return a.input.Focus(), true
			}
		}
		return nil, false // the common keys: q, ?, help
	case stageSending:
		if key.Matches(msg, h.keyMap().Back) {
			h.setNote("the requests are out: wait for their answers")
			return nil, true
		}
	}
	return a.listView.key(h, msg)
}

func (a *actionView) prompting() bool { return a.stage == stageConfirm }

// modal: the menu's letters come before the common keys.
func (a *actionView) modal() bool { return a.stage == stageMenu }

// promptUpdate is the confirmation: the number typed out sends, anything
// else cancels.
func (a *actionView) promptUpdate(h host, msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.Type {
		case tea.KeyEnter:
			if strings.TrimSpace(a.input.Value()) != strconv.Itoa(len(a.ids)) {
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
	ask := fmt.Sprintf("Type %d to %s %s: ", len(a.ids), a.action.Label, plural(len(a.ids), "desktop", "desktops"))
	a.input.Width = max(width-lipgloss.Width(ask)-1, 4)
	return ask + a.input.View(), "enter sends if the number is right, anything else cancels · esc cancels"
}

// send starts the requests, in the background.
func (a *actionView) send() tea.Cmd {
	a.stage = stageSending
	a.input.Blur()
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	src, action, ids, id, project, path := a.src, a.action, a.ids, a.id, a.project, a.logPath
	return func() tea.Msg {
		log, err := actions.OpenAuditLog(path, project, time.Now, func(string) string { return "" })
		if err != nil {
			return actionMsg{id: id, err: fmt.Errorf("%w; nothing was sent", err)}
		}
		defer log.Close()
		return actionMsg{id: id, chunks: actions.Send(ctx, src, action, ids, log, actions.DefaultThrottle, time.Now, actions.Sleep)}
	}
}

func (a *actionView) handle(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case actionMsg:
		if m.id != a.id {
			return nil, false
		}
		return a.takeAnswers(m), true
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
	}
	return a.listView.handle(msg)
}

// running: jobs still being followed keep the spinner going.
func (a *actionView) status() listStatus {
	if a.stage != stageDone {
		n := len(a.ids)
		return listStatus{noun: "desktops to act on", total: n, shown: n, loaded: n, loading: a.stage == stageSending, pageHeight: a.height}
	}
	s := a.listView.status()
	s.loading = a.following() > 0
	return s
}

// pane says where the results will be, until they are in.
func (a *actionView) pane(st styles.Styles, width int, full bool) (string, string) {
	if a.stage != stageDone {
		return "", st.Placeholder.Render("the answers will show here: the jobs, and each desktop refused")
	}
	return a.listView.pane(st, width, full)
}

// table is the menu, the confirmation's question or the requests going
// out, until the answers are in.
func (a *actionView) table(st styles.Styles, spin string) string {
	var text string
	switch a.stage {
	case stageMenu:
		var b strings.Builder
		fmt.Fprintf(&b, "Act on the %s shown (%s):\n", plural(len(a.ids), "desktop", "desktops"), a.what)
		if a.unusable > 0 {
			fmt.Fprintf(&b, "(%s left out: no desktop id, or one no request can carry)\n", plural(a.unusable, "row", "rows"))
		}
		b.WriteString("\n")
		for _, k := range actionKeys {
			pa, _ := api.PowerActionNamed(k.name)
			fmt.Fprintf(&b, "  %s  %s\n", st.Accent.Render(k.key), pa.Label)
		}
		fmt.Fprintf(&b, "\nesc cancels. Nothing is sent before you type the number of desktops.\nRequests go out %d desktops at a time; each is written to the audit log.", api.MaxActionDesktops)
		text = b.String()
	case stageConfirm:
		text = fmt.Sprintf("%s %s: type %d below and press enter.", a.action.Label, plural(len(a.ids), "desktop", "desktops"), len(a.ids))
	case stageSending:
		text = fmt.Sprintf("%s sending %s to %s…", spin, a.action.Label, plural(len(a.ids), "desktop", "desktops"))
	default:
		return a.listView.table(st, spin)
	}
	return lipgloss.NewStyle().Width(a.width).Height(a.height).MaxHeight(a.height).Padding(1, 2).Render(text)
}

func (a *actionView) helpKeys(k keymap.KeyMap, canGoBack bool) keymap.Help {
	h := a.listView.helpKeys(k, canGoBack && a.stage != stageSending)
	h.Menu = a.stage != stageDone // r is reboot here, not refresh
	return h
}

func (a *actionView) close() {
	if a.cancel != nil && a.stage == stageDone {
		a.cancel() // the answers are in: only the following stops
	}
	a.listView.close()
}
