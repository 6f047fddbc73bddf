package api

import (
	"bytes"
	"math"
	"strconv"

	"github.com/wksrec/wksrec/internal/listing"
)

// MaxTotal is the largest total_count wksrec believes (listing.MaxTotal).
// No project holds a billion desktops or runs; a larger claim (2^63−1,
// 1e300) is clamped here so that no caller's arithmetic on it can
// overflow, and callers still never allocate or loop by it.
const MaxTotal = listing.MaxTotal

// count is total_count as the wire has it: any JSON number (an integer too
// large for int64, a float, an exponent), a quoted number, or null. It
// decodes to 0..MaxTotal: negative claims are 0, absurd ones MaxTotal. A
// total is a hint; rows are facts.
type count int

func (c *count) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if string(b) == "null" || len(b) == 0 {
		*c = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !isRangeError(err) {
		return err // not a number at all: a garbled answer
	}
	switch {
	case math.IsNaN(f) || f <= 0:
		*c = 0
	case f >= MaxTotal:
		*c = MaxTotal
	default:
		*c = count(f)
	}
	return nil
}

// isRangeError is ParseFloat's "too large": the value is ±Inf, still usable.
func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
