package gctuning

import (
	"math"
	"runtime/debug"
	"testing"
)

// restore puts the runtime's settings back after a test changed them.
func restore(t *testing.T) {
	pct := debug.SetGCPercent(100)
	lim := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(lim) })
}

func TestApplyDefaultsAndFlags(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	a := Apply(Settings{})
	if got := debug.SetGCPercent(DefaultPercent); got != DefaultPercent || a.Percent != DefaultPercent || a.PercentSource != "default" {
		t.Fatalf("default GOGC: runtime %d, applied %+v", got, a)
	}
	if lim := debug.SetMemoryLimit(-1); lim != a.Limit || lim <= 0 || lim == math.MaxInt64 {
		t.Fatalf("default limit on linux should be half the RAM: runtime %d, applied %+v", lim, a)
	}
	a = Apply(Settings{Percent: 250, Limit: 3 << 30})
	if got := debug.SetGCPercent(250); got != 250 || a.PercentSource != "flag" {
		t.Fatalf("flag GOGC: runtime %d, applied %+v", got, a)
	}
	if lim := debug.SetMemoryLimit(-1); lim != 3<<30 || a.LimitSource != "flag" {
		t.Fatalf("flag limit: runtime %d, applied %+v", lim, a)
	}
	Apply(Settings{Limit: -1})
	if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
		t.Fatalf("limit off: runtime %d", lim)
	}
}

// An operator's GOGC/GOMEMLIMIT (read by the runtime at start) wins over
// flags: Apply leaves the runtime's values alone.
func TestApplyKeepsOperatorEnv(t *testing.T) {
	restore(t)
	debug.SetGCPercent(123)
	debug.SetMemoryLimit(7 << 20)
	t.Setenv("GOGC", "123")
	t.Setenv("GOMEMLIMIT", "7MiB")
	a := Apply(Settings{Percent: 800, Limit: 1 << 30})
	if got := debug.SetGCPercent(123); got != 123 || a.Percent != 123 || a.PercentSource != "env" {
		t.Fatalf("GOGC from env overridden: runtime %d, applied %+v", got, a)
	}
	if lim := debug.SetMemoryLimit(-1); lim != 7<<20 || a.Limit != 7<<20 || a.LimitSource != "env" {
		t.Fatalf("GOMEMLIMIT from env overridden: runtime %d, applied %+v", lim, a)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GiB": 2 << 30, "1024": 1024, "off": -1, "": 0, "3 KiB": 3 << 10} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"2GB", "-1MiB", "lots", "99999999999TiB"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q) accepted", bad)
		}
	}
	if s := FormatBytes(3 << 30); s != "3GiB" {
		t.Errorf("FormatBytes = %q", s)
	}
}
