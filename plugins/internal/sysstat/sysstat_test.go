package sysstat

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fixtures are real output of this machine (…-linux6, -2cpu,
// -two-samples, df-root) and hand-made output of other hosts and of
// failure modes.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

// wantErr fails unless err contains frag ("" wants no error).
func wantErr(t *testing.T, err error, frag string) bool {
	t.Helper()
	if frag == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), frag) {
		t.Fatalf("error %v; want %q", err, frag)
	}
	return true
}

func TestParseMeminfo(t *testing.T) {
	const kB = 1024
	tests := []struct {
		file                       string
		total, avail, swap, swapFr uint64
		availPct, swapPct          float64
		err                        string
	}{
		{"meminfo-linux6.txt", 24684084 * kB, 23060712 * kB, 0, 0, 93.42, 0, ""},
		// No MemAvailable before Linux 3.14: free + buffers + cached.
		{"meminfo-2.6-swap.txt", 2048000 * kB, 400000 * kB, 1000000 * kB, 250000 * kB, 19.53, 75, ""},
		{"meminfo-truncated.txt", 0, 0, 0, 0, 0, 0, "no SwapTotal line"},
		{"meminfo-bad-number.txt", 0, 0, 0, 0, 0, 0, `MemTotal: "2048x00"`},
		{"not-linux.txt", 0, 0, 0, 0, 0, 0, "no MemTotal line"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := ParseMeminfo(fixture(t, tt.file))
			if wantErr(t, err, tt.err) {
				return
			}
			if m.Total != tt.total || m.Available != tt.avail || m.SwapTotal != tt.swap || m.SwapFree != tt.swapFr {
				t.Errorf("got %+v", m)
			}
			if !near(m.AvailablePercent(), tt.availPct) || !near(m.SwapUsedPercent(), tt.swapPct) {
				t.Errorf("available %.2f%% swap used %.2f%%; want %.2f%% and %.2f%%", m.AvailablePercent(), m.SwapUsedPercent(), tt.availPct, tt.swapPct)
			}
		})
	}
}

func TestParseLoad(t *testing.T) {
	tests := []struct {
		file string
		want Load
		err  string
	}{
		{"loadavg-2cpu.txt", Load{8.28, 7.31, 6.32, 2}, ""},
		{"loadavg-8cpu.txt", Load{12.5, 3.25, 1, 8}, ""},
		{"loadavg-no-nproc.txt", Load{}, "got 1 lines"},
		{"loadavg-words.txt", Load{}, `"high" is not a load average`},
		{"not-linux.txt", Load{}, "got 1 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l, err := ParseLoad(fixture(t, tt.file))
			if wantErr(t, err, tt.err) {
				return
			}
			if l != tt.want {
				t.Errorf("got %+v; want %+v", l, tt.want)
			}
		})
	}
	l := Load{1, 5, 15, 1}
	if l.Over(1) != 1 || l.Over(5) != 5 || l.Over(15) != 15 {
		t.Errorf("Over picks the wrong average: %+v", l)
	}
}

func TestParseCPUSamples(t *testing.T) {
	tests := []struct {
		file string
		idle float64
		err  string
	}{
		// 202 ticks passed, 1 of them idle: a busy machine.
		{"stat-two-samples.txt", 100.0 / 202, ""},
		{"stat-crafted.txt", 80, ""},
		// guest time is inside user time already; counting it twice
		// would make the machine look idler.
		{"stat-guest.txt", 80, ""},
		{"stat-backwards.txt", 0, "went backwards"},
		{"stat-one-sample.txt", 0, "got 1"},
		{"stat-short.txt", 0, "want at least user, nice, system and idle"},
		{"not-linux.txt", 0, "got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			idle, err := ParseCPUSamples(fixture(t, tt.file))
			if wantErr(t, err, tt.err) {
				return
			}
			if !near(idle, tt.idle) {
				t.Errorf("idle %.3f%%; want %.3f%%", idle, tt.idle)
			}
		})
	}
}

func TestParseDF(t *testing.T) {
	tests := []struct {
		file  string
		mount string
		used  float64
		err   string
	}{
		{"df-root.txt", "/", 31.56, ""},
		{"df-space-in-mount.txt", "/mnt/My Disk", 94.74, ""},
		{"df-512-blocks.txt", "", 0, "1024-byte blocks"},
		{"df-no-such-path.txt", "", 0, "got 1 lines"},
		{"not-linux.txt", "", 0, "got 1 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			fs, err := ParseDF(fixture(t, tt.file))
			if wantErr(t, err, tt.err) {
				return
			}
			if fs.MountPoint != tt.mount || !near(fs.UsedPercent(), tt.used) {
				t.Errorf("got %+v (%.2f%% used); want %s %.2f%%", fs, fs.UsedPercent(), tt.mount, tt.used)
			}
		})
	}
}

func TestParseAnswers(t *testing.T) {
	for in, want := range map[string]string{"active\n": "active", "failed": "failed", "": "!one state word", "active\nfoo": "!one state word"} {
		got, err := ParseUnitState(in)
		if w, isErr := strings.CutPrefix(want, "!"); isErr {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("ParseUnitState(%q) = %q, %v; want error %q", in, got, err, w)
			}
		} else if got != want || err != nil {
			t.Errorf("ParseUnitState(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"true\n": "true", "false\n": "false", "True": "!true or false", "": "!true or false"} {
		got, err := ParseRunning(in)
		if w, isErr := strings.CutPrefix(want, "!"); isErr {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("ParseRunning(%q) = %v, %v; want error %q", in, got, err, w)
			}
		} else if err != nil || (want == "true") != got {
			t.Errorf("ParseRunning(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}
