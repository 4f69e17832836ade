package actioner

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

func resultWith(s engine.Status) *pending {
	return &pending{res: engine.Result{MonitorID: "m", Status: s}}
}

// A batch of healthy results waits for the rest of its tick and goes
// together once the linger ends.
func TestHealthyBatchWaitsForTheRestOfItsTick(t *testing.T) {
	a := &Actioner{linger: 200 * time.Millisecond}
	in := make(chan *pending, 8)
	go func() {
		for i := 0; i < 3; i++ {
			time.Sleep(5 * time.Millisecond)
			in <- resultWith(engine.StatusHealthy)
		}
	}()
	batch := a.gather(context.Background(), in, []*pending{resultWith(engine.StatusHealthy)})
	if len(batch) != 4 {
		t.Fatalf("batch of %d results, want the 4 that arrived within the linger", len(batch))
	}
}

// A result that is not healthy never waits: one that arrives during the
// linger ends it, and one that opens a batch goes at once. The linger
// here is an hour; the test would time out if either waited.
func TestFailedResultDoesNotWait(t *testing.T) {
	a := &Actioner{linger: time.Hour}
	in := make(chan *pending, 8)
	in <- resultWith(engine.StatusHealthy)
	go func() {
		time.Sleep(20 * time.Millisecond)
		in <- resultWith(engine.StatusFailed)
	}()
	batch := a.gather(context.Background(), in, []*pending{resultWith(engine.StatusHealthy)})
	if len(batch) != 3 || batch[2].res.Status != engine.StatusFailed {
		t.Fatalf("batch %d results, want 2 healthy then the failed one", len(batch))
	}

	in <- resultWith(engine.StatusHealthy)
	batch = a.gather(context.Background(), in, []*pending{resultWith(engine.StatusFailed)})
	if len(batch) != 2 {
		t.Fatalf("a failed result's batch took %d results, want it and the one queued", len(batch))
	}
}
