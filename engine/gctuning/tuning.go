package gctuning

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// DefaultPercent is the GOGC Runbook runs with unless told otherwise: the
// heap may grow to 5× what is live before a collection.
const DefaultPercent = 400

// DefaultLimitFraction of the machine's memory is the default soft limit.
const DefaultLimitFraction = 0.5

// Settings are what a component asks for. Zero values mean the defaults.
type Settings struct {
	// Percent is GOGC; 0 means DefaultPercent, a negative value turns the
	// proportional collector off (the limit alone drives collections).
	Percent int
	// Limit is the soft memory limit in bytes; 0 means DefaultLimitFraction
	// of the machine's memory, a negative value means none.
	Limit int64
}

// Applied says what is in force after Apply, and where each came from.
type Applied struct {
	Percent       int
	Limit         int64  // math.MaxInt64 when there is none
	PercentSource string // "env", "flag" or "default"
	LimitSource   string
}

// Apply puts s into force unless the environment (GOGC, GOMEMLIMIT) set a
// value, which it leaves alone. It is safe to call more than once; the
// last call wins.
func Apply(s Settings) Applied {
	a := Applied{PercentSource: "default", LimitSource: "default"}
	if v, ok := os.LookupEnv("GOGC"); ok && v != "" {
		a.PercentSource = "env"
		a.Percent = debug.SetGCPercent(-1) // read the runtime's value...
		debug.SetGCPercent(a.Percent)      // ...and put it back
	} else {
		p := s.Percent
		if p != 0 {
			a.PercentSource = "flag"
		} else {
			p = DefaultPercent
		}
		if p < 0 {
			p = -1
		}
		debug.SetGCPercent(p)
		a.Percent = p
	}
	if v, ok := os.LookupEnv("GOMEMLIMIT"); ok && v != "" {
		a.LimitSource = "env"
		a.Limit = debug.SetMemoryLimit(-1) // a negative value only reads
	} else {
		l := s.Limit
		switch {
		case l > 0:
			a.LimitSource = "flag"
		case l < 0:
			a.LimitSource = "flag"
			l = math.MaxInt64
		default:
			l = math.MaxInt64
			if total := totalMemory(); total > 0 {
				l = int64(float64(total) * DefaultLimitFraction)
			}
		}
		debug.SetMemoryLimit(l)
		a.Limit = l
	}
	return a
}

// LogValue lets slog print what is in force in one line.
func (a Applied) LogValue() slog.Value {
	limit := "none"
	if a.Limit != math.MaxInt64 {
		limit = FormatBytes(a.Limit)
	}
	pct := strconv.Itoa(a.Percent)
	if a.Percent < 0 {
		pct = "off"
	}
	return slog.GroupValue(
		slog.String("gogc", pct), slog.String("gogc_from", a.PercentSource),
		slog.String("memory_limit", limit), slog.String("memory_limit_from", a.LimitSource))
}

var units = []struct {
	suffix string
	mult   int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// ParseBytes reads a size as GOMEMLIMIT spells it ("512MiB", "2GiB",
// "1073741824"), or "off"/"none" (returned as -1).
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "off", "none":
		return -1, nil
	case "", "0":
		return 0, nil
	}
	mult := int64(1)
	num := s
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("memory limit %q: want a byte count with an optional unit (B, KiB, MiB, GiB, TiB), or off", s)
	}
	return n * mult, nil
}

// FormatBytes writes n in the largest unit that divides it.
func FormatBytes(n int64) string {
	for _, u := range units {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
