package triage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/filter"
	"github.com/wksrec/wksrec/internal/paging"
)

// randomDetails are n details with few distinct statuses, codes and
// names, times that parse and times that do not, and some without an id.
func randomDetails(r *rand.Rand, n int, tag string) []api.Detail {
	statuses := []string{"SUCCESS", "FAIL", "FAILED", "SKIP", "RUNNING", "success"}
	times := []string{"2026-11-28 02:00:00", "2026-11-28 02:00:07", "2026-11-28 01:59:59", "2026-11-28T02:00:03Z", "", "garbage", "2026-11-28 02:03:00"}
	out := make([]api.Detail, n)
	for i := range out {
		d := api.Detail{
			ID:          fmt.Sprintf("%s-%d", tag, i),
			DesktopName: []string{"Lab-1", "lab-2", "研发-3", "LAB-1", ""}[r.IntN(5)],
			ExecStatus:  statuses[r.IntN(len(statuses))],
			ResultCode:  []string{"", "WKS.1", "WKS.2"}[r.IntN(3)],
			FailReason:  []string{"", "quota exceeded", "no answer"}[r.IntN(3)],
			StartTime:   times[r.IntN(len(times))],
			EndTime:     times[r.IntN(len(times))],
			TimeZone:    []string{"Asia/Shanghai", "GMT+08:00", ""}[r.IntN(3)],
		}
		if r.IntN(10) == 0 {
			d.ID = "" // each its own row
		}
		out[i] = d
	}
	return out
}

// referenceOrder is what a triage shows, worked out the slow, obvious way
// from the rows Each yields: filter, then a stable sort whose comparison
// parses the times every time.
func referenceOrder(l *paging.List[Row], tr Criteria) []int {
	type row struct {
		pos int
		d   api.Detail
	}
	var rows []row
	l.Each(func(pos int, r *Row) {
		if tr.Match(r) {
			rows = append(rows, row{pos, r.Detail()})
		}
	})
	dur := func(d api.Detail) int64 {
		s, ok1 := api.ParseTime(d.StartTime, d.TimeZone)
		e, ok2 := api.ParseTime(d.EndTime, d.TimeZone)
		if !ok1 || !ok2 {
			return -1
		}
		return int64(e.Sub(s).Seconds())
	}
	compare := func(a, b api.Detail) int {
		switch tr.SortBy {
		case SortStatus:
			return strings.Compare(a.ExecStatus, b.ExecStatus)
		case SortCode:
			return strings.Compare(a.ResultCode, b.ResultCode)
		case SortName:
			return strings.Compare(strings.ToLower(a.DesktopName), strings.ToLower(b.DesktopName))
		case SortDuration:
			da, db := dur(a), dur(b)
			switch {
			case da < db:
				return -1
			case da > db:
				return 1
			}
		case SortStart:
			sa, oka := api.ParseTime(a.StartTime, a.TimeZone)
			sb, okb := api.ParseTime(b.StartTime, b.TimeZone)
			switch {
			case oka && okb:
				return sa.Compare(sb)
			case oka:
				return -1
			case okb:
				return 1
			}
			return strings.Compare(a.StartTime, b.StartTime)
		}
		return 0
	}
	sort.SliceStable(rows, func(i, j int) bool {
		c := compare(rows[i].d, rows[j].d)
		if tr.Desc {
			c = -c
		}
		return c < 0
	})
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.pos
	}
	return out
}

func shownPositions(l *paging.List[Row]) []int {
	out := make([]int, l.Count())
	for i := range out {
		out[i] = l.PosOf(i)
	}
	return out
}

func deliver(l *paging.List[Row], page, pageSize, total int, rows []api.Detail) {
	items := Rows(api.Page[api.Detail]{Items: rows[page*pageSize : min((page+1)*pageSize, len(rows))]}).Items
	l.Handle(paging.Answer[Row]{Gen: l.Gen(), Page: page, Result: api.Page[Row]{Items: items, Total: total}})
}

// Pages arriving in any order, refreshed pages, a shrinking listing and a
// record sent twice: the order kept page by page is always the order
// worked out from scratch, and so are the counts.
func TestOrderKeptAsPagesArriveIsTheOrderFromScratch(t *testing.T) {
	triages := []Criteria{
		{SortBy: SortStart},
		{SortBy: SortStart, Desc: true},
		{FailedOnly: true, SortBy: SortDuration},
		{SortBy: SortName, Desc: true},
		{Status: "success", SortBy: SortStatus},
		{SortBy: SortCode},
		{FailedOnly: true},
		{Group: &GroupKey{"FAIL", "WKS.1", "quota exceeded"}, SortBy: SortStart},
	}
	text, err := filter.Parse("reason:quota | name:lab")
	if err != nil {
		t.Fatal(err)
	}
	triages = append(triages, Criteria{Text: text, SortBy: SortDuration, Desc: true})
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		tr := triages[int(seed)%len(triages)]
		const pageSize = 10
		n := 30 + r.IntN(70)
		rows := randomDetails(r, n, "a")
		rows[n-1].ID = rows[1].ID // sent twice: the second copy arrives on a page of its own
		l := paging.New(func(r Row) string { return r.ID() }, paging.Options{PageSize: pageSize})
		var o Order
		var counts StatusCounts
		check := func(step string) {
			t.Helper()
			o.Update(l, tr)
			if got, want := shownPositions(l), referenceOrder(l, tr); !slices.Equal(got, want) {
				t.Fatalf("seed %d, %s: order\n got %v\nwant %v", seed, step, got, want)
			}
			want := map[string]int{}
			l.Each(func(_ int, r *Row) { want[strings.ToUpper(r.Status())]++ })
			if got := counts.Update(l); !mapsEqual(got, want) {
				t.Fatalf("seed %d, %s: counts %v, want %v", seed, step, got, want)
			}
		}
		pages := r.Perm((n + pageSize - 1) / pageSize)
		for _, p := range pages {
			deliver(l, p, pageSize, n, rows)
			check(fmt.Sprintf("page %d", p))
		}
		// A refresh: some rows changed, pages come back in another order.
		for i := range rows {
			if r.IntN(4) == 0 {
				rows[i] = randomDetails(r, 1, fmt.Sprintf("b%d", i))[0]
			}
		}
		l.Refresh()
		for _, p := range r.Perm(len(pages))[:len(pages)/2] {
			deliver(l, p, pageSize, n, rows)
			check(fmt.Sprintf("refreshed page %d", p))
		}
		// The listing shrinks: an empty page ends it where a page began,
		// and then a short page ends it sooner.
		boundary := (n - 1) / pageSize * pageSize
		l.Handle(paging.Answer[Row]{Gen: l.Gen(), Page: boundary / pageSize, Result: api.Page[Row]{Total: boundary - pageSize}})
		check("ended at a page boundary")
		short := (n / pageSize / 2) * pageSize
		deliver(l, short/pageSize, pageSize, short+3, rows[:short+3])
		check("shrunk")
		// A record sent at two positions.
		rows[0].ID = "twice"
		rows[pageSize].ID = "twice"
		deliver(l, 0, pageSize, short+3, rows)
		deliver(l, 1, pageSize, short+3, rows)
		check("a record twice")
		// The triage changes.
		tr = triages[(int(seed)+1)%len(triages)]
		check("another triage")
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The merge is the merge: ties go by position, whichever side they are on.
func TestMergeIntoKeepsTheTotalOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for range 200 {
		var all []orderEntry
		for i := range r.IntN(30) {
			all = append(all, orderEntry{key: int64(r.IntN(4)), str: []string{"a", "b"}[r.IntN(2)], pos: i})
		}
		desc := r.IntN(2) == 0
		var es, add []orderEntry
		for _, e := range all {
			if r.IntN(3) == 0 {
				add = append(add, e)
			} else {
				es = append(es, e)
			}
		}
		cmp := func(a, b orderEntry) int { return compareEntries(a, b, desc) }
		slices.SortFunc(es, cmp)
		slices.SortFunc(add, cmp)
		slices.SortFunc(all, cmp)
		if got := mergeInto(es, add, desc); !slices.Equal(got, all) {
			t.Fatalf("merge\n got %v\nwant %v", got, all)
		}
	}
}

// The failure groups kept page by page are the groups worked out from
// every row: counts, and the first desktops by position.
func TestGroupsKeptAsPagesArriveAreTheGroupsFromScratch(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		const pageSize = 10
		n := 40 + r.IntN(80)
		rows := randomDetails(r, n, "g")
		for i := range rows {
			rows[i].DesktopName = fmt.Sprintf("desk-%d", i)
		}
		rows[n-1].ID = rows[2].ID
		l := paging.New(func(r Row) string { return r.ID() }, paging.Options{PageSize: pageSize})
		var tally GroupTally
		check := func(step string) {
			t.Helper()
			type want struct {
				count int
				names []string
			}
			wants := map[GroupKey]*want{}
			l.Each(func(_ int, r *Row) {
				d := r.Detail()
				if st := strings.ToUpper(d.ExecStatus); st != "FAIL" && st != "FAILED" && st != "SKIP" {
					return
				}
				k := GroupKey{d.ExecStatus, d.ResultCode, d.FailReason}
				if wants[k] == nil {
					wants[k] = &want{}
				}
				wants[k].count++
				if len(wants[k].names) < 5 {
					wants[k].names = append(wants[k].names, d.DesktopName)
				}
			})
			got := tally.Update(l)
			if len(got) != len(wants) {
				t.Fatalf("seed %d, %s: %d groups, want %d", seed, step, len(got), len(wants))
			}
			for i, g := range got {
				w := wants[g.Key]
				if w == nil || g.Count != w.count || !slices.Equal(g.Desktops, w.names) {
					t.Fatalf("seed %d, %s: group %+v, want %+v", seed, step, g, w)
				}
				if i > 0 && got[i-1].Count < g.Count {
					t.Fatalf("seed %d, %s: groups not largest first", seed, step)
				}
			}
		}
		for _, p := range r.Perm((n + pageSize - 1) / pageSize) {
			deliver(l, p, pageSize, n, rows)
			check(fmt.Sprintf("page %d", p))
		}
		rows[5].ExecStatus, rows[5].ResultCode = "FAIL", "WKS.9"
		l.Refresh()
		deliver(l, 0, pageSize, n, rows)
		check("refreshed")
	}
}
