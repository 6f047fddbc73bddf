package numfmt

import (
	"math"
	"testing"
)

func TestCommas(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 2537: "2,537", -1234567: "-1,234,567",
		math.MaxInt64: "9,223,372,036,854,775,807", math.MinInt64: "-9,223,372,036,854,775,808"} {
		if got := Commas(n); got != want {
			t.Errorf("Commas(%d) = %q, want %q", n, got, want)
		}
	}
	if Plural(1, "desktop", "desktops") != "1 desktop" || Plural(2537, "desktop", "desktops") != "2,537 desktops" {
		t.Error(Plural(2537, "desktop", "desktops"))
	}
}
