package sysstat

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// seed adds every fixture to f's corpus: parsers see every file,
// including the ones meant for other parsers.
func seed(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

func pct(v float64) bool { return v >= 0 && v <= 100 && !math.IsNaN(v) }

// The parsers read output from hosts we do not control: whatever they
// get, they return an error or numbers a check can compare, never panic.
func FuzzParseMeminfo(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMeminfo(s)
		if err == nil && (!pct(m.AvailablePercent()) || !pct(m.SwapUsedPercent()) || m.Total == 0) {
			t.Errorf("%q: %+v", s, m)
		}
	})
}

func FuzzParseLoad(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLoad(s)
		if err == nil && (l.CPUs < 1 || l.Load1 < 0 || l.Load5 < 0 || l.Load15 < 0 || math.IsNaN(l.Load1+l.Load5+l.Load15)) {
			t.Errorf("%q: %+v", s, l)
		}
	})
}

func FuzzParseCPUSamples(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		idle, err := ParseCPUSamples(s)
		if err == nil && !pct(idle) {
			t.Errorf("%q: idle %v", s, idle)
		}
	})
}

func FuzzParseDF(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := ParseDF(s)
		if err == nil && !pct(fs.UsedPercent()) {
			t.Errorf("%q: %+v", s, fs)
		}
	})
}

func FuzzParseAnswers(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		if st, err := ParseUnitState(s); err == nil && (st == "" || len(st) > 64) {
			t.Errorf("%q: state %q", s, st)
		}
		_, _ = ParseRunning(s)
	})
}
