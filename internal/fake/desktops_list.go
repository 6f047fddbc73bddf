package fake

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/wksrec/wksrec/api"
)

// Many desktops' state a request: GET /v2/{project_id}/desktops/detail,
// desktop_id repeated (at most 100: the SDK's sibling call's limit; the
// detail call's own is not given), limit 0..500 (default 500). A desktop
// id that is not known is left out, as the API leaves out what it does
// not find.

func (s *Server) routeDesktopsList() {
	s.mux.HandleFunc("GET /v2/{project_id}/desktops/detail", s.listDesktops)
}

func (s *Server) listDesktops(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ids := q["desktop_id"]
	if len(ids) > api.MaxDesktopIDs {
		writeError(w, http.StatusBadRequest, "WKS.00010002", "desktop_id: at most 100 desktop ids.")
		return
	}
	offset, limit := 0, 500
	for key, v := range map[string]*int{"offset": &offset, "limit": &limit} {
		if raw := q.Get(key); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 || (key == "limit" && n > 500) {
				writeError(w, http.StatusBadRequest, "WKS.00010002", key+" is out of range.")
				return
			}
			*v = n
		}
	}
	p := s.power
	p.mu.Lock()
	var out []api.Desktop
	add := func(id, name string) {
		d := desktopState(id, name)
		if st := p.changed[id]; st != "" {
			d.Status, d.TaskStatus = st, ""
		}
		out = append(out, d)
	}
	if len(ids) > 0 {
		seen := map[string]bool{}
		for _, id := range ids {
			if name, ok := p.known[id]; ok && !seen[id] {
				seen[id] = true
				add(id, name)
			}
		}
	} else {
		for _, id := range slices.Sorted(maps.Keys(p.known)) { // one order, for paging
			add(id, p.known[id])
		}
	}
	p.mu.Unlock()
	writeJSON(w, map[string]any{"desktops": window(out, offset, limit), "total_count": len(out)})
}
