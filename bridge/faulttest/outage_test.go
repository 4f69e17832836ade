package faulttest

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/engine/store/storefault"
	"github.com/runbookhq/runbook/host/hosttest"
)

// The store refuses writes for a while during a run with a live monitor
// whose target fails and recovers meanwhile: checks and reactions carry
// on from the zone Redis (cache-only), and once the store takes writes
// again every history row, event and reaction log of the run reaches it,
// none twice. Run against the bbolt store behind a fault wrapper and
// against the RethinkDB test server refusing writes itself.
func TestStoreOutageLosesNothing(t *testing.T) {
	h := hosttest.New(t, "http-status", "webhook")
	backends := []struct {
		name string
		open func(t *testing.T) (st store.Store, refuse func(bool))
	}{
		{"bolt behind a fault wrapper", func(t *testing.T) (store.Store, func(bool)) {
			f := storefault.Wrap(bolttest.Open(t))
			return f, f.RefuseWrites
		}},
		{"rethinkdb test server refusing writes", func(t *testing.T) (store.Store, func(bool)) {
			st, srv := rethinkStore(t)
			return st, srv.RefuseWrites
		}},
	}
	for i, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			zoneName := []string{"outage-bolt", "outage-rethink"}[i]
			st, refuse := be.open(t)
			// Counters are process-wide and -count=N runs reuse the zone
			// names: the totals below are since here.
			results0 := metric(t, "runbook_actioner_results_total", zoneName, nil)
			stale0 := metric(t, "runbook_actioner_dropped_total", zoneName, map[string]string{"reason": "stale"})
			decided0 := metric(t, "runbook_actioner_reactions_total", zoneName, nil)
			z := startZone(t, zoneName, st, h)
			z.startBridge(t, st)
			tg, rc := newTarget(t), newReceiver(t)
			must(t, st.PutReaction(ctx, webhookReaction("notify", rc.URL, engine.CallOnBoth), []string{zoneName}))
			must(t, st.PutMonitor(ctx, checkMonitor("shop", tg.URL, []string{"notify"}, zoneName), []string{zoneName}))
			waitFor(t, 20*time.Second, "first rows in the store", func() bool { return len(history(t, st, "shop")) >= 2 })

			waitFor(t, 10*time.Second, "the first (healthy) reaction", func() bool { return rc.count() >= 1 })
			refuse(true)
			stored, calls := len(history(t, st, "shop")), rc.count()
			tg.code.Store(500)
			waitFor(t, 15*time.Second, "the failure reaction while the store is down", func() bool { return rc.count() >= calls+1 })
			waitFor(t, 10*time.Second, "a failed result journaled", func() bool { return pending(t, z) > 0 })
			tg.code.Store(200)
			waitFor(t, 15*time.Second, "the recovery reaction while the store is down", func() bool { return rc.count() >= calls+2 })
			if n := len(history(t, st, "shop")); n != stored {
				t.Fatalf("store took %d rows while refusing writes", n-stored)
			}

			refuse(false)
			// Stop checking so the totals settle, then let the journal drain.
			paused := checkMonitor("shop", tg.URL, []string{"notify"}, zoneName)
			paused.Paused = true
			waitFor(t, 15*time.Second, "pausing the monitor", func() bool { return st.PutMonitor(ctx, paused, []string{zoneName}) == nil })
			waitFor(t, 15*time.Second, "the journal to drain", func() bool {
				time.Sleep(300 * time.Millisecond) // a result in flight is journaled first
				return pending(t, z) == 0
			})

			rows := history(t, st, "shop")
			results := metric(t, "runbook_actioner_results_total", zoneName, nil) - results0 +
				metric(t, "runbook_actioner_dropped_total", zoneName, map[string]string{"reason": "stale"}) - stale0
			if float64(len(rows)) != results {
				t.Errorf("store has %d history rows, actioners journaled %v results", len(rows), results)
			}
			checkEventsMatchHistory(t, st, "shop", rows)
			logs, err := st.ReactionLogs(ctx, "shop", 1000)
			must(t, err)
			decided := metric(t, "runbook_actioner_reactions_total", zoneName, nil) - decided0
			if float64(len(logs)) != decided {
				t.Errorf("store has %d reaction logs, actioners decided %v reactions", len(logs), decided)
			}
			executed := 0
			for _, l := range logs {
				if l.Outcome == engine.OutcomeExecuted {
					executed++
				}
			}
			if executed != rc.count() {
				t.Errorf("%d executed reaction logs for %d webhook calls", executed, rc.count())
			}
			r, err := st.GetReaction(ctx, "notify")
			must(t, err)
			if r.LastRun.IsZero() {
				t.Error("the reaction's lastrun never reached the store")
			}
		})
	}
}

func pending(t *testing.T, z *zone) int64 {
	t.Helper()
	n, err := z.journal.Pending(context.Background())
	if err != nil {
		t.Fatalf("counting the journal of %s: %v", z.name, err)
	}
	return n
}

// checkEventsMatchHistory: every status change in the stored history has
// its event, no event is stored twice, and the events chain (each starts
// where the previous ended).
func checkEventsMatchHistory(t *testing.T, st store.Store, monitor string, rows []engine.Result) {
	t.Helper()
	events, err := st.Events(context.Background(), monitor, 1000)
	must(t, err)
	byResult := map[string]int{}
	for _, e := range events {
		byResult[e.ResultID]++
	}
	changes := 0
	prev := engine.StatusPending
	for _, r := range rows {
		if r.Status != prev {
			changes++
			if byResult[r.ID] != 1 {
				t.Errorf("change %s→%s at result %s has %d events, want 1", prev, r.Status, r.ID, byResult[r.ID])
			}
			prev = r.Status
		}
	}
	if len(events) != changes {
		t.Errorf("%d events stored for %d status changes in history", len(events), changes)
	}
	if changes < 3 {
		t.Errorf("only %d status changes: the outage did not see the target fail and recover", changes)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
