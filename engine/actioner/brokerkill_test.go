package actioner_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// The action broker killed holding results: the actioner went away while
// checks kept coming, so results piled up in the broker, queued and in
// flight, and it dies with them. Workers keep every result until the
// broker says an actioner finished it and send the unfinished ones to the
// new broker. Every scheduled slot of every monitor ends up in the store
// exactly once, and no result is applied to the counters twice or skipped:
// every check fails, so each monitor's failcount is its number of history
// rows.
func TestActionBrokerKilledHoldingResults(t *testing.T) {
	r := newRig(t, "z")
	r.resend = 500 * time.Millisecond // not 5 s: a short test
	ctx := context.Background()
	r.startBroker("monitor-z", r.monitor.front, r.monitor.back)
	stopAction := r.startBroker("action-z", r.action.front, r.action.back)
	r.startWorker(4)
	stopActioner := r.startActioner(4)
	r.startFlusher(50*time.Millisecond, 1000)
	const monitors = 20
	cfg := json.RawMessage(`{"status":"failed"}`)
	for i := 0; i < monitors; i++ {
		r.put(engine.Monitor{ID: fmt.Sprintf("m%02d", i), Check: "fixed", Config: cfg, Interval: engine.Duration(time.Second)})
	}
	resent0 := counterSum(metricSnap(t), "runbook_producer_resent_total", nil)
	stopControl := r.startControl(100)

	time.Sleep(2 * time.Second) // flowing
	stopActioner()
	time.Sleep(1500 * time.Millisecond) // results pile up in the action broker
	// No new slots from here, so a re-sent result is never older than one
	// already applied: each must be applied exactly once.
	stopControl()
	time.Sleep(200 * time.Millisecond) // the last checks reach the broker
	stopAction()                       // ... and it dies holding them
	time.Sleep(300 * time.Millisecond)
	r.startBroker("action-z", r.action.front, r.action.back)
	// One slot: the re-sent results come in the order they were made, and
	// are handled in it. With several slots two results of one monitor
	// may be decided in either order, and the older one is then kept in
	// history only (by design), which would blur the count below.
	r.startActioner(1)

	hist := map[string][]engine.Result{}
	defer func() {
		if t.Failed() {
			for i := 0; i < monitors; i++ {
				id := fmt.Sprintf("m%02d", i)
				h, _ := r.st.History(ctx, id, store.HistoryQuery{Limit: 1000})
				sort.Slice(h, func(a, b int) bool { return h[a].ScheduledAt.Before(h[b].ScheduledAt) })
				var gaps []string
				for k := 1; k < len(h); k++ {
					if d := h[k].ScheduledAt.Sub(h[k-1].ScheduledAt); d != time.Second {
						gaps = append(gaps, fmt.Sprintf("%s after %s", d, h[k-1].ScheduledAt.Format("05.000")))
					}
				}
				t.Logf("%s: %d rows, gaps %v, counters %v", id, len(h), gaps, r.counters(id))
			}
		}
	}()
	waitFor(t, 20*time.Second, "every slot of every monitor in the store", func() bool {
		for i := 0; i < monitors; i++ {
			id := fmt.Sprintf("m%02d", i)
			h, err := r.st.History(ctx, id, store.HistoryQuery{Limit: 1000})
			if err != nil || len(h) < 3 {
				return false
			}
			sort.Slice(h, func(a, b int) bool { return h[a].ScheduledAt.Before(h[b].ScheduledAt) })
			for k := 1; k < len(h); k++ {
				if h[k].ScheduledAt.Sub(h[k-1].ScheduledAt) != time.Second {
					return false
				}
			}
			// The newest slot control claimed is the one before the next
			// due one in the schedule.
			next, err := r.rdb.ZScore(ctx, r.keys.Schedule(), id).Result()
			if err != nil || h[len(h)-1].ScheduledAt.UnixMilli() != int64(next)-time.Second.Milliseconds() {
				return false
			}
			hist[id] = h
		}
		return true
	})
	if resent := counterSum(metricSnap(t), "runbook_producer_resent_total", nil) - resent0; resent < 1 {
		t.Errorf("producers re-sent %v results, want some: the kill did not catch results in the broker", resent)
	}
	rows := 0
	for id, h := range hist {
		seen := map[string]bool{}
		for _, row := range h {
			if seen[row.ID] {
				t.Errorf("%s: history row %s stored twice", id, row.ID)
			}
			seen[row.ID] = true
		}
		var fails int
		fmt.Sscan(r.counters(id)["failcount"], &fails)
		if fails != len(h) {
			t.Errorf("%s: failcount %d for %d results: a result was applied twice or not at all", id, fails, len(h))
		}
		rows += len(h)
	}
	t.Logf("%d history rows, each applied once", rows)
}
