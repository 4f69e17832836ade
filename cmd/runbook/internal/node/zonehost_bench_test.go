package node_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
)

// BenchmarkZoneHost is what each further zone of a process costs since
// every zone has its own plugin host: loading every first-party plugin
// with the compilation cache already warm (the first zone compiled them),
// in CPU time, and the memory it adds: Go heap (instances' linear memory is
// allocated by wazero in Go, so it is counted) and resident set (most of
// that memory is never touched). For docs/PERFORMANCE.md
// ("## Hot loading"):
//
//	go test -run='^$' -bench=ZoneHost -benchtime=3x ./cmd/runbook/internal/node/
func BenchmarkZoneHost(b *testing.B) {
	var names []string
	ents, err := os.ReadDir(hosttest.RepoRoot(b) + "/plugins")
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if _, err := os.Stat(hosttest.RepoRoot(b) + "/plugins/" + e.Name() + "/main.go"); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	entries := hosttest.Entries(b, names...)
	cfg := host.Config{Entries: entries, Cache: hosttest.Cache(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	warm, err := host.New(context.Background(), cfg) // fills the cache
	if err != nil {
		b.Fatal(err)
	}
	defer warm.Close(context.Background())
	var cpu time.Duration
	var heapBytes, rssBytes float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		debug.FreeOSMemory()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		r0 := rss(b)
		c0 := cpuTime()
		h, err := host.New(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		debug.FreeOSMemory() // load-time garbage is not what a zone keeps
		runtime.ReadMemStats(&m1)
		heapBytes += float64(m1.HeapAlloc) - float64(m0.HeapAlloc)
		rssBytes += float64(rss(b) - r0)
		b.StopTimer()
		h.Close(context.Background())
		b.StartTimer()
	}
	b.ReportMetric(float64(len(entries)), "plugins")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(heapBytes/float64(b.N)/(1<<20), "heap-MiB/op")
	b.ReportMetric(rssBytes/float64(b.N)/(1<<20), "rss-MiB/op")
}

// rss is the process' resident set: instance memory is allocated in the
// Go heap but mostly never touched, so the heap overstates what it costs.
func rss(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
