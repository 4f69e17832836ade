package actioner_test

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/worker"
)

// BenchmarkFixedCheck is the worker's cost for one trivial check (JSON in,
// a pooled wasm call, JSON out): the floor under BenchmarkCapacity.
func BenchmarkFixedCheck(b *testing.B) {
	r := newRig(b, "z")
	w := &worker.Worker{Zone: "z", Host: r.host, Logger: r.log}
	j := engine.Job{ID: "j", MonitorID: "m", Zone: "z", Check: "fixed", Config: []byte(`{"status":"healthy"}`),
		ScheduledAt: time.Now(), Timeout: engine.Duration(time.Second)}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := w.Check(ctx, j); res.Status != engine.StatusHealthy {
			b.Fatalf("status %s: %s", res.Status, res.Message)
		}
	}
}
