package sysstat

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Load is the load average over 1, 5 and 15 minutes and the number of
// online CPUs it is shared by.
type Load struct {
	Load1, Load5, Load15 float64
	CPUs                 int
}

// ParseLoad reads /proc/loadavg ("0.52 0.58 0.59 1/467 12345") followed
// by a line holding the CPU count (`nproc`).
func ParseLoad(s string) (Load, error) {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) != 2 {
		return Load{}, fmt.Errorf("loadavg: want the /proc/loadavg line and a CPU count, got %d lines", len(lines))
	}
	f := strings.Fields(lines[0])
	if len(f) < 3 {
		return Load{}, fmt.Errorf("loadavg: %q: want three load averages", lines[0])
	}
	var l [3]float64
	for i := range l {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return Load{}, fmt.Errorf("loadavg: %q is not a load average", f[i])
		}
		l[i] = v
	}
	cpus, err := strconv.Atoi(strings.TrimSpace(lines[1]))
	if err != nil || cpus < 1 || cpus > 1<<20 {
		return Load{}, fmt.Errorf("loadavg: CPU count %q is not a positive number", strings.TrimSpace(lines[1]))
	}
	return Load{Load1: l[0], Load5: l[1], Load15: l[2], CPUs: cpus}, nil
}

// Over is the load average over minutes (1, 5 or 15).
func (l Load) Over(minutes int) float64 {
	switch minutes {
	case 5:
		return l.Load5
	case 15:
		return l.Load15
	}
	return l.Load1
}
