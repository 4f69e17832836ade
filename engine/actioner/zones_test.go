package actioner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Two zones checking one monitor disagree: zone a says failed, zone b says
// healthy. With quorum 1 the monitor is failed and its reaction runs; with
// quorum 2 it stays healthy, the reaction is held back (logged "quorum:"),
// and runs once when b agrees. Each zone's results are recorded with
// their zone; the monitor status is decided by the journal flusher from
// every zone's newest event in the store.
func TestTwoZonesDisagreeQuorum(t *testing.T) {
	a := newRig(t, "a")
	b := a.sameStoreRig("b")
	rc := newReceiver(t)
	aa, ba := a.newActioner(), b.newActioner()
	a.startFlusher(30*time.Millisecond, 1000)
	b.startFlusher(30*time.Millisecond, 1000)
	ctx := context.Background()
	for _, k := range []int{1, 2} {
		t.Run(fmt.Sprintf("quorum %d", k), func(t *testing.T) {
			mid, rid := fmt.Sprintf("m-q%d", k), fmt.Sprintf("r-q%d", k)
			path := "/" + rid
			react := webhook(rid, rc.URL+path, 1, 0, engine.CallOnFailed, true)
			a.putReaction(react)
			b.putReaction(react)
			m := engine.Monitor{ID: mid, Kind: engine.KindWebhook, Zones: []string{"a", "b"}, Quorum: k, Reactions: []string{rid}}
			a.put(m)
			b.put(m)
			status := func() engine.Status { sm, _ := a.st.GetMonitor(ctx, mid); return sm.Status }
			t0 := time.Now().Add(-10 * time.Second)
			feed := func(act interface {
				Handle(context.Context, engine.Result) error
			}, zone string, s engine.Status, i int) {
				t.Helper()
				res := result(mid, s, engine.SourceWebhook, t0.Add(time.Duration(i)*time.Second))
				res.Zone = zone
				if err := act.Handle(ctx, res); err != nil {
					t.Fatal(err)
				}
			}
			feed(ba, "b", H, 0)
			feed(aa, "a", H, 1)
			waitFor(t, 5*time.Second, "monitor healthy", func() bool { return status() == H })
			feed(aa, "a", F, 2)
			if k == 1 {
				waitFor(t, 5*time.Second, "monitor failed on one zone", func() bool { return status() == F })
				if n := rc.count(path); n != 1 {
					t.Fatalf("reaction ran %d times, want 1", n)
				}
				feed(ba, "b", H, 3) // b still healthy: a's failure is enough
				time.Sleep(200 * time.Millisecond)
				if status() != F || rc.count(path) != 1 {
					t.Fatalf("status %s, %d runs after b said healthy; want failed, 1", status(), rc.count(path))
				}
				return
			}
			// Quorum 2: one zone failing is not an outage.
			time.Sleep(200 * time.Millisecond)
			if s := status(); s != H {
				t.Fatalf("monitor %s with 1 of 2 zones failed, want healthy", s)
			}
			if n := rc.count(path); n != 0 {
				t.Fatalf("reaction ran %d times before the quorum, want 0", n)
			}
			logs, _ := a.st.ReactionLogs(ctx, mid, 10)
			if len(logs) != 1 || logs[0].Outcome != engine.OutcomeSkipped || !strings.HasPrefix(logs[0].Message, "quorum: ") {
				t.Fatalf("logs %+v, want one skipped \"quorum: …\"", logs)
			}
			feed(ba, "b", F, 3)
			waitFor(t, 5*time.Second, "monitor failed on two zones", func() bool { return status() == F })
			if n := rc.count(path); n != 1 {
				t.Fatalf("reaction ran %d times once the quorum was met, want 1", n)
			}
			waitFor(t, 5*time.Second, "lastrun in the store", func() bool {
				r, _ := a.st.GetReaction(ctx, rid)
				return !r.LastRun.IsZero()
			})
			feed(aa, "a", F, 4) // a's incident goes on: already handled by b
			if n := rc.count(path); n != 1 {
				t.Fatalf("reaction ran %d times, want still 1", n)
			}
			waitFor(t, 5*time.Second, "history of both zones, a:3 b:2", func() bool {
				hist, _ := a.st.History(ctx, mid, store0())
				byZone := map[string]int{}
				for _, h := range hist {
					byZone[h.Zone]++
				}
				return byZone["a"] == 3 && byZone["b"] == 2
			})
		})
	}
}

// A heartbeat monitor: a ping arms interval+grace; silence past it turns
// the monitor failed through the actioner (reaction runs once, a miss
// per interval keeps counting), and the next ping turns it healthy.
func TestHeartbeatTimeoutAndRecovery(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startControl(100)
	r.startActioner(4)
	r.startFlusher(50*time.Millisecond, 1000)
	rc := newReceiver(t)
	r.putReaction(webhook("down", rc.URL+"/down", 1, 0, engine.CallOnFailed, true))
	r.putReaction(webhook("up", rc.URL+"/up", 1, 0, engine.CallOnHealthy, true))
	r.put(engine.Monitor{ID: "cron", Kind: engine.KindHeartbeat, Interval: engine.Duration(time.Second),
		Grace: engine.Duration(300 * time.Millisecond), Reactions: []string{"down", "up"}})
	ctx := context.Background()
	ping := func() time.Time {
		at := time.Now()
		r.push(result("cron", H, engine.SourceHeartbeat, at))
		return at
	}
	at := ping()
	waitFor(t, 5*time.Second, "healthy and armed", func() bool {
		d, err := r.rdb.ZScore(ctx, r.keys.Heartbeat(), "cron").Result()
		return r.counters("cron")["status"] == "healthy" && err == nil && int64(d) == at.Add(1300*time.Millisecond).UnixMilli()
	})
	waitFor(t, 5*time.Second, "failed after interval+grace", func() bool { return r.counters("cron")["status"] == "failed" })
	if since := time.Since(at); since < 1300*time.Millisecond {
		t.Errorf("failed %s after the ping, before interval+grace", since)
	}
	waitFor(t, 5*time.Second, "a second missed beat", func() bool { return r.counters("cron")["failcount"] == "2" })
	if n := rc.count("/down"); n != 1 {
		t.Errorf("down reaction ran %d times, want 1", n)
	}
	ping()
	waitFor(t, 5*time.Second, "healthy again", func() bool { return r.counters("cron")["status"] == "healthy" })
	waitFor(t, 5*time.Second, "up reaction", func() bool { return rc.count("/up") == 2 }) // first ping + recovery
	waitFor(t, 5*time.Second, "events in the store", func() bool {
		evs, _ := r.st.Events(ctx, "cron", 10)
		return len(evs) == 3 && evs[0].To == H && evs[1].To == F
	})
}

// The whole pipeline from the schedule: control claims, a worker runs the
// WASM check, the actioner decides (trigger 2) and the webhook reaction
// runs once; history reaches the store with zone, plugin and digest.
func TestCheckToReactionEndToEnd(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startControl(100)
	r.startWorker(4)
	r.startActioner(4)
	r.startFlusher(50*time.Millisecond, 1000)
	rc := newReceiver(t)
	r.putReaction(webhook("page", rc.URL+"/page", 2, 0, engine.CallOnFailed, true))
	r.put(engine.Monitor{ID: "disk", Check: "fixed", Interval: engine.Duration(time.Second),
		Config: []byte(`{"status":"failed","message":"disk full"}`), Reactions: []string{"page"}})
	ctx := context.Background()
	waitFor(t, 15*time.Second, "reaction after 2 failures", func() bool { return rc.count("/page") == 1 })
	waitFor(t, 5*time.Second, "history and status in the store", func() bool {
		h, _ := r.st.History(ctx, "disk", store0())
		m, _ := r.st.GetMonitor(ctx, "disk")
		return len(h) >= 2 && m.Status == F
	})
	h, _ := r.st.History(ctx, "disk", store0())
	for _, row := range h {
		if row.Zone != "z" || row.Digest == "" || row.Message != "disk full" || row.Source != engine.SourceCheck {
			t.Errorf("history row %+v", row)
		}
	}
	if rc.count("/page") != 1 {
		t.Errorf("reaction ran %d times, want 1", rc.count("/page"))
	}
}
