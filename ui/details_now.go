package ui

import (
	"context"
	"errors"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/styles"
)

// The NOW column (N): each shown row's desktop as it is now, read for
// many desktops a request (GET desktops/detail, at most 100 ids) for the
// rows on screen, or for every row held while a now: filter is on, and
// kept a minute as the pane's state is (the same answers). "Did the
// reboot bring them back ACTIVE" is answered on the screen that asked.

// DesktopsSource reads many desktops' state a request; *api.Client is one.
type DesktopsSource interface {
	ListDesktops(ctx context.Context, desktopIDs []string) ([]api.Desktop, error)
}

// errNotListed is a desktop asked for in bulk that the answer left out:
// it no longer exists.
var errNotListed = &api.APIError{Status: 404, Code: "WKS.00010009", Message: "The desktop does not exist."}

// desktopsMsg is many desktops' state, or why they could not be read.
type desktopsMsg struct {
	ids   []string
	desks []api.Desktop
	err   error
}

// fetchMany asks for the desktops of ids whose state is not known, fresh
// or asked for, MaxDesktopIDs a request.
func (d *desktops) fetchMany(ids []string) tea.Cmd {
	if d.bulk == nil || d.denied != nil {
		return nil
	}
	var want []string
	for _, id := range ids {
		if id != "" && !d.fresh(id) && !d.pending[id] {
			d.pending[id] = true
			want = append(want, id)
		}
	}
	var cmds []tea.Cmd
	for chunk := range slices.Chunk(want, api.MaxDesktopIDs) {
		src := d.bulk
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(api.Background(context.Background()), desktopTimeout)
			defer cancel()
			desks, err := src.ListDesktops(ctx, chunk)
			return desktopsMsg{ids: chunk, desks: desks, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// takeMany stores a bulk answer: each desktop asked for, found or gone.
func (d *desktops) takeMany(m desktopsMsg) (note string) {
	if m.err != nil {
		for _, id := range m.ids {
			note = d.take(desktopMsg{id: id, err: m.err}) // a 403 stops the asking, said once
		}
		return note
	}
	byID := map[string]api.Desktop{}
	for _, k := range m.desks {
		byID[k.ID] = k
	}
	for _, id := range m.ids {
		if k, ok := byID[id]; ok {
			d.take(desktopMsg{id: id, desk: k})
		} else {
			d.take(desktopMsg{id: id, err: errNotListed})
		}
	}
	return ""
}

// Now is the desktop's state now in the words a now: term looks at:
// "shutoff", "active user", "error maintenance"; false when not known.
func (d *desktops) Now(id string) (string, bool) {
	a, ok := d.byID[id]
	if !ok || !d.fresh(id) {
		return "", false
	}
	var apiErr *api.APIError
	if errors.As(a.err, &apiErr) && apiErr.Status == 404 {
		return "gone", true
	}
	if a.err != nil {
		return "", false
	}
	words := []string{strings.ToLower(a.desk.Status)}
	if strings.EqualFold(a.desk.LoginStatus, "CONNECTED") {
		words = append(words, "user")
	}
	if a.desk.InMaintenanceMode {
		words = append(words, "maintenance")
	}
	return strings.Join(words, " "), true
}

// Version changes with every answer taken.
func (d *desktops) Version() int { return d.version }

// nowColumn is the NOW column: the status now, "+u" when a user is logged
// in, "+m" in maintenance; "…" while asked, "gone" for a desktop deleted.
func nowColumn(v *detailsView) column[triage.Row] {
	d := v.views.desks
	return column[triage.Row]{title: "NOW", width: 10, priority: 0,
		value: func(r triage.Row) string {
			id := r.DesktopID()
			a, ok := d.byID[id]
			switch {
			case d.pending[id] && (!ok || !d.fresh(id)):
				return "…"
			case !ok || !d.fresh(id):
				return "—"
			case a.err != nil:
				if words, _ := d.Now(id); words == "gone" {
					return "gone"
				}
				return "?"
			}
			s := sanitize.Line(a.desk.Status)
			if strings.EqualFold(a.desk.LoginStatus, "CONNECTED") {
				s += "+u"
			}
			if a.desk.InMaintenanceMode {
				s += "+m"
			}
			return s
		},
		style: func(st styles.Styles, r triage.Row) lipgloss.Style {
			if a, ok := d.byID[r.DesktopID()]; ok && a.err == nil {
				return st.Status(desktopStatusColour(a.desk.Status))
			}
			return st.Faint
		}}
}

// toggleNow shows or hides the NOW column.
func (v *detailsView) toggleNow(h host) tea.Cmd {
	if v.views.desks.bulk == nil {
		h.setNote("this source cannot read desktops' state")
		return nil
	}
	v.nowCol = !v.nowCol
	v.rebuildColumns()
	if !v.nowCol {
		return v.setSize(v.width, v.height)
	}
	h.setNote("NOW: each desktop's state now (+u a user logged in, +m in maintenance); /now:shutoff filters by it")
	return tea.Batch(v.setSize(v.width, v.height), v.fetchNow())
}

// fetchNow asks for the state of the rows that need it: those on screen
// with the NOW column, every row held under a now: filter.
func (v *detailsView) fetchNow() tea.Cmd {
	d := v.views.desks
	if d.bulk == nil || (!v.nowCol && !v.tr.UsesNow()) {
		return nil
	}
	// Asked after every message (rest): the rows are gone through only when
	// what they would ask for can have changed (rows came, the screen
	// scrolled, the filter changed, or half a minute passed: answers age).
	key := nowAskKey{v.list.Version(), v.list.Top(), v.list.Height(), v.tr.UsesNow(), d.now().Unix() / 30}
	if key == v.nowAsked {
		return nil
	}
	v.nowAsked = key
	var ids []string
	if v.tr.UsesNow() {
		// Every row held, up to what the session keeps: past it, answers
		// would push each other out and be asked for again and again.
		v.list.Each(func(_ int, r *triage.Row) {
			if len(ids) < maxDesktopsKept {
				ids = append(ids, r.DesktopID())
			}
		})
	} else {
		l := v.list
		for i := l.Top(); i < l.Top()+l.Height() && i < l.Count(); i++ {
			if r, ok := l.Row(l.PosOf(i)); ok {
				ids = append(ids, r.DesktopID())
			}
		}
	}
	return d.fetchMany(ids)
}

// nowAskKey is what fetchNow last went through the rows for.
type nowAskKey struct {
	version, top, height int
	all                  bool
	halfMinute           int64
}

// afterNowAnswer redraws the rows once states arrived, and refilters
// under a now: filter.
func (v *detailsView) afterNowAnswer() {
	if v.nowCol {
		v.rows = rowCache{}
	}
	if v.tr.UsesNow() {
		v.applyOrder()
	}
}

// afterNowAnswer tells the run screens on the stack that states arrived.
func (m *Model) afterNowAnswer() {
	for _, v := range m.stack {
		if d, ok := v.(*detailsView); ok {
			d.afterNowAnswer()
		}
	}
}
