// Package ui is wksrec's Bubble Tea interface: a paged table of execution
// details with a detail pane, header and help footer.
package ui

import (
	"context"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/keymap"
	"github.com/wksrec/wksrec/styles"
)

// Source is what the browser reads from; *api.Client is one.
type Source interface {
	ListRecordDetails(ctx context.Context, taskID, recordID string, offset, limit int) (api.Page[api.Detail], error)
}

// Config says what to browse.
type Config struct {
	Source                      Source
	ProjectID, TaskID, RecordID string
	PageSize                    int // 1..100
}

// Wide terminals show the detail pane beside the table.
const sideBySideWidth = 100

type focusArea int

const (
	focusTable focusArea = iota
	focusPane
)

// Model is the root model: it owns the window size, focus, global keys and
// the layout, and routes everything else to the list and the pane.
type Model struct {
	cfg      Config
	keys     keymap.KeyMap
	st       styles.Styles
	help     help.Model
	spin     spinner.Model
	spinning bool

	list   *pagedList[api.Detail]
	widths []int // column widths for the current table width
	pane   detailPane
	focus  focusArea

	width, height  int
	tableW, tableH int
	bodyH, footerH int
	ready          bool // a window size has arrived
}

// New returns the browser for one execution record.
func New(cfg Config) Model {
	src, task, record := cfg.Source, cfg.TaskID, cfg.RecordID
	fetch := func(ctx context.Context, offset, limit int) (api.Page[api.Detail], error) {
		return src.ListRecordDetails(ctx, task, record, offset, limit)
	}
	st := styles.New()
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = st.Accent, st.Accent
	h.Styles.ShortDesc, h.Styles.FullDesc = st.Faint, st.Faint
	h.Styles.ShortSeparator, h.Styles.FullSeparator, h.Styles.Ellipsis = st.Faint, st.Faint, st.Faint
	return Model{
		cfg:  cfg,
		keys: keymap.Default(),
		st:   st,
		help: h,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Accent)),
		list: newPagedList(fetch, detailID, cfg.PageSize),
		pane: newDetailPane(),
	}
}

// Init fetches the first page right away, before the terminal size is known.
// The spinner's tick chain is started by Update (keepSpinning); a duplicate
// chain is harmless, the spinner drops ticks with a stale tag.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.list.start(), m.spin.Tick)
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height, m.ready = msg.Width, msg.Height, true
		cmd = m.layout()
	case tea.KeyMsg:
		var quit bool
		cmd, quit = m.handleKey(msg)
		if quit {
			m.list.close()
			return m, tea.Quit
		}
	case pageMsg[api.Detail]:
		cmd = m.list.handle(msg)
	case spinner.TickMsg:
		if !m.list.loading() {
			m.spinning = false // let the tick chain end: no redraws while idle
			return m, nil
		}
		m.spinning = true
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	}
	m.syncPane()
	return m, tea.Batch(cmd, m.keepSpinning())
}

// keepSpinning restarts the spinner when loading begins while it is idle.
func (m *Model) keepSpinning() tea.Cmd {
	if m.spinning || !m.list.loading() {
		return nil
	}
	m.spinning = true
	return m.spin.Tick
}

func (m *Model) handleKey(msg tea.KeyMsg) (cmd tea.Cmd, quit bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return nil, true
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return m.layout(), false
	case key.Matches(msg, k.Refresh):
		return m.list.refresh(), false
	}
	if m.focus == focusPane {
		m.paneKey(msg)
		return nil, false
	}
	page := max(m.list.height-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		return m.list.moveBy(-1), false
	case key.Matches(msg, k.Down):
		return m.list.moveBy(1), false
	case key.Matches(msg, k.PageUp):
		return m.list.moveBy(-page), false
	case key.Matches(msg, k.PageDown):
		return m.list.moveBy(page), false
	case key.Matches(msg, k.Top):
		return m.list.moveTo(0), false
	case key.Matches(msg, k.Bottom):
		return m.list.moveTo(m.list.total - 1), false
	case key.Matches(msg, k.Focus):
		if m.pane.height > 0 {
			m.focus = focusPane
			m.pane.Focus()
		}
	}
	return nil, false
}

func (m *Model) paneKey(msg tea.KeyMsg) {
	k, vp := m.keys, &m.pane.vp
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Focus):
		m.focus = focusTable
		m.pane.Blur()
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	}
}

// layout splits the window: two header lines, the body (table and pane),
// a status line and the help footer.
func (m *Model) layout() tea.Cmd {
	if !m.ready {
		return nil
	}
	m.help.Width = m.width
	m.footerH = lineCount(m.help.View(m.keys))
	m.bodyH = max(m.height-2-1-m.footerH, 1)
	paneW, paneH, side := 0, 0, m.width >= sideBySideWidth
	if side {
		paneW = clamp(m.width*2/5, 36, 60)
		paneH = m.bodyH
	} else {
		paneW = m.width
		paneH = paneHeightBelow(m.bodyH)
	}
	if side {
		m.tableW, m.tableH = m.width-paneW, m.bodyH
	} else {
		m.tableW, m.tableH = m.width, m.bodyH-paneH
	}
	m.pane.SetSize(paneW, paneH, side)
	if paneH == 0 && m.focus == focusPane {
		m.focus = focusTable
		m.pane.Blur()
	}
	colsW := m.tableW
	if side {
		colsW-- // one blank column between the last cell and the pane's border
	}
	m.widths = layoutColumns(detailColumns, colsW)
	return m.list.setHeight(m.tableH - 1) // one line for the column titles
}

// syncPane shows the selected row in the pane.
func (m *Model) syncPane() {
	if d, ok := m.list.selected(); ok {
		m.pane.SetContent(d.ID, detailPaneText(d, m.st, m.pane.vp.Width))
		return
	}
	if err := m.list.errAt(m.list.cursor); err != nil && m.list.total >= 0 {
		m.pane.SetContent("", m.st.Error.Render(errorBlock(err, m.pane.vp.Width)))
		return
	}
	text := "loading…"
	switch {
	case m.list.total == 0:
		text = "nothing to show"
	case m.list.total < 0 && m.list.anyFailed():
		text = "—" // the body says what failed
	}
	m.pane.SetContent("", m.st.Placeholder.Render(text))
}

func lineCount(s string) int {
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
