package faulttest

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host/hosttest"
)

// The zone Redis is flushed mid-run (FLUSHALL, as after losing it):
// checking stops, Repopulate restores every monitor and reaction of the
// zone from the store, and scheduling resumes by itself.
func TestRedisFlushedThenRepopulated(t *testing.T) {
	ctx := context.Background()
	h := hosttest.New(t, "http-status", "webhook")
	st := bolttest.Open(t)
	const zn = "flushed"
	z := startZone(t, zn, st, h)
	z.startBridge(t, st)
	tg, rc := newTarget(t), newReceiver(t)
	must(t, st.PutReaction(ctx, webhookReaction("notify", rc.URL, engine.CallOnFailed), []string{zn}))
	ids := []string{"a", "b", "c"}
	for _, id := range ids {
		must(t, st.PutMonitor(ctx, checkMonitor(id, tg.URL, []string{"notify"}, zn), []string{zn}))
	}
	elsewhere := checkMonitor("elsewhere", tg.URL, nil, "other")
	must(t, st.PutMonitor(ctx, elsewhere, []string{"other"}))
	waitFor(t, 20*time.Second, "every monitor checked", func() bool {
		for _, id := range ids {
			if len(history(t, st, id)) == 0 {
				return false
			}
		}
		return true
	})

	must(t, z.rdb.FlushAll(ctx).Err())
	time.Sleep(1500 * time.Millisecond) // anything in flight lands
	before := map[string]int{}
	for _, id := range ids {
		before[id] = len(history(t, st, id))
	}
	time.Sleep(1500 * time.Millisecond)
	for _, id := range ids {
		if n := len(history(t, st, id)); n != before[id] {
			t.Fatalf("%s was checked %d more times with an empty Redis: the flush did not take", id, n-before[id])
		}
	}

	m, r, err := z.bridge(st).Repopulate(ctx)
	must(t, err)
	if m != len(ids) || r != 1 {
		t.Errorf("repopulate restored %d monitors and %d reactions, want %d and 1", m, r, len(ids))
	}
	for _, id := range ids {
		if n, _ := z.rdb.Exists(ctx, z.keys.Monitor(id)).Result(); n != 1 {
			t.Errorf("monitor %s not back in Redis", id)
		}
	}
	if n, _ := z.rdb.Exists(ctx, z.keys.Monitor("elsewhere"), z.keys.Reaction("notify")).Result(); n != 1 {
		t.Errorf("want the reaction back and the other zone's monitor absent, %d of the two keys exist", n)
	}
	waitFor(t, 15*time.Second, "checks to resume", func() bool {
		for _, id := range ids {
			if len(history(t, st, id)) <= before[id] {
				return false
			}
		}
		return true
	})
	// Reactions resume too: a failure after the rebuild is reacted to.
	calls := rc.count()
	tg.code.Store(500)
	waitFor(t, 15*time.Second, "a reaction after repopulate", func() bool { return rc.count() > calls })
}
