package ui

import (
	"cmp"
	"strings"

	"github.com/wksrec/wksrec/api"
)

// sortKeys are what a sort compares for one detail, computed once: times
// parsed, the duration worked out, the name folded. Comparing raw rows
// parsed both times on every comparison (100,000 rows: seconds a sort).
type sortKeys struct {
	start    int64 // Unix nanoseconds, when hasStart
	hasStart bool
	dur      int64 // seconds; -1 when unknown
	name     string
}

func keysOf(d *api.Detail) sortKeys {
	k := sortKeys{dur: -1, name: strings.ToLower(d.DesktopName)}
	s, ok := api.ParseTime(d.StartTime, d.TimeZone)
	if ok {
		k.start, k.hasStart = s.UnixNano(), true
		if e, ok := api.ParseTime(d.EndTime, d.TimeZone); ok {
			k.dur = int64(e.Sub(s).Seconds())
		}
	}
	return k
}

// keyCache keeps each detail's sort keys by id, with the fields they came
// from, so a row sent again unchanged (every refresh, every page of a
// load-all) is not parsed again, and a changed one is.
type keyCache struct {
	byID map[string]cachedKeys
}

type cachedKeys struct {
	start, end, zone, name string
	keys                   sortKeys
}

func (c *keyCache) get(d *api.Detail) sortKeys {
	if d.ID == "" {
		return keysOf(d) // no id to keep it by
	}
	if e, ok := c.byID[d.ID]; ok && e.start == d.StartTime && e.end == d.EndTime && e.zone == d.TimeZone && e.name == d.DesktopName {
		return e.keys
	}
	if c.byID == nil {
		c.byID = map[string]cachedKeys{}
	}
	k := keysOf(d)
	c.byID[d.ID] = cachedKeys{start: d.StartTime, end: d.EndTime, zone: d.TimeZone, name: d.DesktopName, keys: k}
	return k
}

// trim forgets the keys of rows no longer held (the cache never outgrows
// the rows twice over).
func (c *keyCache) trim(held int) {
	if len(c.byID) > 2*held+1024 {
		c.byID = nil
	}
}

// compareBy orders two details by the sort key; ties keep position order
// (the sort is stable). Unparseable start times come last; unknown
// durations first.
func compareBy(by sortKey, a, b *api.Detail, ka, kb sortKeys) int {
	switch by {
	case sortStatus:
		return strings.Compare(a.ExecStatus, b.ExecStatus)
	case sortName:
		return strings.Compare(ka.name, kb.name)
	case sortStart:
		switch {
		case ka.hasStart && kb.hasStart:
			return cmp.Compare(ka.start, kb.start)
		case ka.hasStart != kb.hasStart:
			if ka.hasStart {
				return -1
			}
			return 1
		}
		return strings.Compare(a.StartTime, b.StartTime)
	case sortDuration:
		return cmp.Compare(ka.dur, kb.dur)
	case sortCode:
		return strings.Compare(a.ResultCode, b.ResultCode)
	}
	return 0
}
