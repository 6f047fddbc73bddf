package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/internal/paging"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// column describes one table column over rows of type T.
//
// wksrec draws its own table rather than using bubbles/table: that one
// truncates by rune width through escape codes and lets a coloured cell's
// reset cancel the selection highlight (bubbles #502, #729), and it has no
// notion of rows that are not loaded yet.
type column[T any] struct {
	title    string
	sortKey  triage.SortKey // what ordering by this column sorts on; sortNone: not sortable
	width    int            // minimum width in cells
	maxWidth int            // grows up to this when there is room; 0 = fixed, -1 = unbounded
	priority int            // lower stays longer as the terminal narrows
	right    bool           // right-aligned (numbers, durations)
	value    func(T) string // sanitised cell text
	// sortValue, on a list's own column (the task list's), is what o
	// sorts the column by: the raw value, a time in sortable form.
	sortValue func(T) string
	style     func(styles.Styles, T) lipgloss.Style // optional per-cell style
	// styleByText says the style follows from the cell's text alone (a
	// status), so a drawn cell can be kept by its text: lipgloss's Render
	// was a quarter of drawing a row.
	styleByText bool
	// rich, when set, draws the cell with styles inside it (a history
	// strip, a colour a letter) where it is not selected; value is its
	// plain text for the selected row.
	rich func(styles.Styles, T) string
}

const (
	markerWidth = 2 // "▶ " before the selected row, "  " before others
	gap         = 1
)

// layoutColumns picks the columns that fit in width and their widths: by
// priority while the minimum widths fit, then spare cells go to the growable
// columns in priority order. It returns one width per column; 0 means hidden.
func layoutColumns[T any](cols []column[T], width int) []int {
	widths := make([]int, len(cols))
	avail := width - markerWidth
	order := byPriority(cols)
	used := 0
	for _, i := range order {
		need := cols[i].width
		if used > 0 {
			need += gap
		}
		if used+need > avail {
			continue
		}
		widths[i] = cols[i].width
		used += need
	}
	spare := avail - used
	for _, i := range order {
		if widths[i] == 0 || cols[i].maxWidth == 0 || spare <= 0 {
			continue
		}
		grow := spare
		if cols[i].maxWidth > 0 {
			grow = min(spare, cols[i].maxWidth-widths[i])
		}
		widths[i] += grow
		spare -= grow
	}
	return widths
}

func byPriority[T any](cols []column[T]) []int {
	order := make([]int, len(cols))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ { // insertion sort: stable, a handful of columns
		for j := i; j > 0 && cols[order[j]].priority < cols[order[j-1]].priority; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	return order
}

// fit truncates s to w display cells (with an ellipsis) and pads it to
// exactly w. Widths are display widths: a CJK character takes two cells.
func fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	var sw int
	switch {
	case printableASCII(s) && len(s) > w:
		// One cell a byte: cut without the grapheme walk, most cells.
		s, sw = s[:w-1]+"…", w
	case printableASCII(s):
		sw = len(s)
	default:
		sw = ansi.StringWidth(s)
		if sw > w {
			s = ansi.Truncate(s, w, "…")
			sw = ansi.StringWidth(s)
		}
	}
	pad := strings.Repeat(" ", w-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// printableASCII reports text of one cell a byte: no escape, no control,
// nothing wide.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// titleLines is how many lines the column titles take in a table of
// height lines: none when the table is so short that the rows need them.
func titleLines(height int) int {
	if height < 3 {
		return 0
	}
	return 1
}

// renderTable draws the column titles and the visible rows of l in width
// cells and height lines (titles included).
func renderTable[T any](l *pagedList[T], cols []column[T], widths []int, st styles.Styles, spin string, width, height int, cache *rowCache, sorted triage.SortKey, desc bool) string {
	lines := make([]string, 0, height)
	if titleLines(height) > 0 {
		lines = append(lines, renderTitles(cols, widths, st, sorted, desc))
	}
	for i := l.Top(); i < l.Top()+height-titleLines(height) && i < l.Count(); i++ {
		lines = append(lines, renderRow(l, i, cols, widths, st, spin, width, cache))
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// renderTitles draws the column titles; the sorted column's carries ▲ or ▼.
func renderTitles[T any](cols []column[T], widths []int, st styles.Styles, sorted triage.SortKey, desc bool) string {
	return strings.Repeat(" ", markerWidth) + joinCells(cols, widths, func(c column[T], w int) string {
		title := c.title
		if sorted != triage.SortNone && c.sortKey == sorted {
			arrow := "▲"
			if desc {
				arrow = "▼"
			}
			if ansi.StringWidth(title)+2 > w {
				title = fit(title, max(w-2, 1), false) // cut to make room for the arrow
			}
			title += " " + arrow
		}
		return st.ColumnTitle.Render(fit(title, w, c.right))
	})
}

// joinCells draws the shown columns (width > 0) with cell, one space apart.
// columnAt is the index of the column drawn at cell x of a table's line
// (as joinCells lays them out, after the marker), -1 for none.
func columnAt(widths []int, x int) int {
	at := markerWidth
	for i, w := range widths {
		if w == 0 {
			continue
		}
		if x >= at && x < at+w {
			return i
		}
		at += w + 1
	}
	return -1
}

func joinCells[T any](cols []column[T], widths []int, cell func(c column[T], width int) string) string {
	var b strings.Builder
	first := true
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(cell(c, widths[i]))
	}
	return b.String()
}

// renderRow draws the row at display index i.
func renderRow[T any](l *pagedList[T], i int, cols []column[T], widths []int, st styles.Styles, spin string, width int, cache *rowCache) string {
	selected, pos := i == l.Cursor(), l.PosOf(i)
	marker := "  "
	if selected {
		marker = "▶ "
	}
	var text string
	row, loaded := l.Row(pos)
	switch {
	case loaded && !selected:
		text = cache.row(l.Stamp(pos), cache.timeEpoch, pos, widths, func() string { return renderCells(row, cols, widths, st, false, cache.styled) })
	case loaded:
		text = renderCells(row, cols, widths, st, true, nil)
	case l.State(pos) == paging.RowFailed:
		text = fit("✗ not loaded – press r to retry", width-markerWidth, false)
		if !selected {
			text = st.Error.Render(text)
		}
	default:
		text = fit(spin+" loading…", width-markerWidth, false)
		if !selected {
			text = st.Placeholder.Render(text)
		}
	}
	if selected {
		// One style over plain text: no inner reset can cut the highlight short.
		return st.Selected.Render(marker + fit(text, width-markerWidth, false))
	}
	return marker + text
}

func renderCells[T any](row T, cols []column[T], widths []int, st styles.Styles, plain bool, styled map[string]string) string {
	return joinCells(cols, widths, func(c column[T], w int) string {
		if c.rich != nil && !plain {
			return fit(c.rich(st, row), w, c.right)
		}
		cell := fit(c.value(row), w, c.right)
		if c.style == nil || plain {
			return cell
		}
		if !c.styleByText || styled == nil {
			return c.style(st, row).Render(cell)
		}
		key := c.title + "\x00" + cell
		if s, ok := styled[key]; ok {
			return s
		}
		s := c.style(st, row).Render(cell)
		if len(styled) < maxCachedRows {
			styled[key] = s
		}
		return s
	})
}

// rowCache holds drawn rows (not the selected one) by position, for the
// redraws that follow every key, each with the stamp of the page it was
// drawn from: a page arriving elsewhere (every few milliseconds during a
// load-all) redraws nothing on screen.
type rowCache struct {
	byPos  map[int]drawnRow
	styled map[string]string // styled cells by column and text (styleByText)
	epoch  int               // of the time format: T redraws every row
	widths []int
	// timeEpoch is the time format's epoch now (set before each draw).
	timeEpoch int
}

type drawnRow struct {
	stamp int
	text  string
}

// maxCachedRows bounds the cache: scrolling through 100,000 rows must not
// keep them all drawn.
const maxCachedRows = 2048

// row returns the drawn row at pos, drawing it with draw on a miss. The
// cache is dropped when the column widths or the time format change.
func (c *rowCache) row(stamp, epoch, pos int, widths []int, draw func() string) string {
	if c.byPos == nil || len(c.byPos) >= maxCachedRows || c.epoch != epoch || !slices.Equal(c.widths, widths) {
		c.byPos, c.epoch, c.widths = map[int]drawnRow{}, epoch, slices.Clone(widths)
		c.styled = map[string]string{}
	}
	if r, ok := c.byPos[pos]; ok && r.stamp == stamp {
		return r.text
	}
	s := draw()
	c.byPos[pos] = drawnRow{stamp, s}
	return s
}
