package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/internal/wrap"
	"github.com/wksrec/wksrec/styles"
)

// detailPane shows every field of the selected row in a scrollable viewport.
// On wide terminals it stands beside the table (a left border); on narrow
// ones below it (a top border).
type detailPane struct {
	vp            viewport.Model
	width, height int // outer size, border included
	side          bool
	focused       bool
	zoomed        bool   // has the whole body
	shownID       string // the row whose text is shown; scroll resets when it changes
	text          string // what is shown
	// drawn is the last drawing, redrawn only when something it shows
	// changed: the pane is redrawn after every message otherwise, pages
	// arriving included.
	drawn *paneDrawing
}

type paneDrawing struct {
	key  paneKey
	view string
}

type paneKey struct {
	text                  string
	width, height, offset int
	side, focused, zoomed bool
	// The styles are not in the key: they are fixed for a model's life.
}

func newDetailPane() detailPane {
	vp := viewport.New(0, 0)
	vp.KeyMap = viewport.KeyMap{} // keys come from wksrec's keymap, not viewport's defaults
	return detailPane{vp: vp, drawn: &paneDrawing{}}
}

func (p *detailPane) SetSize(width, height int, side bool) {
	p.width, p.height, p.side = width, height, side
	p.vp.Width = p.innerWidth()
	p.vp.Height = max(height-2, 0) // title line + border
}

func (p *detailPane) innerWidth() int {
	if p.side {
		return max(p.width-2, 0) // border and one space
	}
	return p.width
}

func (p *detailPane) Focus() { p.focused = true }
func (p *detailPane) Blur()  { p.focused = false }

// SetContent shows text for row id; a new row starts at the top.
func (p *detailPane) SetContent(id, text string) {
	if id != p.shownID {
		p.vp.SetYOffset(0)
		p.shownID = id
	}
	if text != p.text || p.vp.TotalLineCount() == 0 {
		p.vp.SetContent(text)
		p.text = text
	}
}

func (p detailPane) View(st styles.Styles) string {
	if p.width <= 0 || p.height <= 0 {
		return ""
	}
	key := paneKey{p.text, p.width, p.height, p.vp.YOffset, p.side, p.focused, p.zoomed}
	if p.drawn != nil && p.drawn.key == key && p.drawn.view != "" {
		return p.drawn.view
	}
	view := p.draw(st)
	if p.drawn != nil {
		p.drawn.key, p.drawn.view = key, view
	}
	return view
}

func (p detailPane) draw(st styles.Styles) string {
	title := "Details"
	switch {
	case p.zoomed:
		title = "▸ Details · ↑↓ scroll · z or esc back to the list"
	case p.focused:
		title = "▸ Details · ↑↓ scroll · esc back"
	}
	if total := p.vp.TotalLineCount(); total > p.vp.Height && p.vp.Height > 0 {
		first := p.vp.YOffset + 1
		title += fmt.Sprintf(" · lines %d–%d of %d", first, min(p.vp.YOffset+p.vp.Height, total), total)
	}
	titleStyle := st.Faint
	if p.focused {
		titleStyle = st.Accent.Bold(true)
	}
	body := titleStyle.Render(fit(title, p.innerWidth(), false)) + "\n" + p.vp.View()
	border := st.Pane
	if p.focused {
		border = st.PaneFocused
	}
	if p.side {
		// Left border plus one space; the height is fixed so the pane fills the body.
		return border.Border(lipgloss.NormalBorder(), false, false, false, true).
			PaddingLeft(1).Height(p.height).MaxHeight(p.height).Render(body)
	}
	return border.Border(lipgloss.NormalBorder(), true, false, false, false).
		Width(p.width).Height(p.height - 1).MaxHeight(p.height).Render(body)
}

// paneHeightBelow is how tall the pane is under the table for a body of h lines.
func paneHeightBelow(h int) int {
	if h < 10 {
		return 0 // too small to show both: the table wins
	}
	return clamp(h*2/5, 5, 14)
}

// The pane's lines, shared by every screen's pane text.

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// field is one labelled line of a detail pane; value is sanitised already.
type field struct{ label, value string }

// nonEmpty drops the fields with nothing to say.
func nonEmpty(fields []field) []field {
	kept := fields[:0]
	for _, f := range fields {
		if strings.TrimSpace(f.value) != "" {
			kept = append(kept, f)
		}
	}
	return kept
}

const labelWidth = 12

// labelled lays out label/value pairs; values wrap at word boundaries (or
// hard where a word is longer than the line, as IDs are on narrow panes).
func labelled(fields []field, st styles.Styles, width int) string {
	valueWidth := max(width-labelWidth-1, 8)
	indent := strings.Repeat(" ", labelWidth+1)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(st.Label.Render(fit(f.label, labelWidth, false)))
		b.WriteByte(' ')
		wrapped := wrap.Text(f.value, valueWidth)
		b.WriteString(strings.ReplaceAll(wrapped, "\n", "\n"+indent))
	}
	return b.String()
}
