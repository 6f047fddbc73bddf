package listing

import (
	"errors"
	"math"
	"testing"
)

// answer is one page's answer as Length sees it, and what should follow.
type answer struct {
	offset, n, reported int
	want                int  // the length after it
	ended, probing      bool // Ended and Probing after it
}

// The length of a listing of 100-row pages, answer by answer: total_count
// is a hint, short and empty pages are facts.
func TestLength(t *testing.T) {
	const furthest = 250 // the end of the rows held, when asked
	for _, tc := range []struct {
		name    string
		answers []answer
	}{
		{"total as claimed", []answer{
			{0, 100, 250, 250, false, false},
			{100, 100, 250, 250, false, false},
			{200, 50, 250, 250, true, false},
		}},
		{"a claimed total past the rows ends at the short page", []answer{
			{0, 100, 1000, 1000, false, false},
			{200, 50, 1000, 250, true, false},
		}},
		{"a total below the rows: rows win at a full page", []answer{
			{0, 100, 100, 100, false, false},
			{100, 100, 100, 200, false, false},
		}},
		{"an empty first page ends an empty listing", []answer{
			{0, 0, 7, 0, true, false},
		}},
		{"an empty page past the end believes a smaller total at once", []answer{
			{0, 100, 1000, 1000, false, false},
			{300, 0, 250, 250, true, false},
		}},
		{"an empty page before the claimed end: the rows held are the end, probed past", []answer{
			{0, 100, 1000, 1000, false, false},
			{500, 0, 1000, furthest, true, true},
		}},
		{"while probing only rows count", []answer{
			{500, 0, 1000, furthest, true, true},
			{200, 100, 1000, 300, true, true}, // more rows than the end held: they count, total_count does not
		}},
		{"a later page's stale total cannot undo a short page", []answer{
			{200, 50, 250, 250, true, false},
			{100, 100, 1000, 250, true, false},
		}},
		{"rows beyond the old end: the listing grew", []answer{
			{200, 50, 250, 250, true, false},
			{200, 100, 250, 300, false, false},
		}},
		{"2^63-1 is held to MaxTotal", []answer{
			{0, 100, math.MaxInt, MaxTotal, false, false},
		}},
		{"a negative total is no rows", []answer{
			{0, 100, -5, 100, false, false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, total := New(100), -1
			for i, a := range tc.answers {
				total = r.Length(total, a.offset, a.n, a.reported, func() int { return furthest })
				if total != a.want || r.Ended() != a.ended || r.Probing() != a.probing {
					t.Fatalf("answer %d %+v: length %d, ended %v, probing %v", i, a, total, r.Ended(), r.Probing())
				}
			}
			r.Reset()
			if r.Ended() || r.Probing() {
				t.Error("Reset kept what the answers said")
			}
		})
	}
}

// page is one answer as Repeat sees it, and whether it should end the
// listing (at end).
type page struct {
	offset, n, fresh int
	same             bool
	ended            bool
	end              int
}

// RepeatLimit full pages in a row with nothing new end the listing where
// the first of them began; anything new, or a short page, does not.
func TestRepeat(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages []page
	}{
		{"three full pages with nothing new", []page{
			{100, 100, 0, false, false, 0},
			{200, 100, 0, false, false, 0},
			{300, 100, 0, false, true, 100},
		}},
		{"the same rows again: rows without ids", []page{
			{100, 100, 100, true, false, 0},
			{200, 100, 100, true, false, 0},
			{300, 100, 100, true, true, 100},
		}},
		{"a page with something new breaks the run", []page{
			{100, 100, 0, false, false, 0},
			{200, 100, 0, false, false, 0},
			{300, 100, 1, false, false, 0},
			{400, 100, 0, false, false, 0},
			{500, 100, 0, false, false, 0},
			{600, 100, 0, false, true, 400},
		}},
		{"a short page neither counts nor breaks a run", []page{
			{100, 100, 0, false, false, 0},
			{200, 50, 0, false, false, 0},
			{300, 100, 0, false, false, 0},
			{400, 100, 0, false, true, 100},
		}},
		{"pages out of order end at the lowest", []page{
			{300, 100, 0, false, false, 0},
			{100, 100, 0, false, false, 0},
			{200, 100, 0, false, true, 100},
		}},
		{"pages longer than asked count as full", []page{
			{100, 150, 0, false, false, 0},
			{200, 150, 0, false, false, 0},
			{300, 150, 0, false, true, 100},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New(100)
			for i, p := range tc.pages {
				end, ended := r.Repeat(p.offset, p.n, p.fresh, p.same)
				if ended != p.ended || ended && end != p.end {
					t.Fatalf("page %d %+v: ended %v at %d", i, p, ended, end)
				}
			}
			if last := tc.pages[len(tc.pages)-1]; last.ended {
				// A stale total_count on a page before the end cannot undo it.
				if !r.Ended() || r.Probing() || r.Length(MaxTotal, 0, 100, MaxTotal, nil) != last.end {
					t.Error("the repeats did not end the listing where they began")
				}
			}
		})
	}
}

func TestSame(t *testing.T) {
	for _, tc := range []struct {
		rows, before []string
		want         bool
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, true},
		{[]string{"a", "b"}, []string{"a", "c"}, false},
		{[]string{"a"}, nil, false},
		{nil, nil, false}, // an empty page repeats nothing
	} {
		if got := Same(tc.rows, tc.before); got != tc.want {
			t.Errorf("Same(%q, %q) = %v", tc.rows, tc.before, got)
		}
	}
}

// A row is a duplicate when its id is held at another position that still
// holds it; rows without ids never are.
func TestIndex(t *testing.T) {
	gone := func(int, string) bool { return false } // every earlier position was replaced
	for _, tc := range []struct {
		name  string
		ids   []string
		pos   []int
		held  func(int, string) bool
		dups  []bool
		index Index
	}{
		{"new ids", []string{"a", "b"}, []int{0, 1}, nil, []bool{false, false}, Index{"a": 0, "b": 1}},
		{"an id sent again", []string{"a", "b", "a"}, []int{0, 1, 2}, nil, []bool{false, false, true}, Index{"a": 2, "b": 1}},
		{"the same position again is no duplicate", []string{"a", "a"}, []int{5, 5}, nil, []bool{false, false}, Index{"a": 5}},
		{"rows without ids are each their own", []string{"", ""}, []int{0, 1}, nil, []bool{false, false}, Index{}},
		{"a position that no longer holds it", []string{"a", "a"}, []int{0, 1}, gone, []bool{false, false}, Index{"a": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := Index{}
			for i, id := range tc.ids {
				if _, dup := x.Note(id, tc.pos[i], tc.held); dup != tc.dups[i] {
					t.Errorf("row %d (%q at %d): duplicate %v", i, id, tc.pos[i], dup)
				}
			}
			if len(x) != len(tc.index) {
				t.Fatalf("index %v, want %v", x, tc.index)
			}
			for id, pos := range tc.index {
				if x[id] != pos {
					t.Errorf("index %v, want %v", x, tc.index)
				}
			}
		})
	}
}

func TestErrRepeatingWraps(t *testing.T) {
	if !errors.Is(errors.Join(errors.New("x"), ErrRepeating), ErrRepeating) {
		t.Fatal("ErrRepeating is not a sentinel")
	}
}
