package sysstat

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Memory is the part of /proc/meminfo the memory checks use, in bytes.
type Memory struct {
	Total, Available, SwapTotal, SwapFree uint64
}

// AvailablePercent is Available as a percentage of Total.
func (m Memory) AvailablePercent() float64 { return percent(m.Available, m.Total) }

// SwapUsed is swap in use, in bytes.
func (m Memory) SwapUsed() uint64 { return m.SwapTotal - m.SwapFree }

// SwapUsedPercent is SwapUsed as a percentage of SwapTotal; 0 when the
// host has no swap.
func (m Memory) SwapUsedPercent() float64 { return percent(m.SwapUsed(), m.SwapTotal) }

// ParseMeminfo reads /proc/meminfo ("Name:   123 kB" lines). Available is
// MemAvailable, or MemFree+Buffers+Cached on kernels older than 3.14.
func ParseMeminfo(s string) (Memory, error) {
	kb := map[string]uint64{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 || len(f) > 2 || (len(f) == 2 && f[1] != "kB") {
			continue
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil || n > maxKB {
			return Memory{}, fmt.Errorf("meminfo: %s: %q is not a size in kB", name, f[0])
		}
		kb[name] = n
	}
	need := func(names ...string) error {
		for _, n := range names {
			if _, ok := kb[n]; !ok {
				return fmt.Errorf("meminfo: no %s line (is this Linux /proc/meminfo?)", n)
			}
		}
		return nil
	}
	if err := need("MemTotal", "SwapTotal", "SwapFree"); err != nil {
		return Memory{}, err
	}
	m := Memory{Total: kb["MemTotal"] << 10, SwapTotal: kb["SwapTotal"] << 10, SwapFree: kb["SwapFree"] << 10}
	if avail, ok := kb["MemAvailable"]; ok {
		m.Available = avail << 10
	} else {
		if err := need("MemFree", "Buffers", "Cached"); err != nil {
			return Memory{}, err
		}
		m.Available = (kb["MemFree"] + kb["Buffers"] + kb["Cached"]) << 10
	}
	switch {
	case m.Total == 0:
		return Memory{}, errors.New("meminfo: MemTotal is 0")
	case m.Available > m.Total:
		return Memory{}, fmt.Errorf("meminfo: available %d kB exceeds MemTotal %d kB", m.Available>>10, m.Total>>10)
	case m.SwapFree > m.SwapTotal:
		return Memory{}, fmt.Errorf("meminfo: SwapFree %d kB exceeds SwapTotal %d kB", m.SwapFree>>10, m.SwapTotal>>10)
	}
	return m, nil
}

func percent(part, whole uint64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole) * 100
}

// maxKB (1 EiB) bounds sizes read in kB, so sums in bytes cannot wrap.
const maxKB = 1 << 40
