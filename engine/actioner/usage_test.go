package actioner_test

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runtimeUsage is this process' CPU time (user+system) from getrusage.
// csw counts its context switches (voluntary and not): each is a thread
// that went to sleep or was preempted, what per-message hand-offs cost.
type runtimeUsage struct {
	cpu time.Duration
	csw int64
}

func (u *runtimeUsage) read() {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return
	}
	u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	u.csw = ru.Nvcsw + ru.Nivcsw
}

// zmqThreadsCPU is the CPU time of this process' libzmq background threads
// (named ZMQbg/...): getrusage counts them, Go's profiler does not see them.
func zmqThreadsCPU() time.Duration {
	tasks, _ := os.ReadDir("/proc/self/task")
	var total int64
	for _, t := range tasks {
		comm, _ := os.ReadFile("/proc/self/task/" + t.Name() + "/comm")
		if !strings.HasPrefix(string(comm), "ZMQbg") {
			continue
		}
		raw, err := os.ReadFile("/proc/self/task/" + t.Name() + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += ut + st
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration(total) * time.Second / hz
}

// redisCalls is the number of commands the Redis server ran (scripts'
// inner calls included), from INFO commandstats.
func redisCalls(info string) int64 {
	var n int64
	for _, line := range strings.Split(info, "\r\n") {
		_, rest, ok := strings.Cut(line, ":calls=")
		if !ok {
			continue
		}
		v, _, _ := strings.Cut(rest, ",")
		c, _ := strconv.ParseInt(v, 10, 64)
		n += c
	}
	return n
}

// cmdOnly keeps the commandstats line of one command.
func cmdOnly(info, cmd string) string {
	for _, line := range strings.Split(info, "\r\n") {
		if strings.HasPrefix(line, "cmdstat_"+cmd+":") {
			return line
		}
	}
	return ""
}
