package ui

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/sanitize"
	"github.com/wksrec/wksrec/internal/store"
	"github.com/wksrec/wksrec/internal/triage"
)

// A run's details from the store: a finished run opened again is read
// from disk whole, with no detail request, so the triage keys work at
// once; a finished run loaded whole from the API is stored. r fetches it
// from the API again, and the fresh copy, once whole, replaces it.

// storedMsg is a run read from the store (ok false: not there).
type storedMsg struct {
	list int
	rows []triage.Row
	ok   bool
	why  error // a stored copy not used, and why
}

// savedMsg says how storing a run went.
type savedMsg struct {
	list int
	err  error
}

// storeTimeout bounds the records request that finds a run's counts when
// the screen was opened by id.
const storeTimeout = 30 * time.Second

// fromStore reads the run from the store, off the UI's goroutine (a run
// of 100,000 rows is some tens of MiB to inflate and pack); nil without a
// store.
func (v *detailsView) fromStore() tea.Cmd {
	sc := v.views.store
	if sc == nil {
		return nil
	}
	list, task, run := v.list.id, v.taskID, v.recordID
	return func() tea.Msg {
		stored, err := sc.Read(task, run)
		if err != nil {
			if errors.Is(err, store.ErrNotStored) {
				err = nil
			}
			return storedMsg{list: list, why: err}
		}
		rows := triage.Rows(api.Page[api.Detail]{Items: stored.Details, Total: len(stored.Details)}).Items
		return storedMsg{list: list, rows: rows, ok: true}
	}
}

// takeStored shows the run from the store, every row at once, or asks
// the API for its first page when the store had none.
func (v *detailsView) takeStored(m storedMsg) tea.Cmd {
	v.list.Hold(false)
	if !m.ok || v.list.Gen() != 0 {
		// Not stored, or r was pressed meanwhile: the API's copy it is.
		if m.why != nil {
			why := "⚠ " + sanitize.Line(m.why.Error())
			return tea.Batch(v.list.start(), func() tea.Msg { return noteMsg(why) })
		}
		return v.list.start()
	}
	v.stored, v.savedGen = true, v.list.Gen()
	cmd := v.list.cmds(v.list.Preload(m.rows))
	if v.tr.Active() {
		v.applyOrder()
	}
	return cmd
}

// saveIfWhole stores the run once every row of this generation is in
// from the API, when it is finished and its rows agree with its record
// (store.Finished); once a generation. The rows are gathered here (the
// list is the UI's) and written off its goroutine.
func (v *detailsView) saveIfWhole() tea.Cmd {
	sc := v.views.store
	if sc == nil || v.savedGen == v.list.Gen() || !v.list.AllCurrent() || v.list.Total() < 0 {
		return nil
	}
	if v.record != nil && !store.Finished(*v.record, v.list.LoadedRows()) {
		return nil
	}
	v.savedGen = v.list.Gen()
	details := make([]api.Detail, 0, v.list.LoadedRows())
	v.list.Each(func(_ int, r *triage.Row) { details = append(details, r.Detail()) })
	rec, reader, list, task, run := v.record, v.views.reader, v.list.id, v.taskID, v.recordID
	return func() tea.Msg {
		if rec == nil { // opened by id: the runs list has its counts
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			defer cancel()
			found, err := reader.Find(ctx, task, run)
			if err != nil {
				return savedMsg{list: list} // no counts, nothing stored: no harm
			}
			rec = &found
		}
		err := sc.Save(task, store.Run{Record: *rec, Details: details})
		if errors.Is(err, store.ErrNotFinished) {
			err = nil
		}
		return savedMsg{list: list, err: err}
	}
}
