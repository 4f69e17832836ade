package actioner_test

import (
	"runtime/metrics"
	"testing"
)

// gcUsage is what the Go runtime says about collection and allocation:
// unlike the process' CPU, these barely move with the machine's load, so
// a change in them shows on a shared machine.
type gcUsage struct{ gcCPU, allocBytes, allocObjects, cycles, pause, assist, idle float64 }

var gcSamples = []string{
	"/cpu/classes/gc/total:cpu-seconds",
	"/gc/heap/allocs:bytes",
	"/gc/heap/allocs:objects",
	"/gc/cycles/total:gc-cycles",
	// Parts of the GC CPU: stop-the-world time (times GOMAXPROCS),
	// allocating goroutines made to help, and marking on idle Ps.
	"/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
}

func (u *gcUsage) read() {
	s := make([]metrics.Sample, len(gcSamples))
	for i, n := range gcSamples {
		s[i].Name = n
	}
	metrics.Read(s)
	v := func(i int) float64 {
		switch s[i].Value.Kind() {
		case metrics.KindFloat64:
			return s[i].Value.Float64()
		case metrics.KindUint64:
			return float64(s[i].Value.Uint64())
		}
		return 0
	}
	*u = gcUsage{v(0), v(1), v(2), v(3), v(4), v(5), v(6)}
}

// report puts the window's collection and allocation per result.
func (u gcUsage) report(b *testing.B, before gcUsage, results float64) {
	if results <= 0 {
		return
	}
	b.ReportMetric((u.gcCPU-before.gcCPU)*1e6/results, "gc-cpu-us/result")
	b.ReportMetric((u.allocBytes-before.allocBytes)/results, "alloc-B/result")
	b.ReportMetric((u.allocObjects-before.allocObjects)/results, "allocs/result")
	b.ReportMetric(u.cycles-before.cycles, "gc-cycles")
	b.ReportMetric((u.pause-before.pause)*1e6/results, "gc-pause-us/result")
	b.ReportMetric((u.assist-before.assist)*1e6/results, "gc-assist-us/result")
	b.ReportMetric((u.idle-before.idle)*1e6/results, "gc-idle-us/result")
}
