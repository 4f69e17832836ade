package host_test

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
)

// A plugin returning 100 MB is refused at the output limit before the
// host copies anything: the host's own allocations during that call stay
// small. The guest builds the buffer in an earlier call (its memory, a Go
// slice inside wazero, grows then), so what is measured is the host's.
func TestHundredMegabyteOutputRefusedWithoutCopy(t *testing.T) {
	const size = 100 << 20
	es := hosttest.Entries(t, rawabi, "http-status")
	es[0].Limits = &lock.Limits{MemoryMiB: 256, OutputBytes: 1 << 20}
	h := hosttest.NewWithConfig(t, host.Config{Entries: es, PoolSize: 1})
	srv := okServer(t)

	if out, err := call(t, h, "rawabi", map[string]any{"mode": "prepare", "size": size}); err != nil || out.Message != "prepared" {
		t.Fatalf("prepare: %+v, %v", out, err)
	}
	before := heapAllocs()
	out, err := call(t, h, "rawabi", map[string]any{"mode": "emit"})
	grown := heapAllocs() - before
	if err == nil || !strings.Contains(err.Error(), "output of 104857600 bytes exceeds the limit of 1048576") || out.Status != abi.StatusUnknown {
		t.Fatalf("got %+v, %v; want unknown: output exceeds the limit", out, err)
	}
	if grown > 16<<20 {
		t.Errorf("host allocated %d MiB during the call; the output must be refused without copying it", grown>>20)
	}
	t.Logf("host allocated %d KiB while refusing a %d MiB output", grown>>10, size>>20)
	if n := pluginInfo(t, h, "rawabi").Instances; n != 0 {
		t.Errorf("%d live instances; the one that broke the limit must be discarded", n)
	}
	if out, err := call(t, h, "rawabi", map[string]any{"mode": "echo", "say": "hi"}); err != nil || out.Message != "hi m1" {
		t.Fatalf("rawabi afterwards: %+v, %v", out, err)
	}
	if out, err := call(t, h, "http-status", map[string]any{"url": srv.URL}); err != nil || out.Status != abi.StatusHealthy {
		t.Fatalf("http-status afterwards: %+v, %v", out, err)
	}
}

// heapAllocs is the cumulative bytes the Go heap has handed out.
func heapAllocs() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
