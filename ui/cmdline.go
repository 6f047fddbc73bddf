package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/store"
)

// The command line (:), as in k9s: switch region, project or profile
// (reconnecting, back at the task list), or jump to a task or a run by
// name or id; Tab completes from what is loaded, ↑ and ↓ go through the
// commands of the session. A command that fails keeps the session as it
// was.

// Reconnect makes a new session for a region, a project or a KooCLI
// profile (what is "region", "project" or "profile"). main provides it;
// without it those commands are refused.
type Reconnect func(ctx context.Context, what, value string) (Session, error)

// Session is what a switch connected to: the source, its project, where
// it acts, and the function that releases it once it is replaced.
type Session struct {
	Source    Source
	ProjectID string
	Where     Where
	Release   func()
	Store     *store.Scope
}

// reconnectTimeout bounds a reconnection (project discovery included).
const reconnectTimeout = 30 * time.Second

var cmdVerbs = []string{"region", "project", "profile", "task", "run", "fleet"}

// cmdline is the command line's state; a pointer, since the model is a
// value and the line outlives each Update.
type cmdline struct {
	open    bool
	input   textinput.Model
	history []string
	at      int    // position in history while going through it
	hint    string // what Tab found, or why the line cannot run
	seq     int    // the latest switch: an older one's answer is dropped
	// cycle are the completions Tab goes through once the common part is
	// in (as a shell's menu-complete); cycleAt the one shown, cycleLine
	// the line it made (another key, or an edit, ends the cycle).
	cycle     []string
	cycleAt   int
	cycleLine string
}

func newCmdline() *cmdline {
	in := textinput.New()
	in.Prompt = ":"
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Placeholder = "region NAME · project ID · profile NAME · task NAME-or-ID · run ID (tab completes)"
	return &cmdline{input: in}
}

// reconnectMsg is a new source, or why there is none.
type reconnectMsg struct {
	seq         int
	what, value string
	sess        Session
	err         error
}

func (m *Model) openCmdline() tea.Cmd {
	c := m.cmd
	c.open, c.hint, c.at = true, "", len(c.history)
	c.input.SetValue("")
	return c.input.Focus()
}

// cmdlineKey handles a key while the line is open.
func (m *Model) cmdlineKey(msg tea.KeyMsg) tea.Cmd {
	c := m.cmd
	switch msg.Type {
	case tea.KeyEsc, tea.KeyCtrlC:
		c.open = false
		c.input.Blur()
		return nil
	case tea.KeyEnter:
		line := strings.TrimSpace(c.input.Value())
		c.open = false
		c.input.Blur()
		if line == "" {
			return nil
		}
		if len(c.history) == 0 || c.history[len(c.history)-1] != line {
			c.history = append(c.history, line)
		}
		return m.runCommand(line)
	case tea.KeyUp, tea.KeyDown:
		if len(c.history) == 0 {
			return nil
		}
		if msg.Type == tea.KeyUp {
			c.at = max(c.at-1, 0)
		} else {
			c.at = min(c.at+1, len(c.history))
		}
		value := ""
		if c.at < len(c.history) {
			value = c.history[c.at]
		}
		c.input.SetValue(value)
		c.input.CursorEnd()
		return nil
	case tea.KeyTab:
		m.complete()
		return nil
	}
	c.cycle = nil
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	c.hint = ""
	return cmd
}

// complete completes the word under the cursor (the line's end): the
// part the candidates share, then, Tab after Tab, each candidate in turn.
func (m *Model) complete() {
	c := m.cmd
	line := c.input.Value()
	if len(c.cycle) > 0 && line == c.cycleLine {
		c.cycleAt = (c.cycleAt + 1) % len(c.cycle)
		m.showCycle()
		return
	}
	c.cycle = nil
	verb, arg, hasArg := strings.Cut(strings.TrimLeft(line, " "), " ")
	var candidates []string
	prefix := verb
	if !hasArg {
		candidates = m.verbs()
	} else {
		prefix = strings.TrimLeft(arg, " ")
		candidates = m.candidates(verb)
	}
	var matches []string
	for _, cand := range candidates {
		if strings.HasPrefix(strings.ToLower(cand), strings.ToLower(prefix)) {
			matches = append(matches, cand)
		}
	}
	switch len(matches) {
	case 0:
		c.hint = "nothing to complete"
		return
	case 1:
		if !hasArg {
			c.input.SetValue(matches[0] + " ")
		} else {
			c.input.SetValue(verb + " " + matches[0])
		}
	default:
		common := []rune(matches[0])
		for _, x := range matches[1:] {
			xr := []rune(x)
			n := 0 // the runes the two share, any case
			for n < len(common) && n < len(xr) && strings.EqualFold(string(common[n]), string(xr[n])) {
				n++
			}
			common = common[:n]
		}
		completed := string(common)
		if hasArg {
			completed = verb + " " + completed
		}
		if len(completed) > len(line) {
			c.input.SetValue(completed)
		} else {
			// Nothing more in common: Tab goes through the candidates.
			c.cycle, c.cycleAt = matches, 0
			if hasArg {
				for i := range c.cycle {
					c.cycle[i] = verb + " " + c.cycle[i]
				}
			}
			m.showCycle()
			return
		}
		shown := matches[:min(len(matches), 6)]
		c.hint = "tab: " + strings.Join(shown, " · ")
		if len(matches) > len(shown) {
			c.hint += fmt.Sprintf(" · %d more", len(matches)-len(shown))
		}
	}
	c.input.CursorEnd()
}

// showCycle puts the candidate Tab is on into the line, and says where
// it is among them.
func (m *Model) showCycle() {
	c := m.cmd
	c.input.SetValue(c.cycle[c.cycleAt])
	c.input.CursorEnd()
	c.cycleLine = c.input.Value()
	c.hint = fmt.Sprintf("tab: %d of %d", c.cycleAt+1, len(c.cycle))
}

// candidates are what the verb's argument may be, from what is loaded.
func (m *Model) candidates(verb string) []string {
	var out []string
	switch verb {
	case "region":
		out = m.cfg.Regions
	case "profile":
		out = m.cfg.Profiles
	default:
		if j, _ := m.jumperFor(verb); j != nil {
			out = j.names()
		}
	}
	return out
}

// jumperFor is the screen on the stack, nearest the top, whose rows verb
// names, and where it is on the stack.
func (m *Model) jumperFor(verb string) (jumper, int) {
	for i := len(m.stack) - 1; i >= 0; i-- {
		if j, ok := m.stack[i].(jumper); ok && j.jumpVerb() == verb {
			return j, i
		}
	}
	return nil, -1
}

// quitCommand reports :q or :quit (vim's, k9s's), which quit as q does.
func quitCommand(line string) bool {
	switch strings.TrimSpace(line) {
	case "q", "quit", "q!":
		return true
	}
	return false
}

// verbs are the commands this session has: without Reconnect (over SSH)
// no switch of region, project or profile.
func (m *Model) verbs() []string {
	if m.cfg.Reconnect != nil {
		return cmdVerbs
	}
	return slices.DeleteFunc(slices.Clone(cmdVerbs), func(v string) bool { return v == "region" || v == "project" || v == "profile" })
}

// runCommand runs one command line.
func (m *Model) runCommand(line string) tea.Cmd {
	verb, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	if !slices.Contains(cmdVerbs, verb) {
		m.note = "unknown command :" + sanitize.Line(verb) + "; the commands are " + strings.Join(m.verbs(), ", ") + ", q"
		return nil
	}
	if verb == "fleet" {
		return m.openFleet()
	}
	if arg == "" {
		m.note = ":" + verb + " needs a value (tab completes)"
		return nil
	}
	if verb == "task" || verb == "run" {
		return m.jump(verb, arg)
	}
	if m.cfg.Reconnect == nil {
		m.note = "this session cannot switch " + verb + m.cfg.NoSwitchWhy
		return nil
	}
	reconnect := m.cfg.Reconnect
	m.note = "connecting to " + verb + " " + sanitize.Line(arg) + "…"
	m.cmd.seq++
	seq := m.cmd.seq
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), reconnectTimeout)
		defer cancel()
		sess, err := reconnect(ctx, verb, arg)
		return reconnectMsg{seq: seq, what: verb, value: arg, sess: sess, err: err}
	}
}

// jumpHints say where a verb's rows are, when no screen on the stack has
// them.
var jumpHints = map[string]string{"run": ":run needs a task: open one first (:task NAME)"}

// jump opens the row verb names on the nearest screen that lists such
// rows, as Enter would there: the screens above it close.
func (m *Model) jump(verb, arg string) tea.Cmd {
	j, at := m.jumperFor(verb)
	if j == nil {
		m.note = cmp.Or(jumpHints[verb], ":"+verb+" has no list of them open")
		return nil
	}
	open, note := j.jump(arg)
	if open == nil {
		m.note = note // nothing closed for a name mistyped
		return nil
	}
	// The screens above close first: the child may be one of them, kept
	// (a run's details), which closing would cut off from its requests.
	for len(m.stack) > at+1 {
		m.pop()
	}
	cmd := m.push(open())
	m.note = note // a found run's note: which of several it is
	return cmd
}

func positionOf[T any](l *pagedList[T], id string) int {
	pos := -1
	l.Each(func(p int, it *T) {
		if pos < 0 && l.ID(*it) == id {
			pos = p
		}
	})
	return pos
}

// takeReconnect starts over on the new source, at its task list; a
// failure keeps the session and says why.
func (m Model) takeReconnect(msg reconnectMsg) (Model, tea.Cmd) {
	drop := func() {
		if msg.sess.Release != nil {
			msg.sess.Release()
		}
	}
	if msg.seq != m.cmd.seq {
		drop() // a later switch was asked for
		return m, nil
	}
	if m.sendingActions() && msg.err == nil {
		drop()
		m.note = "not switched: power actions are being sent; type the command again once they are answered"
		return m, nil
	}
	if msg.err != nil {
		m.note = fmt.Sprintf("✗ could not switch %s to %s: %s (still on the previous one)", msg.what, sanitize.Line(msg.value), errorLine(msg.err))
		return m, nil
	}
	for _, v := range m.stack {
		v.close()
	}
	cfg := m.cfg
	cfg.Source, cfg.ProjectID, cfg.Where, cfg.TaskID, cfg.RecordID = msg.sess.Source, msg.sess.ProjectID, msg.sess.Where, "", ""
	cfg.Store = msg.sess.Store
	next := New(cfg)
	next.cmd = m.cmd // the command history goes on
	if m.release != nil {
		m.release() // the session replaced: its screens are closed
	}
	next.release = msg.sess.Release
	next.note = fmt.Sprintf("switched %s to %s: project %s", msg.what, sanitize.Line(msg.value), sanitize.Line(msg.sess.ProjectID))
	var cmds []tea.Cmd
	cmds = append(cmds, next.Init())
	if m.ready {
		updated, cmd := next.Update(tea.WindowSizeMsg{Width: m.width, Height: m.height})
		next = updated.(Model)
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}

// cmdlinePrompt is the line and its footer while it is open.
func (m Model) cmdlinePrompt() (line, footer string) {
	c := m.cmd
	c.input.Width = max(m.width-2, 4)
	footer = "enter runs · tab completes · ↑↓ history · esc closes"
	if c.hint != "" {
		footer = c.hint
	}
	return c.input.View(), footer
}
