package sysstat

import (
	"fmt"
	"strconv"
	"strings"
)

// Filesystem is one line of `df -P -k`.
type Filesystem struct {
	Device     string
	MountPoint string
	// Size, Used and Available are in bytes. Used+Available can be less
	// than Size: blocks reserved for root count as neither.
	Size, Used, Available uint64
}

// UsedPercent is what df's Capacity column shows, unrounded: used as a
// share of what non-root users can have (Used+Available).
func (f Filesystem) UsedPercent() float64 { return percent(f.Used, f.Used+f.Available) }

// ParseDF reads `df -P -k PATH`: a header whose second column is
// "1024-blocks", then one line for the filesystem holding PATH.
func ParseDF(s string) (Filesystem, error) {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) != 2 {
		return Filesystem{}, fmt.Errorf("df: want a header and one filesystem line, got %d lines", len(lines))
	}
	if h := strings.Fields(lines[0]); len(h) < 2 || h[1] != "1024-blocks" {
		return Filesystem{}, fmt.Errorf("df: header %q: want POSIX output in 1024-byte blocks (df -P -k)", lines[0])
	}
	f := strings.Fields(lines[1])
	if len(f) < 6 {
		return Filesystem{}, fmt.Errorf("df: %q: want device, size, used, available, capacity and mount point", lines[1])
	}
	var n [3]uint64
	for i := range n {
		v, err := strconv.ParseUint(f[1+i], 10, 64)
		if err != nil || v > maxKB {
			return Filesystem{}, fmt.Errorf("df: %q is not a block count", f[1+i])
		}
		n[i] = v << 10
	}
	if !strings.HasSuffix(f[4], "%") {
		return Filesystem{}, fmt.Errorf("df: capacity %q: want a percentage", f[4])
	}
	// A mount point may hold spaces; it is the rest of the line.
	return Filesystem{Device: f[0], Size: n[0], Used: n[1], Available: n[2], MountPoint: strings.Join(f[5:], " ")}, nil
}
