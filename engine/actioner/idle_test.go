package actioner_test

import (
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/gctuning"
)

// BenchmarkIdle is what a zone with nothing to check costs: control,
// both brokers, a worker, an actioner and the journal flusher running
// with no monitors, CPU per second of the Go process and of the zone's
// redis-server (poll loops, heartbeats, ticks). RUNBOOK_BENCH_INPROC=1
// wires it as `runbook up` does. It reports; it never asserts.
func BenchmarkIdle(b *testing.B) {
	gctuning.Apply(gctuning.Settings{})
	window := time.Duration(envInt("RUNBOOK_BENCH_WINDOW_S", 10)) * time.Second
	r := newRig(b, "idle")
	r.startBrokers()
	r.startControlTick(1000, time.Duration(envInt("RUNBOOK_BENCH_TICK_MS", 50))*time.Millisecond)
	r.startWorker(64)
	r.startActioner(32)
	r.startFlusher(500*time.Millisecond, 10000)
	time.Sleep(2 * time.Second)
	var u0, u1 runtimeUsage
	u0.read()
	rc0 := redisCPU(b, r.rdb)
	start := time.Now()
	time.Sleep(window)
	u1.read()
	rc1 := redisCPU(b, r.rdb)
	s := time.Since(start).Seconds()
	b.ReportMetric(float64((u1.cpu-u0.cpu).Microseconds())/1000/s, "go-cpu-ms/s")
	b.ReportMetric(float64((rc1-rc0).Microseconds())/1000/s, "redis-cpu-ms/s")
	b.ReportMetric(float64(u1.csw-u0.csw)/s, "context-switches/s")
}
