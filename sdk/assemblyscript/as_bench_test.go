package assemblyscript_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// BenchmarkASHTTPCheck is the AssemblyScript http check's CPU per call
// (server in-process here, so its CPU is included): set beside
// host's BenchmarkHTTPCheck it separates the Go guest runtime's cost from
// the host's.
func BenchmarkASHTTPCheck(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	h := newHost(b)
	config, _ := json.Marshal(map[string]string{"url": srv.URL})
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	for b.Loop() {
		out, _, err := h.Call(context.Background(), host.Call{Plugin: "as-http-status", Input: abi.Input{Config: config}})
		if err != nil || out.Status != abi.StatusHealthy {
			b.Fatal(out, err)
		}
	}
	b.ReportMetric(float64((cpu()-start).Nanoseconds())/float64(b.N)/1e3, "cpu-us/op")
}
