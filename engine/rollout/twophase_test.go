package rollout_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/rollout/rollouttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
)

// TestPromoteWaitsForEveryLiveNode: a zone has a real node (host +
// syncer) and a node that heartbeats but never prepares (stuck). The push
// prepares on the real node, waits, and gives up at its timeout with an
// error naming the stuck node: nothing is promoted (store and host still
// on v1, the staged entry gone), and the real node, which had prepared
// v2, unloads it.
// Once the stuck node stops heartbeating it is no longer waited for: the
// same push promotes, and the node swaps to the module it prepared.
// Rolling back is a swap to v1, still loaded.
func TestPromoteWaitsForEveryLiveNode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rdb, st, logs, log := zoneSetup(t)
	keys := zones.KeysFor("z")
	v1 := module(t, hosttest.Wasm(t, "http-status")[0])
	v2 := module(t, hosttest.Variant(t, "http-status", "0.2.0-hotload"))
	redisFor := map[string]redis.UniversalClient{"z": rdb}
	opts := func(ready time.Duration) rollout.PushOptions {
		return rollout.PushOptions{Zones: []string{"z"}, Cache: hosttest.Cache(), Redis: redisFor,
			ReadyTimeout: ready, NodeTTL: time.Second, Actor: "test"}
	}
	r1, err := rollout.Push(ctx, st, v1, opts(0))
	must(t, err)

	runCtx, stop := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stop(); bg.Wait() }()
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"), Logger: log})
	stopZone := rollouttest.Zone{Name: "z", Store: st, Redis: rdb, Host: h, Node: "real-node", Heartbeat: 200 * time.Millisecond, Logger: log}.Run(runCtx)
	defer stopZone()
	stuckCtx, unstick := context.WithCancel(runCtx)
	bg.Add(1)
	go func() {
		defer bg.Done()
		for stuckCtx.Err() == nil {
			if now, err := rdb.Time(stuckCtx).Result(); err == nil {
				rdb.ZAdd(stuckCtx, keys.PluginNodes(), redis.Z{Score: float64(now.UnixMilli()), Member: "stuck-node"})
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	waitServing(t, h, r1.Entry.SHA256)
	time.Sleep(300 * time.Millisecond) // both nodes in the set

	rep, err := rollout.Push(ctx, st, v2, opts(3*time.Second))
	var notReady *rollout.NotReadyError
	if !errors.As(err, &notReady) || !slices.Equal(notReady.Nodes, []string{"stuck-node"}) ||
		!strings.Contains(err.Error(), "stuck-node") || strings.Contains(err.Error(), "real-node") || !strings.Contains(err.Error(), "not promoted") {
		t.Fatalf("push with a stuck node: %v, want not promoted, naming stuck-node only", err)
	}
	t.Logf("push refused: %v", err)
	if rep.Zones[0].Promoted {
		t.Fatal("report says promoted")
	}
	if d, _ := st.GetPluginDeployment(ctx, "z", "http-status"); d.SHA256 != r1.Entry.SHA256 {
		t.Fatalf("store current %s after a push that was not promoted, want v1", d.Version)
	}
	if _, d, _ := h.Current("http-status"); d != r1.Entry.SHA256 {
		t.Fatalf("host serves %s after a push that was not promoted", short(d))
	}
	// The real node had prepared v2; told that the push gave up, it
	// unloads it (the ~40 MB compiled, and a place among the versions
	// kept that a rollback target or a pin needs).
	if i := slices.IndexFunc(rep.Zones[0].Nodes, func(n rollout.NodeReport) bool { return n.Node == "real-node" }); i < 0 || rep.Zones[0].Nodes[i].Ready <= 0 {
		t.Fatalf("the real node did not prepare v2: %+v", rep.Zones[0].Nodes)
	}
	holdsV2 := func() bool {
		return slices.ContainsFunc(h.Plugins(), func(p host.PluginInfo) bool { return p.Digest == rep.Entry.SHA256 })
	}
	const dropped = `msg="staged plugin version dropped: its push gave up or was replaced" zone=z component=pluginsync node=real-node plugin=http-status version=0.2.0-hotload`
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), dropped) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if holdsV2() || !strings.Contains(logs.String(), dropped) {
		t.Fatalf("the real node did not drop v2 after the push gave up: loaded %v\n%s", versions(h), tail(logs.String()))
	}
	if n, _ := rdb.HLen(ctx, keys.PluginsStaged()).Result(); n != 0 {
		t.Fatalf("%d staged entries left after the push gave up", n)
	}

	// A node gone for long (a process restarted under a new id) is
	// forgotten, with its report, by the next push.
	now, _ := rdb.Time(ctx).Result()
	must(t, rdb.ZAdd(ctx, keys.PluginNodes(), redis.Z{Score: float64(now.Add(-time.Hour).UnixMilli()), Member: "gone-node"}).Err())
	must(t, rdb.HSet(ctx, keys.PluginReports("http-status"), "gone-node", `{"node":"gone-node"}`).Err())

	// The stuck node goes away (crashed): past the TTL it is not waited for.
	unstick()
	time.Sleep(1500 * time.Millisecond)
	rep, err = rollout.Push(ctx, st, v2, opts(0))
	if err != nil {
		t.Fatalf("push after the stuck node left: %v", err)
	}
	z := rep.Zones[0]
	if !z.Prepared || !z.Promoted || len(z.Nodes) != 1 || z.Nodes[0].Node != "real-node" {
		t.Fatalf("push after the stuck node left: %+v", z)
	}
	t.Logf("prepare %s, switch confirmed %s after promotion", rep.Prepare, rep.Switch)
	if _, err := rdb.ZScore(ctx, keys.PluginNodes(), "gone-node").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("a node silent for an hour is still in the node set (%v)", err)
	}
	if ok, _ := rdb.HExists(ctx, keys.PluginReports("http-status"), "gone-node").Result(); ok {
		t.Error("a forgotten node's report is still there")
	}
	if ok, _ := rdb.HExists(ctx, keys.PluginReports("http-status"), "real-node").Result(); !ok {
		t.Error("the live node's report was dropped")
	}
	waitServing(t, h, rep.Entry.SHA256)
	if !strings.Contains(logs.String(), `msg="plugin version serving (was loaded)" zone=z component=pluginsync node=real-node plugin=http-status version=0.2.0-hotload`) {
		t.Fatalf("the switch to v2 was not a swap to the prepared module:\n%s", tail(logs.String()))
	}

	// Rollback after promote: v1 is still loaded, so it is a swap too.
	// RollbackWait returns once every live node serves v1, saying who
	// switched; a node that heartbeats but never switches is named.
	muteCtx, unmute := context.WithCancel(runCtx)
	defer unmute()
	bg.Add(1)
	go func() {
		defer bg.Done()
		for muteCtx.Err() == nil {
			if now, err := rdb.Time(muteCtx).Result(); err == nil {
				rdb.ZAdd(muteCtx, keys.PluginNodes(), redis.Z{Score: float64(now.UnixMilli()), Member: "mute-node"})
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	time.Sleep(300 * time.Millisecond)
	rolled, err := rollout.RollbackWait(ctx, st, "http-status", rollout.RollbackOptions{Zones: []string{"z"}, Actor: "test",
		Redis: redisFor, SwitchTimeout: 2 * time.Second, NodeTTL: time.Second})
	var notSwitched *rollout.NotSwitchedError
	if !errors.As(err, &notSwitched) || !slices.Equal(notSwitched.Nodes, []string{"mute-node"}) || strings.Contains(err.Error(), "real-node") {
		t.Fatalf("rollback with a mute node: %v, want NotSwitchedError naming mute-node only", err)
	}
	if len(rolled) != 1 || !rolled[0].Waited || rolled[0].To.SHA256 != r1.Entry.SHA256 {
		t.Fatalf("rollback report: %+v", rolled)
	}
	var real rollout.NodeReport
	for _, n := range rolled[0].Nodes {
		if n.Node == "real-node" {
			real = n
		}
	}
	if real.Switched <= 0 || real.Switched > 2*time.Second {
		t.Fatalf("rollback report does not say when real-node switched: %+v", rolled[0].Nodes)
	}
	t.Logf("rollback: real-node serving v1 %s after the rollback", real.Switched)
	// Confirmed means serving, now, not eventually.
	if _, d, _ := h.Current("http-status"); d != r1.Entry.SHA256 {
		t.Fatalf("RollbackWait said real-node switched, but it serves %s", short(d))
	}
	if !strings.Contains(logs.String(), `msg="plugin version serving (was loaded)" zone=z component=pluginsync node=real-node plugin=http-status version=0.1.0`) {
		t.Fatalf("the rollback was not a swap to the loaded v1:\n%s", tail(logs.String()))
	}
}

// versions lists what h has loaded, current first.
func versions(h *host.Host) []string {
	var vs []string
	for _, p := range h.Plugins() {
		vs = append(vs, p.Version)
	}
	return vs
}
