package actioner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/control"
	"github.com/runbookhq/runbook/engine/worker"
)

// With no actioner to take results, the pipeline stops claiming instead
// of filling queues: workers wait on their results' window, so their
// slots stay busy, jobs wait at the monitor broker, control waits on its
// jobs' window and claims nothing more. Nothing is dropped anywhere, and
// once an actioner comes the zone catches up.
func TestActionSideBehindSlowsClaiming(t *testing.T) {
	r := newRig(t, "bp")
	r.startBrokers()
	const window, batch, slots, monitors = 40, 20, 4, 400
	jobs, err := broker.NewProducer(r.monitor.front, broker.WithWindow(window), broker.WithName("bp-jobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Close() })
	results, err := broker.NewProducer(r.action.front, broker.WithWindow(window), broker.WithName("bp-results"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { results.Close() })
	w := &worker.Worker{Zone: r.zone, Host: r.host, Results: results, Logger: r.log}
	goStop(t, func(ctx context.Context) { _ = w.Run(ctx, r.monitor.back, slots) })
	cfg := json.RawMessage(`{"status":"healthy"}`)
	for i := 0; i < monitors; i++ {
		r.put(engine.Monitor{ID: fmt.Sprintf("m%03d", i), Check: "fixed", Config: cfg, Interval: engine.Duration(time.Second)})
	}
	// Counters are process-wide and -count=N runs reuse these names:
	// every figure below is since this snapshot.
	s0 := metricSnap(t)
	since := func(name string, labels map[string]string) float64 {
		return counterSum(metricSnap(t), name, labels) - counterSum(s0, name, labels)
	}
	c := &control.Control{Zone: r.zone, Redis: r.rdb, Sender: jobs, Tick: 20 * time.Millisecond, Batch: batch, Logger: r.log}
	stopControl := goStop(t, func(ctx context.Context) { _ = c.Run(ctx) })

	zone := map[string]string{"zone": r.zone}
	claimed := func() float64 { return since("runbook_control_claimed_total", zone) }
	time.Sleep(time.Second)
	first := claimed()
	time.Sleep(2 * time.Second) // 800 more slots fall due
	held := claimed()
	// What can be claimed with nobody deciding: a results window, the
	// worker's slots, a jobs window and the batch control holds while it
	// waits.
	if limit := float64(2*window + slots + 2*batch); held > limit {
		t.Fatalf("claimed %v slots with no actioner, want at most %v", held, limit)
	}
	if held != first {
		t.Errorf("claiming went on with no actioner: %v, then %v", first, held)
	}
	if u := results.Unfinished(); u > window {
		t.Errorf("worker holds %d unfinished results, more than its window %d", u, window)
	}
	if u := jobs.Unfinished(); u > window+batch {
		t.Errorf("control holds %d unfinished jobs, more than its window and a batch", u)
	}
	for _, p := range []string{"bp-jobs", "bp-results"} {
		if n := since("runbook_producer_window_waits_total", map[string]string{"producer": p}); n < 1 {
			t.Errorf("producer %s counted %v window waits, want at least one", p, n)
		}
	}
	for _, b := range []string{"monitor-bp", "action-bp"} {
		if n := since("runbook_broker_dropped_total", map[string]string{"broker": b}); n != 0 {
			t.Errorf("broker %s dropped %v messages", b, n)
		}
	}

	decided0 := counterSum(metricSnap(t), "runbook_actioner_results_total", zone)
	r.startActioner(8)
	waitFor(t, 20*time.Second, "the zone catching up", func() bool {
		return counterSum(metricSnap(t), "runbook_actioner_results_total", zone)-decided0 >= 2*monitors
	})
	if after := claimed(); after < held+monitors {
		t.Errorf("claimed %v after the actioner came, want at least %v", after, held+monitors)
	}
	// Drain before the host closes: a plugin instance the host is still
	// creating for a cancelled call races with Host.Close (host package).
	stopControl()
	waitFor(t, 20*time.Second, "every job and result finished", func() bool {
		return jobs.Unfinished() == 0 && results.Unfinished() == 0
	})
}
