// Package ui is wksrec's Bubble Tea interface: a drill-down from a
// project's scheduled tasks to their execution records to the per-desktop
// details of one record, each a paged table with a detail pane.
package ui

import (
	"cmp"
	"context"
	"io"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/actions"
	"github.com/wksrec/wksrec/internal/alert"
	"github.com/wksrec/wksrec/internal/defaults"
	"github.com/wksrec/wksrec/internal/runs"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// Config says what to browse. Without TaskID the browser opens on the
// project's tasks; without RecordID on the task's records.
type Config struct {
	Source Source
	// Store holds finished runs (nil: none; see internal/store).
	Store                       *store.Scope
	ProjectID, TaskID, RecordID string
	TaskName                    string // the task's name when known (--task): the crumb and the alerts say it
	// Record is RecordID's record when known: its counts, and for a
	// script's run the script-execution task whose output the pane shows.
	Record      *api.Record
	PageSize    int  // 1..100; the tasks call caps it at 50
	LocalTime   bool // show times in the local zone, not the record's
	Concurrency int  // requests in flight per list at most (default 4)
	History     int  // runs the HISTORY column covers, this one included (default 5)
	// RetryBackoff is the first wait before a throttled or failed page is
	// asked for again (default 2 s, as Huawei advises; tests shorten it).
	RetryBackoff time.Duration
	// Clipboard receives OSC 52 sequences (the terminal: os.Stdout). In
	// tmux ($TMUX) a copy goes to tmux itself; in GNU screen ($STY) OSC 52
	// goes through screen's passthrough.
	Clipboard io.Writer
	InTmux    bool
	InScreen  bool
	// RunTmux runs a tmux command for a copy (tests); exec by default.
	RunTmux func(ctx context.Context, stdin []byte, args ...string) error
	// Mouse says the program reports the mouse (the wheel scrolls, a click
	// selects); the help then says how to select text.
	Mouse bool
	// NoColor (NO_COLOR) draws with attributes only: bold, reverse video.
	NoColor bool
	// ExportDir is where e writes CSV files (default: the current directory).
	ExportDir string
	// Debug, when set, gets a line for each row the API sent twice (at two
	// positions) and that is shown and counted once.
	Debug io.Writer
	// Watch refreshes the list on screen this often while anything in it
	// is RUNNING or WAITING (0: only when W is pressed, every 10 s).
	Watch time.Duration
	// DesktopRest is how long the cursor rests on a row before its
	// desktop's state is asked for (default 400 ms; tests shorten it).
	DesktopRest time.Duration
	// Now is the clock of what ages (desktops' states); time.Now if nil.
	Now func() time.Time
	// ReadOnly removes the actions on desktops. AuditPath is the audit
	// log of actions ("": none can be kept, so none are offered). JobPoll
	// is how often a job is asked about (default 2 s; tests shorten it).
	ReadOnly  bool
	AuditPath string
	// ReadOnlyWhy is what a's note says the session is, when it is not
	// --read-only that made it so ("" : --read-only).
	ReadOnlyWhy string
	JobPoll     time.Duration
	// Running keeps the batches going out, for main to stop on a signal
	// (one of the browser's own when nil).
	Running *actions.Running
	// Where says what the session acts on (region or endpoint, KooCLI
	// profile), for the header.
	Where Where
	// Keys are the key bindings (keymap.Default() if nil); Columns the
	// columns of each screen (tasks, runs, details), from the config file.
	Keys    *keymap.KeyMap
	Columns map[string][]string
	// Reconnect switches region, project or profile (:region, :project,
	// :profile); Regions and Profiles are what those complete from.
	Reconnect Reconnect
	// NoSwitchWhy ends the note of a switch refused for want of
	// Reconnect (": …"), where there is a reason to give.
	NoSwitchWhy string
	Regions     []string
	Profiles    []string
	// Watch mode's alerts (alerts.go): Notification is what to write to
	// the terminal (Clipboard) for one, the bell and a desktop
	// notification where the terminal shows one (the bell alone if nil);
	// SendAlert queues it for --notify-cmd and --webhook (nil: none).
	Notification func(title, body string) string
	SendAlert    func(alert.Event)
	// Renderer is the terminal the styles are for (its colour profile
	// and background): lipgloss's default, this process's, when nil; a
	// session served over SSH has its own.
	Renderer *lipgloss.Renderer
	// ExportOverSSH, when set, is how the client reaches the server
	// ("ssh -p 2222 10.0.0.5 --"): over SSH, e writes nothing on the
	// server and says the -o command that prints the same rows instead.
	ExportOverSSH string
	// Remote is who acts in a session served over SSH, for the audit
	// log (the zero Remote: the local user).
	Remote actions.Remote
	// Fleet are the config file's [[fleet]] members (:fleet, fleet.go);
	// StartFleet opens on the fleet screen (--fleet).
	Fleet      []FleetMember
	StartFleet bool
}

// DefaultWatch and MinWatch bound the watch interval.
const (
	DefaultWatch = defaults.Watch
	MinWatch     = defaults.MinWatch
)

// fallbackWidth and fallbackHeight are the size of a terminal that says
// it has none.
const fallbackWidth, fallbackHeight = 80, 24

// Wide terminals show the detail pane beside the table. From 120 columns
// the table beside the pane still has room for every column that says
// what happened (desktop, status, code, start, duration); below that the
// pane goes under the table. Measured at 80, 100, 120, 160 and 220.
const sideBySideWidth = 120

type focusArea int

const (
	focusTable focusArea = iota
	focusPane
)

// Model is the root model: it owns the window size, focus, global keys,
// the layout and the stack of views (tasks › records › details).
type Model struct {
	cfg      Config
	cmd      *cmdline // the : command line
	release  func()   // releases the source a : switch made (nil: main's own)
	keys     keymap.KeyMap
	st       styles.Styles
	help     help.Model
	spin     spinner.Model
	spinning bool

	stack []view // the drill-down; the last one is on screen
	views views  // builds the views
	pane  detailPane
	focus focusArea
	// whole is the status line shown whole, wrapped, in the footer's
	// place (! on a line cut at the terminal's width); "" when not.
	whole string
	// unzoomTo is where focus goes back to when the zoom ends: the pane
	// when it had focus before (Tab, z, z, Esc leaves the pane, not the run).
	unzoomTo focusArea
	zoomed   bool // the pane has the whole body
	// paneGrow is how many steps + and - have grown the pane (negative:
	// shrunk), kept for the session: 4 columns beside, 2 lines below.
	paneGrow int

	note   string // a one-line message until the next key
	clip   clipboard
	watch  watchState
	alerts alerts

	width, height  int
	tableW, tableH int
	layoutShown    int  // the rows shown when the layout was made: a short list gives room to the pane
	ready          bool // a window size has arrived
}

// New returns the browser. The views the configuration skips are still on
// the stack (Esc goes up to them) but fetch nothing until shown.
func New(cfg Config) Model {
	if cfg.Running == nil {
		cfg.Running = &actions.Running{} // kept in cfg: a : switch goes on with it
	}
	st := styles.New(cfg.Renderer, cfg.NoColor)
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = st.Accent, st.Accent
	h.Styles.ShortDesc, h.Styles.FullDesc = st.Faint, st.Faint
	h.Styles.ShortSeparator, h.Styles.FullSeparator, h.Styles.Ellipsis = st.Faint, st.Faint, st.Faint

	keys := keymap.Default()
	if cfg.Keys != nil {
		keys = *cfg.Keys
	}
	b := views{columns: cfg.Columns, src: cfg.Source, pageSize: cfg.PageSize, tf: &triage.TimeFormat{Local: cfg.LocalTime},
		concurrency: cfg.Concurrency, backoff: cfg.RetryBackoff, debug: cfg.Debug, st: st, runs: &runCache{},
		budget: newRequestBudget(cmp.Or(cfg.Concurrency, defaults.Concurrency)), marks: map[string]api.Record{},
		background: newRequestBudget(max(cmp.Or(cfg.Concurrency, defaults.Concurrency)/2, 1)),
		history:    cmp.Or(cfg.History, defaults.History), desks: newDesktops(cfg.Source, cmp.Or(cfg.DesktopRest, desktopRest), cfg.Now), scripts: newScripts(cfg.Source),
		readOnly: cfg.ReadOnly, readOnlyWhy: cfg.ReadOnlyWhy, auditPath: cfg.AuditPath, remote: cfg.Remote, project: cfg.ProjectID, jobPoll: cmp.Or(cfg.JobPoll, jobPoll), running: cfg.Running}
	b.acts, _ = cfg.Source.(ActionSource)
	b.store = cfg.Store
	b.reader = runs.New(cfg.Source, runs.Options{PageSize: b.pageSize, Concurrency: b.concurrency, Retry: b.retry(), Background: true, Store: cfg.Store,
		Slot: func(ctx context.Context) (func(), error) { return acquireBackground(ctx, b.background, b.budget) }})
	tasks := b.taskList(false)
	stack := []view{tasks}
	if cfg.StartFleet && len(cfg.Fleet) > 0 {
		stack = []view{newFleetView(b, cfg.Fleet)}
	}
	if cfg.TaskID != "" && !cfg.StartFleet {
		tasks.list.Keep(cfg.TaskID) // the cursor lands on it when Esc reveals the list
		crumb := "task " + shortID(sanitize.Line(cfg.TaskID))
		if cfg.TaskName != "" {
			crumb = sanitizeCrumb(cfg.TaskName, cfg.TaskID)
		}
		records := b.records(cfg.TaskID, cfg.TaskName, crumb)
		stack = append(stack, records)
		if cfg.RecordID != "" {
			records.list.Keep(cfg.RecordID)
			var rec *api.Record
			if cfg.Record != nil && cfg.Record.ID == cfg.RecordID {
				r := *cfg.Record
				rec = &r
			}
			details := b.details(cfg.TaskID, cfg.RecordID, crumb, "record "+shortID(sanitize.Line(cfg.RecordID)), rec)
			details.taskName = cfg.TaskName
			details.taskLabel, details.runLabel = shortID(cfg.TaskID), shortID(cfg.RecordID) // the ids name the export file
			stack = append(stack, details)
		}
	}
	m := Model{
		cfg:    cfg,
		keys:   keys,
		cmd:    newCmdline(),
		st:     st,
		help:   h,
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Accent)),
		stack:  stack,
		views:  b,
		pane:   newDetailPane(),
		clip:   clipboard{out: cfg.Clipboard, tmux: cfg.InTmux, screen: cfg.InScreen, runTmux: cfg.RunTmux},
		alerts: newAlerts(),
	}
	if cfg.Watch > 0 {
		// Set here, not in Init: Init has a value receiver, and what it
		// sets is lost (--watch once did nothing).
		m.watch.arm(cfg.Watch)
		m.watch.next = m.watch.clock().Add(m.watch.interval) // Init's tick sets it on a copy
	}
	return m
}

func (m Model) top() view { return m.stack[len(m.stack)-1] }

// sendingActions reports power actions going out: quitting or switching
// then would leave a batch unaccounted for.
func (m Model) sendingActions() bool {
	for _, v := range m.stack {
		if s, ok := v.(sender); ok && s.sending() {
			return true
		}
	}
	return m.views.running.Sending()
}

// Init fetches the first page of the view on screen right away, before the
// terminal size is known. The spinner's tick chain is kept by keepSpinning;
// a duplicate chain is harmless, the spinner drops ticks with a stale tag.
func (m Model) Init() tea.Cmd {
	var watch tea.Cmd
	if m.watch.on {
		watch = tea.Batch(m.watch.tick(), m.alertLook())
	}
	return tea.Batch(m.top().start(), m.spin.Tick, watch)
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// A terminal that knows no size (0x0: some containers, script)
		// gets the classic 80x24 until a real size arrives.
		m.width, m.height, m.ready = cmp.Or(max(msg.Width, 0), fallbackWidth), cmp.Or(max(msg.Height, 0), fallbackHeight), true
		cmd = m.layout()
	case tea.KeyMsg:
		var cmds []tea.Cmd
		if msg.String() != "!" { // ! shows the note itself whole
			m.note = "" // once a message: a note from one of its keys stays
		}
		for _, k := range m.splitKeys(msg) {
			c, quit := m.handleKey(k)
			if quit {
				for _, v := range m.stack {
					v.close()
				}
				return m, tea.Quit
			}
			cmds = append(cmds, c)
		}
		// A key may settle what waited (a filter dropped with the
		// comparison it needed).
		cmd = tea.Batch(append(cmds, m.afterPage())...)
	case tea.MouseMsg:
		cmd = m.mouse(msg)
	case spinner.TickMsg:
		if !m.top().status().loading {
			m.spinning = false // let the tick chain end: no redraws while idle
			return m, nil
		}
		m.spinning = true
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case noteMsg:
		m.note = string(msg)
	case reconnectMsg:
		return m.takeReconnect(msg)
	case desktopMsg:
		if note := m.views.desks.take(msg); note != "" {
			m.note = note
		}
		m.afterNowAnswer()
	case desktopsMsg:
		if note := m.views.desks.takeMany(msg); note != "" {
			m.note = note
		}
		m.afterNowAnswer()
	case scriptMsg:
		m.views.scripts.take(msg)
	case watchTickMsg:
		cmd = m.watchTick(msg)
	case startWatchMsg:
		cmd = m.startWatch()
	case alertLookMsg:
		cmd = m.takeAlertLook(msg)
	case alertFailedMsg:
		m.takeAlertFailed(msg)
	default:
		// A page for some view on the stack; one for a view that was
		// closed (the user went back) matches none and is dropped.
		handled := false
		for _, v := range m.stack {
			if c, ok := v.handle(msg); ok {
				cmd, handled = tea.Batch(c, m.afterPage()), true
				break
			}
		}
		// Anything else is for an open prompt: a paste, a blink.
		if p, ok := m.top().(prompter); ok && !handled && p.prompting() {
			cmd = p.promptUpdate(&m, msg)
		}
	}
	if m.ready && m.top().status().shown != m.layoutShown {
		cmd = tea.Batch(cmd, m.layout()) // rows came or went: the pane may use the room
	}
	if r, ok := m.top().(rester); ok {
		cmd = tea.Batch(cmd, r.rest())
	}
	m.syncPane()
	return m, tea.Batch(cmd, m.keepSpinning())
}

// keepSpinning restarts the spinner when loading begins while it is idle.
func (m *Model) keepSpinning() tea.Cmd {
	if m.spinning || !m.top().status().loading {
		return nil
	}
	m.spinning = true
	return m.spin.Tick
}

// splitKeys turns one key message holding several characters into one
// message a character. Over SSH, or with a key held down, several keys
// arrive in one read, and Bubble Tea v1 delivers them as one message
// ("jjj") that matches no binding. While a prompt is open they are text,
// and a paste is always text.
func (m *Model) splitKeys(msg tea.KeyMsg) []tea.KeyMsg {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste {
		return []tea.KeyMsg{msg}
	}
	if _, open := m.openPrompt(); open || m.cmd.open {
		return []tea.KeyMsg{msg}
	}
	keys := make([]tea.KeyMsg, len(msg.Runes))
	for i, r := range msg.Runes {
		keys[i] = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}
	}
	return keys
}

// afterPage lets the screens on the stack act on a page that arrived.
func (m *Model) afterPage() tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range m.stack {
		if w, ok := v.(pageWatcher); ok {
			cmds = append(cmds, w.afterPage(m))
		}
	}
	return tea.Batch(cmds...)
}

// push opens a child view (nil while the selected row is not loaded).
func (m *Model) push(child view) tea.Cmd {
	if child == nil {
		return nil
	}
	m.stack = append(m.stack, child)
	return tea.Batch(m.layout(), child.start())
}

// pop goes back up; the view below keeps its cursor and scroll, and starts
// loading now if this is its first time on screen.
func (m *Model) pop() tea.Cmd {
	if len(m.stack) == 1 {
		return nil
	}
	m.top().close()
	m.stack[len(m.stack)-1] = nil
	m.stack = m.stack[:len(m.stack)-1]
	return tea.Batch(m.layout(), m.top().start())
}
