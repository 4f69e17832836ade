package rollout_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/rollout/rollouttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones"
)

// TestPushRepairsCorruptCopy: the zone's Redis holds a corrupt copy of a
// module (bytes that are not its digest, as a partial write or bad
// restore leaves), and the zone's node has already refused it when it was
// staged before. Pushing the module replaces the copy (the pusher sent
// the right bytes; the key is their digest) and disregards the node's
// stale refusal: the node prepares the good copy and the push promotes.
func TestPushRepairsCorruptCopy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rdb, st, logs, log := zoneSetup(t)
	keys := zones.KeysFor("z")
	v1 := module(t, hosttest.Wasm(t, "http-status")[0])
	v2 := module(t, hosttest.Variant(t, "http-status", "0.2.0-hotload"))
	opts := rollout.PushOptions{Zones: []string{"z"}, Cache: hosttest.Cache(), Redis: map[string]redis.UniversalClient{"z": rdb},
		NodeTTL: time.Second, Actor: "test"}
	r1, err := rollout.Push(ctx, st, v1, opts)
	must(t, err)

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"), Logger: log})
	stopZone := rollouttest.Zone{Name: "z", Store: st, Redis: rdb, Host: h, Node: "real-node", Heartbeat: 200 * time.Millisecond, Logger: log}.Run(runCtx)
	defer stopZone()
	waitServing(t, h, r1.Entry.SHA256)

	// The corrupt copy, staged once already: the node refuses it.
	info, err := host.Inspect(ctx, v2, hosttest.Cache())
	must(t, err)
	e2 := lock.Entry{Name: info.Manifest.Name, Version: info.Manifest.Version, Kind: info.Manifest.Kind, ABI: info.Manifest.ABI,
		SHA256: info.Digest, Capabilities: info.Manifest.Capabilities}
	raw, _ := json.Marshal(e2)
	corrupt := append(append([]byte{}, v2[:len(v2)/2]...), make([]byte, len(v2)-len(v2)/2)...)
	must(t, rdb.Set(ctx, keys.PluginBlob(e2.SHA256), corrupt, 0).Err())
	must(t, rdb.HSet(ctx, keys.PluginsStaged(), e2.Name, raw).Err())
	must(t, rdb.Publish(ctx, keys.PluginsChanged(), e2.Name).Err())
	refusedReport := func() bool {
		var r pluginsync.Report
		s, _ := rdb.HGet(ctx, keys.PluginReports(e2.Name), "real-node").Result()
		return json.Unmarshal([]byte(s), &r) == nil && r.Refused == e2.SHA256 && strings.Contains(r.Reason, "sha256")
	}
	for deadline := time.Now().Add(30 * time.Second); !refusedReport(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the node did not refuse the corrupt copy:\n%s", tail(logs.String()))
		}
	}
	must(t, rdb.HDel(ctx, keys.PluginsStaged(), e2.Name).Err())

	rep, err := rollout.Push(ctx, st, v2, opts)
	if err != nil {
		t.Fatalf("push of a module whose copy in the zone is corrupt: %v, want the copy replaced and the push promoted", err)
	}
	if z := rep.Zones[0]; !z.Repaired || !z.Prepared || !z.Promoted {
		t.Fatalf("push report %+v, want repaired, prepared, promoted", z)
	}
	if got, _ := rdb.Get(ctx, keys.PluginBlob(e2.SHA256)).Bytes(); !bytes.Equal(got, v2) {
		t.Fatalf("the zone's copy after the push is %d bytes with sha256 %s, want the module", len(got), lock.Digest(got))
	}
	waitServing(t, h, e2.SHA256)
	// A copy that is right is left alone (not rewritten, not reported).
	rep, err = rollout.Push(ctx, st, v2, opts)
	if err != nil || rep.Zones[0].Repaired {
		t.Fatalf("pushing again over a good copy: repaired %v, %v", rep.Zones[0].Repaired, err)
	}
}
