package bridge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/internal/loopback"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// rig is one zone's bridge on a real redis-server and a real bbolt file.
type rig struct {
	zone  string
	st    store.Store
	srv   *localredis.Server
	rdb   *redis.Client
	keys  zones.Keys
	sent  *sink
	b     *bridge.Bridge
	clock time.Time
}

func newRig(t *testing.T, zone string, st store.Store) *rig {
	t.Helper()
	srv := redistest.Start(t)
	rdb := redistest.Client(t, srv)
	r := &rig{zone: zone, st: st, srv: srv, rdb: rdb, keys: zones.KeysFor(zone), sent: &sink{ch: make(chan broker.Message, 100)}}
	r.b = &bridge.Bridge{Zone: zone, Store: st, Redis: rdb, Actions: r.sent}
	return r
}

// run starts the bridge and stops it when the test ends.
func (r *rig) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("bridge: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("bridge did not stop within 10s")
		}
	})
}

// sink records what the bridge sends to the action broker.
type sink struct{ ch chan broker.Message }

func (s *sink) Send(m broker.Message) error { s.ch <- m; return nil }

func monitor(id string, zones ...string) engine.Monitor {
	m := engine.Monitor{
		ID: id, Owner: "u1", Name: "monitor " + id, Kind: engine.KindScheduled, Check: "http-status",
		Config: json.RawMessage(`{"url":"http://127.0.0.1:1/` + id + `"}`), Interval: engine.Duration(30 * time.Second),
		Zones: zones, Reactions: []string{"r-" + id},
	}
	m.Normalize()
	return m
}

func reaction(id string) engine.Reaction {
	r := engine.Reaction{ID: id, Owner: "u1", Name: "reaction " + id, Plugin: "webhook",
		Config: json.RawMessage(`{"url":"http://127.0.0.1:1/hook"}`), Enabled: true}
	r.Normalize()
	return r
}

// cached is the monitor as the zone Redis holds it, or false.
func (r *rig) cachedMonitor(t *testing.T, id string) (engine.Monitor, bool) {
	t.Helper()
	raw, err := r.rdb.Get(context.Background(), r.keys.Monitor(id)).Bytes()
	if err == redis.Nil {
		return engine.Monitor{}, false
	}
	if err != nil {
		t.Fatalf("reading cached monitor %s: %v", id, err)
	}
	var m engine.Monitor
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decoding cached monitor %s: %v", id, err)
	}
	return m, true
}

func (r *rig) cachedReaction(t *testing.T, id string) (engine.Reaction, bool) {
	t.Helper()
	raw, err := r.rdb.Get(context.Background(), r.keys.Reaction(id)).Bytes()
	if err == redis.Nil {
		return engine.Reaction{}, false
	}
	if err != nil {
		t.Fatalf("reading cached reaction %s: %v", id, err)
	}
	var x engine.Reaction
	if err := json.Unmarshal(raw, &x); err != nil {
		t.Fatalf("decoding cached reaction %s: %v", id, err)
	}
	return x, true
}

// scheduled reports the monitor's interval on the zone schedule (0 = not
// scheduled) and checks that schedule and intervals agree.
func (r *rig) scheduled(t *testing.T, id string) time.Duration {
	t.Helper()
	ctx := context.Background()
	_, zerr := r.rdb.ZScore(ctx, r.keys.Schedule(), id).Result()
	ms, herr := r.rdb.HGet(ctx, r.keys.Intervals(), id).Int64()
	if (zerr == redis.Nil) != (herr == redis.Nil) {
		t.Fatalf("monitor %s half scheduled: schedule err %v, intervals err %v", id, zerr, herr)
	}
	if zerr == redis.Nil {
		return 0
	}
	if zerr != nil || herr != nil {
		t.Fatalf("reading schedule of %s: %v %v", id, zerr, herr)
	}
	return time.Duration(ms) * time.Millisecond
}

func (r *rig) pending(t *testing.T) int {
	t.Helper()
	es, err := r.st.ReadQueue(context.Background(), r.zone, 1000)
	if err != nil {
		t.Fatalf("reading queue of %s: %v", r.zone, err)
	}
	return len(es)
}

// drain applies what is queued by hand, the way Run's first round does.
func (r *rig) drain(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	es, err := r.st.ReadQueue(ctx, r.zone, 1000)
	if err != nil {
		t.Fatalf("reading queue: %v", err)
	}
	var ids []string
	for _, e := range es {
		if err := r.b.Apply(ctx, e); err != nil {
			t.Fatalf("applying %s %s: %v", e.Op, e.ObjectID, err)
		}
		ids = append(ids, e.ID)
	}
	if len(ids) > 0 {
		if err := r.st.AckQueue(ctx, r.zone, ids...); err != nil {
			t.Fatalf("acking: %v", err)
		}
	}
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func freeEndpoint(t *testing.T) string {
	t.Helper()
	ep, err := loopback.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func idN(i int) string { return fmt.Sprintf("m%03d", i) }

func redisZ(member string) redis.Z {
	return redis.Z{Score: float64(time.Now().UnixMilli()), Member: member}
}
