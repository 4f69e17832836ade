package actioner_test

import (
	"syscall"
	"time"
)

// runtimeUsage is this process' CPU time (user+system) from getrusage.
type runtimeUsage struct{ cpu time.Duration }

func (u *runtimeUsage) read() {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return
	}
	u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
