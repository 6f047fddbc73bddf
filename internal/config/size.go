package config

import (
	"fmt"
	"strconv"
	"strings"
)

// sizeUnits are the suffixes a size may carry, binary and decimal, in
// any case: 1GiB, 500MiB, 2G, 750MB.
var sizeUnits = []struct {
	suffix string
	bytes  int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
}

// minCacheMax is the smallest store allowed: below it, every run would
// evict the one before (--no-cache says that better).
const minCacheMax = 1 << 20

// ParseSize reads a size in bytes: a whole number with an optional unit.
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size like 1GiB, 500MiB or 2000000000", s)
	}
	return n * mult, nil
}

// CacheBytes is --cache-max in bytes (validated by Parse).
func (c Config) CacheBytes() int64 {
	n, _ := ParseSize(c.CacheMax)
	return n
}

func (c Config) checkCacheMax() error {
	n, err := ParseSize(c.CacheMax)
	switch {
	case err != nil:
		return Errorf("--cache-max: %w", err)
	case n < minCacheMax:
		return Errorf("--cache-max must be at least 1MiB, not %s (use --no-cache to keep no runs)", c.CacheMax)
	}
	return nil
}
