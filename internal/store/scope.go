package store

import (
	"github.com/wksrec/wksrec/api"
)

// Scope is the store for one endpoint and project: what a session needs.
type Scope struct {
	s                 *Store
	endpoint, project string
}

// For is s's scope for a session's endpoint and project; nil when s is.
func (s *Store) For(endpoint, project string) *Scope {
	if s == nil {
		return nil
	}
	return &Scope{s: s, endpoint: endpoint, project: project}
}

// Load is the stored run of task, if any.
func (sc *Scope) Load(task, run string) (Run, bool) {
	r, err := sc.Read(task, run)
	return r, err == nil
}

// Runs are the records of the task's runs held (see Store.Runs).
func (sc *Scope) Runs(task string) []api.Record {
	if sc == nil {
		return nil
	}
	return sc.s.Runs(sc.endpoint, sc.project, task)
}

// Read is the stored run of task, or why not (see Store.Read).
func (sc *Scope) Read(task, run string) (Run, error) {
	if sc == nil {
		return Run{}, ErrNotStored
	}
	return sc.s.Read(Key{sc.endpoint, sc.project, task, run})
}

// Save stores a finished run of task (see Store.Save).
func (sc *Scope) Save(task string, r Run) error {
	if sc == nil {
		return nil
	}
	return sc.s.Save(Key{sc.endpoint, sc.project, task, r.Record.ID}, r)
}

// Writer stores a run of task as its rows arrive (see Store.Writer).
func (sc *Scope) Writer(task string, rec api.Record) *Writer {
	if sc == nil {
		return nil
	}
	return sc.s.Writer(Key{sc.endpoint, sc.project, task, rec.ID}, rec)
}
