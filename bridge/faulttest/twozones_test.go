package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host/hosttest"
)

// Two zones from one store: a monitor for zone A only is never checked in
// B, a monitor for both is checked in both, and a webhook result the web
// queues for both zones reaches each zone's actioners exactly once.
func TestTwoZonesFromOneStore(t *testing.T) {
	ctx := context.Background()
	h := hosttest.New(t, "http-status", "webhook")
	st := bolttest.Open(t)
	const a, b = "dc-a", "dc-b"
	za, zb := startZone(t, a, st, h), startZone(t, b, st, h)
	za.startBridge(t, st)
	zb.startBridge(t, st)
	tg, rc := newTarget(t), newReceiver(t)
	all := []string{a, b}

	must(t, st.PutReaction(ctx, webhookReaction("notify", rc.URL, engine.CallOnFailed), all))
	// The web notifies every zone; the bridges must still keep onlyA out of B.
	must(t, st.PutMonitor(ctx, checkMonitor("only-a", tg.URL, nil, a), all))
	must(t, st.PutMonitor(ctx, checkMonitor("both", tg.URL, nil, a, b), all))
	hooked := engine.Monitor{ID: "hooked", Owner: "u1", Name: "hooked", Kind: engine.KindWebhook,
		Zones: all, Reactions: []string{"notify"}}
	hooked.Normalize()
	must(t, st.PutMonitor(ctx, hooked, all))

	waitFor(t, 20*time.Second, "both zones checking", func() bool {
		zs := map[string]bool{}
		for _, r := range history(t, st, "both") {
			zs[r.Zone] = true
		}
		return zs[a] && zs[b] && len(history(t, st, "only-a")) >= 2
	})
	waitFor(t, 10*time.Second, "both bridges to apply the webhook monitor", func() bool {
		na, _ := za.rdb.Exists(ctx, za.keys.Monitor("hooked")).Result()
		nb, _ := zb.rdb.Exists(ctx, zb.keys.Monitor("hooked")).Result()
		return na == 1 && nb == 1
	})

	// What the web's webhook endpoint does: one result per zone, each
	// with its zone in the id, in each zone's queue.
	now := time.Now().UTC()
	for _, z := range all {
		res := engine.Result{ID: fmt.Sprintf("hooked.%s.webhook-%d", z, now.UnixNano()), MonitorID: "hooked", Zone: z,
			Source: engine.SourceWebhook, Status: engine.StatusFailed, Message: "down", ScheduledAt: now, FinishedAt: now}
		payload, _ := json.Marshal(res)
		must(t, st.Enqueue(ctx, z, engine.QueueEntry{Zone: z, Op: engine.OpResult, ObjectID: "hooked", Payload: payload}))
	}
	waitFor(t, 15*time.Second, "the webhook result in both zones' history", func() bool { return len(history(t, st, "hooked")) >= 2 })
	waitFor(t, 10*time.Second, "both zones to react", func() bool { return rc.count() >= 2 })
	time.Sleep(1500 * time.Millisecond) // room for a duplicate to show up

	perZone := map[string]int{}
	for _, r := range history(t, st, "hooked") {
		perZone[r.Zone]++
	}
	if perZone[a] != 1 || perZone[b] != 1 || len(perZone) != 2 {
		t.Errorf("webhook result handled per zone %v, want once in each of %s and %s", perZone, a, b)
	}
	logs, err := st.ReactionLogs(ctx, "hooked", 100)
	must(t, err)
	logZones := map[string]int{}
	for _, l := range logs {
		logZones[l.Zone]++
	}
	if logZones[a] != 1 || logZones[b] != 1 || rc.count() != 2 {
		t.Errorf("reaction logs per zone %v and %d webhook calls, want one per zone", logZones, rc.count())
	}
	for _, r := range history(t, st, "only-a") {
		if r.Zone != a {
			t.Fatalf("monitor only-a was checked in zone %s", r.Zone)
		}
	}
	if n, _ := zb.rdb.Exists(ctx, zb.keys.Monitor("only-a")).Result(); n != 0 {
		t.Error("zone B caches only-a")
	}
}
