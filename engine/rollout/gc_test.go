package rollout_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/rollout/rollouttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
)

// TestGCRemovesUnreferencedModules: three versions pushed to a zone leave
// three modules in its Redis. While a monitor pins the oldest, nothing is
// removed; once the pin goes, the oldest (neither current, previous nor
// pinned) is marked, survives the grace period, and is then removed,
// while current and previous stay. Rolling back twice afterwards still
// works: the bridge copies the removed module back from the store and the
// zone's process serves it again. A module the zone names but Redis lost
// is restored by the next collection.
func TestGCRemovesUnreferencedModules(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rdb, st, _, log := zoneSetup(t)
	keys := zones.KeysFor("z")

	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"), Logger: log})
	stop := rollouttest.Zone{Name: "z", Store: st, Redis: rdb, Host: h, Logger: log}.Run(ctx)
	defer stop()

	var digests []string
	var versions []string
	for _, path := range []string{hosttest.Wasm(t, "http-status")[0], hosttest.Variant(t, "http-status", "0.2.0-hotload"), hosttest.Variant(t, "http-status", "0.3.0-gc")} {
		wasm, err := os.ReadFile(path)
		must(t, err)
		r, err := rollout.Push(ctx, st, wasm, rollout.PushOptions{Zones: []string{"z"}, Cache: hosttest.Cache(), Redis: map[string]redis.UniversalClient{"z": rdb}})
		must(t, err)
		e := r.Entry
		digests, versions = append(digests, e.SHA256), append(versions, e.Version)
		waitServing(t, h, e.SHA256)
	}
	v1, v2, v3 := digests[0], digests[1], digests[2]
	exists := func(d string) bool {
		n, err := rdb.Exists(ctx, keys.PluginBlob(d)).Result()
		must(t, err)
		return n == 1
	}
	for _, d := range digests {
		if !exists(d) {
			t.Fatalf("module %s not in the zone after its push", short(d))
		}
	}

	const grace = 500 * time.Millisecond
	o := rollout.GCOptions{Grace: grace, Logger: log}
	pinned := engine.Monitor{ID: "pinned", Name: "Pinned", Kind: engine.KindScheduled, Check: "http-status", Version: versions[0],
		Interval: engine.Duration(time.Minute), Config: []byte(`{"url":"http://127.0.0.1:1/"}`), Zones: []string{"z"}}
	must(t, st.PutMonitor(ctx, pinned, nil))
	for range 2 {
		res, err := rollout.CollectModules(ctx, st, rdb, "z", o)
		must(t, err)
		if len(res.Removed) > 0 || len(res.Marked) > 0 || !exists(v1) || !res.PinsRead {
			t.Fatalf("collected with v1 pinned: %+v (v1 is a candidate: pins must be read)", res)
		}
		time.Sleep(grace + 100*time.Millisecond)
	}

	// The pin goes: v1 is marked, kept through the grace period, removed.
	must(t, st.DeleteMonitor(ctx, "pinned", nil))
	res, err := rollout.CollectModules(ctx, st, rdb, "z", o)
	must(t, err)
	if !slices.Equal(res.Marked, []string{v1}) || len(res.Removed) > 0 || !exists(v1) {
		t.Fatalf("first collection without the pin: %+v, want v1 marked and kept", res)
	}
	time.Sleep(grace + 100*time.Millisecond)
	res, err = rollout.CollectModules(ctx, st, rdb, "z", o)
	must(t, err)
	if !slices.Equal(res.Removed, []string{v1}) || exists(v1) {
		t.Fatalf("collection after the grace period: %+v, want v1 removed", res)
	}
	if !exists(v2) || !exists(v3) {
		t.Fatalf("current (%v) or previous (%v) module removed", exists(v3), exists(v2))
	}
	if n, _ := rdb.HLen(ctx, keys.PluginsUnreferenced()).Result(); n != 0 {
		t.Errorf("%d marks left after the removal", n)
	}
	// Only current and previous left: a round reads no monitor or reaction.
	res, err = rollout.CollectModules(ctx, st, rdb, "z", o)
	must(t, err)
	if res.PinsRead || len(res.Kept) != 2 {
		t.Fatalf("round with only current and previous modules: %+v, want both kept without reading pins", res)
	}
	// A staged module (a push preparing it) is kept, unmarked.
	must(t, rdb.Set(ctx, keys.PluginBlob("feed"), "x", 0).Err())
	must(t, rdb.HSet(ctx, keys.PluginsStaged(), "other", `{"name":"other","sha256":"feed"}`).Err())
	res, err = rollout.CollectModules(ctx, st, rdb, "z", o)
	must(t, err)
	if !slices.Contains(res.Kept, "feed") || res.PinsRead {
		t.Fatalf("round with a staged module: %+v, want it kept", res)
	}
	must(t, rdb.HDel(ctx, keys.PluginsStaged(), "other").Err())
	must(t, rdb.Del(ctx, keys.PluginBlob("feed")).Err())

	// Rollback still works: to v2 (kept), then to v1 (copied back).
	_, err = rollout.Rollback(ctx, st, "http-status", []string{"z"}, "test")
	must(t, err)
	waitServing(t, h, v2)
	_, err = rollout.Rollback(ctx, st, "http-status", []string{"z"}, "test")
	must(t, err)
	waitServing(t, h, v1)
	if !exists(v1) {
		t.Fatal("v1 serving but its module is not in the zone")
	}

	// A module the zone names but Redis lost comes back from the store.
	must(t, rdb.Del(ctx, keys.PluginBlob(v1)).Err())
	res, err = rollout.CollectModules(ctx, st, rdb, "z", o)
	must(t, err)
	if !slices.Equal(res.Restored, []string{v1}) || !exists(v1) {
		t.Fatalf("lost current module: %+v, want v1 restored", res)
	}
}

func waitServing(t *testing.T, h *host.Host, digest string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, d, _ := h.Current("http-status"); d == digest {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	v, d, _ := h.Current("http-status")
	t.Fatalf("%s never served; current %s@%s", short(digest), v, short(d))
}
