package host_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
)

// TestDeadlineStopsGuests: a guest that loops forever, recurses without
// loops, or sleeps an hour is stopped at its deadline, on the
// instrumented path (every Go plugin) and on the WithCloseOnContextDone
// fallback (modules instrument cannot rewrite); its instance is discarded
// and both plugins keep serving.
func TestDeadlineStopsGuests(t *testing.T) {
	// As hostileHost: under -race instantiating a fresh instance, which the
	// pool bounds by the same limit, takes most of a second.
	const limit = 1500 * time.Millisecond
	for _, enforce := range []string{host.DeadlineInstrumented, host.DeadlineCloseOnContextDone} {
		t.Run(enforce, func(t *testing.T) {
			restore := host.SetDeadlineForTest(enforce)
			es := hosttest.Entries(t, hostile, "http-status")
			es[0].Limits = &lock.Limits{TimeoutMS: int(limit.Milliseconds()), MemoryMiB: 64, OutputBytes: 64 << 10}
			h := hosttest.NewWithConfig(t, host.Config{Entries: es, PoolSize: 2})
			restore()
			if got := pluginInfo(t, h, "hostile").Deadline; got != enforce {
				t.Fatalf("hostile's deadline enforcement is %q; want %q", got, enforce)
			}
			srv := okServer(t)
			for _, c := range []struct {
				mode string
				size int
			}{{"spin", 0}, {"recurse", 90}, {"sleep", 0}} {
				t.Run(c.mode, func(t *testing.T) {
					start := time.Now()
					out, err := call(t, h, "hostile", map[string]any{"mode": c.mode, "size": c.size})
					took := time.Since(start)
					if !errors.Is(err, context.DeadlineExceeded) || out.Status != abi.StatusUnknown {
						t.Fatalf("got %+v, %v; want unknown with deadline exceeded", out, err)
					}
					// Generous: this machine is shared and loaded.
					if took < limit || took > limit+2*time.Second {
						t.Errorf("stopped after %s; limit %s", took, limit)
					}
					if n := pluginInfo(t, h, "hostile").Instances; n != 0 {
						t.Errorf("%d live instances after the timeout; the stopped one must be discarded", n)
					}
					stillServing(t, h, srv)
				})
			}
		})
	}
}

// TestCallerCancelStopsGuest: a caller canceling (not a deadline) stops an
// instrumented spinning guest too, reported as canceled.
func TestCallerCancelStopsGuest(t *testing.T) {
	h := hostileHost(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, _, err := h.Call(ctx, host.Call{Plugin: "hostile", Input: abi.Input{Config: cfg(t, map[string]any{"mode": "spin"})}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want canceled", err)
	}
}
