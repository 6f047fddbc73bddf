package actions

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/numfmt"
)

// Target is one desktop an action would act on, as the run shows it.
type Target struct {
	ID, Name, Status string
}

// Plan is an action on a set of desktops frozen when it was made: what the
// menu offers and --dry-run prints, and all that is sent once confirmed.
type Plan struct {
	Action  api.PowerAction
	Targets []Target // each desktop once, in the order shown
	// Unusable counts the rows left out: no desktop id, or one no request
	// could carry.
	Unusable int
	// ChunkSize is how many desktops a request carries: 100 for a power
	// action (the default), 1,000 for a re-run (a task's objects).
	ChunkSize int
}

// NewPlan is the plan of a on rows: each desktop once (its first row),
// rows without a usable id left out and counted.
func NewPlan(a api.PowerAction, rows []Target) Plan {
	p := Plan{Action: a}
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		switch {
		case r.ID == "" || api.ValidID(r.ID) != nil:
			p.Unusable++
		case !seen[r.ID]:
			seen[r.ID] = true
			p.Targets = append(p.Targets, r)
		}
	}
	return p
}

// IDs are the plan's desktop ids, in its order.
func (p Plan) IDs() []string {
	ids := make([]string, len(p.Targets))
	for i, t := range p.Targets {
		ids[i] = t.ID
	}
	return ids
}

// Chunks are the requests the plan is sent in: up to 100 desktops each,
// in its order.
func (p Plan) Chunks() [][]string {
	ids := p.IDs()
	var chunks [][]string
	size := cmp.Or(p.ChunkSize, api.MaxActionDesktops)
	for len(ids) > 0 {
		n := min(len(ids), size)
		chunks = append(chunks, ids[:n:n])
		ids = ids[n:]
	}
	return chunks
}

// digestLen is the digest's length in hex digits: 64 bits, enough that a
// plan reviewed is never mistaken for another, short enough to type.
const digestLen = 16

// Digest names exactly what the plan sends: the action and the sorted
// desktop ids. A plan printed by --dry-run and confirmed by its digest is
// applied as reviewed, or not at all (as terraform's plan and apply).
func (p Plan) Digest() string {
	ids := p.IDs()
	slices.Sort(ids)
	h := sha256.New()
	fmt.Fprintf(h, "wksrec action plan 1\n%s\n%s\n", p.Action.Name, strings.Join(ids, "\n"))
	return hex.EncodeToString(h.Sum(nil))[:digestLen]
}

// StatusCount is how many of the plan's desktops had one status in the run.
type StatusCount struct {
	Status string
	N      int
}

// ByStatus counts the desktops by their status in the run, most first.
func (p Plan) ByStatus() []StatusCount {
	n := map[string]int{}
	for _, t := range p.Targets {
		n[t.Status]++
	}
	out := make([]StatusCount, 0, len(n))
	for s, k := range n {
		out = append(out, StatusCount{s, k})
	}
	slices.SortFunc(out, func(a, b StatusCount) int { return cmp.Or(b.N-a.N, strings.Compare(a.Status, b.Status)) })
	return out
}

// Succeeded is how many of the desktops succeeded in the run: acting on
// them is seldom what was meant.
func (p Plan) Succeeded() int {
	n := 0
	for _, t := range p.Targets {
		if strings.EqualFold(t.Status, "SUCCESS") {
			n++
		}
	}
	return n
}

// Summary is the plan's desktops counted by status: "2,537 desktops:
// 1,770 SUCCESS · 510 FAIL · 230 SKIP · 27 RUNNING". Statuses are the
// API's words; the caller sanitises for the screen.
func (p Plan) Summary() string {
	s := numfmt.Plural(len(p.Targets), "desktop", "desktops")
	var parts []string
	for _, c := range p.ByStatus() {
		parts = append(parts, numfmt.Commas(c.N)+" "+cmp.Or(c.Status, "(no status)"))
	}
	if len(parts) == 0 {
		return s
	}
	return s + ": " + strings.Join(parts, " · ")
}

var (
	// A count as typed or as shown, without leading zeros: 0, 2537, 2,537.
	countForm  = regexp.MustCompile(`^(0|[1-9][0-9]{0,2}(,[0-9]{3})*|[1-9][0-9]{0,11})$`)
	digestForm = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// Confirms reports whether answer confirms the plan: its number of
// desktops, as typed or as shown ("2537", "2,537"), or its digest. An
// answer of 16 hex digits is a digest, never a count.
func (p Plan) Confirms(answer string) bool {
	answer = strings.TrimSpace(answer)
	if digestForm.MatchString(answer) {
		return answer == p.Digest()
	}
	if !countForm.MatchString(answer) {
		return false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(answer, ",", ""))
	return err == nil && n == len(p.Targets)
}

// IsDigest reports an answer that names a plan by its digest.
func IsDigest(answer string) bool { return digestForm.MatchString(strings.TrimSpace(answer)) }

// ValidConfirm reports an answer of a form Confirms can judge.
func ValidConfirm(answer string) bool {
	answer = strings.TrimSpace(answer)
	return digestForm.MatchString(answer) || countForm.MatchString(answer)
}
