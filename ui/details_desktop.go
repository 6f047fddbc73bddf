package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/styles"
)

// The selected desktop as it is now, in the details' pane: fetched once
// the cursor rests on a row (not for rows skimmed past), kept a minute,
// and never in the way of a key.

// DesktopSource is what the pane reads a desktop's state from; *api.Client
// is one. A Source without it shows no state.
type DesktopSource interface {
	GetDesktop(ctx context.Context, desktopID string) (api.Desktop, error)
}

const (
	// desktopRest is how long the cursor must rest on a row before its
	// desktop is asked for.
	desktopRest = 400 * time.Millisecond
	// desktopFresh is how long an answer is shown without asking again.
	desktopFresh = time.Minute
	// maxDesktopsKept bounds the answers kept: every desktop of a large
	// run under a now: filter (a few hundred bytes each).
	maxDesktopsKept = 50_000
	// desktopTimeout bounds one request.
	desktopTimeout = 15 * time.Second
)

// desktops is the session's knowledge of desktops now.
type desktops struct {
	src     DesktopSource  // nil: the source cannot tell
	bulk    DesktopsSource // many a request (the NOW column); nil: the source cannot
	version int            // answers taken, for the now: filter's order
	rest    time.Duration
	now     func() time.Time
	byID    map[string]desktopAnswer
	denied  error // a 403: the credentials may not read desktops; asked no more
	pending map[string]bool
}

type desktopAnswer struct {
	desk api.Desktop
	err  error // a 404: gone; anything else: could not tell
	at   time.Time
}

func newDesktops(src Source, rest time.Duration, now func() time.Time) *desktops {
	d := &desktops{rest: rest, now: now, byID: map[string]desktopAnswer{}, pending: map[string]bool{}}
	d.src, _ = src.(DesktopSource)
	d.bulk, _ = src.(DesktopsSource)
	if d.now == nil {
		d.now = time.Now
	}
	return d
}

// restMsg says the cursor came to rest on desktop id (of the details view
// list) a while ago.
type restMsg struct {
	list int
	id   string
}

// desktopMsg is one desktop's state, or why it could not be read.
type desktopMsg struct {
	id   string
	desk api.Desktop
	err  error
}

// logins counts, of ids, the desktops whose state the session knows now
// (an answer young enough to show) and those with a user connected.
func (d *desktops) logins(ids []string) (connected, known int) {
	for _, id := range ids {
		a, ok := d.byID[id]
		if !ok || a.err != nil || !d.fresh(id) {
			continue
		}
		known++
		if strings.EqualFold(a.desk.LoginStatus, "CONNECTED") {
			connected++
		}
	}
	return connected, known
}

// fresh reports an answer young enough to show without asking.
func (d *desktops) fresh(id string) bool {
	a, ok := d.byID[id]
	return ok && d.now().Sub(a.at) < desktopFresh
}

// restOn waits for the cursor to rest on desktop id, when it is worth
// asking for.
func (d *desktops) restOn(list int, id string) tea.Cmd {
	if d.src == nil || d.denied != nil || id == "" || d.fresh(id) || d.pending[id] {
		return nil
	}
	return tea.Tick(d.rest, func(time.Time) tea.Msg { return restMsg{list: list, id: id} })
}

// fetch asks for desktop id.
func (d *desktops) fetch(id string) tea.Cmd {
	if d.src == nil || d.denied != nil || d.fresh(id) || d.pending[id] {
		return nil
	}
	d.pending[id] = true
	src := d.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), desktopTimeout)
		defer cancel()
		desk, err := src.GetDesktop(ctx, id)
		return desktopMsg{id: id, desk: desk, err: err}
	}
}

// take stores an answer; a 403 stops the asking for the session, and says
// so once.
func (d *desktops) take(m desktopMsg) (note string) {
	delete(d.pending, m.id)
	var apiErr *api.APIError
	if errors.As(m.err, &apiErr) && apiErr.Status == 403 {
		d.denied = m.err
		return "the credentials may not read desktops (HTTP 403 " + sanitize.Line(apiErr.Code) + "): the pane stops showing their state"
	}
	if len(d.byID) >= maxDesktopsKept {
		d.dropStale()
	}
	d.byID[m.id] = desktopAnswer{desk: m.desk, err: m.err, at: d.now()}
	d.version++
	return ""
}

// dropStale makes room: the answers too old to show go, and if that is
// not enough, all of them.
func (d *desktops) dropStale() {
	for id := range d.byID {
		if !d.fresh(id) {
			delete(d.byID, id)
		}
	}
	if len(d.byID) >= maxDesktopsKept {
		clear(d.byID)
	}
}

// forget drops what is known of ids: after an action on them, it is old.
func (d *desktops) forget(ids []string) {
	for _, id := range ids {
		delete(d.byID, id)
	}
}

// fields are the desktop's state now, for the pane (none when the source
// cannot tell).
func (d *desktops) fields(id string, st styles.Styles) []field {
	if d.src == nil || d.denied != nil || id == "" {
		return nil
	}
	a, ok := d.byID[id]
	switch {
	case !ok && d.pending[id]:
		return []field{{"Now", st.Placeholder.Render("asking…")}}
	case !ok:
		return []field{{"Now", st.Placeholder.Render("rest on the row to see its state now")}}
	case a.err != nil:
		var apiErr *api.APIError
		if errors.As(a.err, &apiErr) && apiErr.Status == 404 {
			return []field{{"Now", st.Error.Render("gone: the desktop no longer exists")}}
		}
		what, _ := describeError(a.err)
		return []field{{"Now", st.Error.Render("could not tell: " + what)}}
	}
	k := a.desk
	state := st.Status(desktopStatusColour(k.Status)).Render(orDash(sanitize.Line(k.Status)))
	if k.TaskStatus != "" {
		state += " (" + sanitize.Line(k.TaskStatus) + ")"
	}
	if k.InMaintenanceMode {
		state += " · in maintenance"
	}
	return nonEmpty([]field{
		{"Now", state + st.Faint.Render(" · as of "+a.at.Format("15:04:05"))},
		{"Login", sanitize.Line(strings.TrimSpace(k.LoginStatus + " " + k.UserName))},
		{"IP", sanitize.Line(strings.Join(k.IPAddresses, ", "))},
	})
}

// rest is what the details screen asks after every message: when the
// cursor came to another desktop, wait for it to rest there.
func (v *detailsView) rest() tea.Cmd {
	r, ok := v.list.Selected()
	id := ""
	if ok {
		id = r.DesktopID()
	}
	if id == v.restingOn {
		return v.fetchNow()
	}
	v.restingOn = id
	if cmd := v.views.desks.restOn(v.list.id, id); cmd != nil || !ok {
		return tea.Batch(cmd, v.fetchNow())
	}
	if taskID, want := v.wantsScript(r.Status()); want && v.views.scripts.wants(taskID, id) {
		list := v.list.id // no state to ask for (known, or none to be had): the rest is for the output
		return tea.Batch(v.fetchNow(), tea.Tick(v.views.desks.rest, func(time.Time) tea.Msg { return restMsg{list: list, id: id} }))
	}
	return v.fetchNow()
}

// rester is a screen that wants to know where the cursor rests.
type rester interface{ rest() tea.Cmd }

// desktopStatusColour maps a desktop's status to the colour of a run
// status: running is good, error bad, off in between.
func desktopStatusColour(status string) string {
	switch strings.ToUpper(status) {
	case "ACTIVE":
		return "SUCCESS"
	case "ERROR":
		return "FAIL"
	case "SHUTOFF", "HIBERNATED":
		return "SKIP"
	}
	return status
}
