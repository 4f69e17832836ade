package sysstat

import (
	"fmt"
	"strconv"
	"strings"
)

// CPUTimes is the aggregate "cpu" line of /proc/stat, in clock ticks.
type CPUTimes struct {
	Idle, Total uint64 // idle includes iowait
}

// ParseCPUSamples reads two "cpu ..." lines of /proc/stat taken some time
// apart (the first line of the file, twice) and returns the share of CPU
// time spent idle (or waiting for I/O) between them, in percent.
func ParseCPUSamples(s string) (idlePercent float64, err error) {
	var samples []CPUTimes
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "cpu ") {
			continue
		}
		t, err := parseCPULine(line)
		if err != nil {
			return 0, err
		}
		samples = append(samples, t)
	}
	if len(samples) != 2 {
		return 0, fmt.Errorf("stat: want two samples of the cpu line, got %d", len(samples))
	}
	a, b := samples[0], samples[1]
	if b.Total < a.Total || b.Idle < a.Idle {
		return 0, fmt.Errorf("stat: counters went backwards (%d→%d total ticks)", a.Total, b.Total)
	}
	total, idle := b.Total-a.Total, b.Idle-a.Idle
	if total == 0 {
		return 0, fmt.Errorf("stat: no CPU time passed between the samples")
	}
	if idle > total {
		return 0, fmt.Errorf("stat: idle ticks %d exceed total ticks %d", idle, total)
	}
	return float64(idle) / float64(total) * 100, nil
}

// parseCPULine reads "cpu user nice system idle iowait irq softirq steal
// guest guest_nice". guest time is already counted in user (and
// guest_nice in nice), so it is left out of the total.
func parseCPULine(line string) (CPUTimes, error) {
	f := strings.Fields(line)[1:]
	if len(f) < 4 {
		return CPUTimes{}, fmt.Errorf("stat: %q: want at least user, nice, system and idle", line)
	}
	var v [8]uint64
	for i := 0; i < len(f) && i < len(v); i++ {
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil || n > 1<<56 {
			return CPUTimes{}, fmt.Errorf("stat: %q is not a tick count", f[i])
		}
		v[i] = n
	}
	var t CPUTimes
	for _, n := range v {
		t.Total += n
	}
	t.Idle = v[3] + v[4]
	return t, nil
}
