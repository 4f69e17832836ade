package bridge_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/lock"
)

// TestApplyPlugin: an OpPlugin entry copies the store's current version
// (blob by digest, entry in the hash) and publishes its name; applying it
// again is harmless; repopulate restores both after Redis lost them.
func TestApplyPlugin(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, "z1", bolttest.Open(t))
	wasm := []byte("\x00asm\x01\x00\x00\x00 pretend module")
	e := lock.Entry{Name: "alpha", Version: "1", Kind: abi.KindCheck, ABI: abi.Version, SHA256: lock.Digest(wasm), Capabilities: []string{"http"}}
	if err := r.st.PutPluginBlob(ctx, e.SHA256, wasm); err != nil {
		t.Fatal(err)
	}
	if err := r.st.PutPluginRecord(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.SetPluginCurrent(ctx, "z1", "alpha", "1"); err != nil {
		t.Fatal(err)
	}
	sub := r.rdb.Subscribe(ctx, r.keys.PluginsChanged())
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // subscription confirmed
		t.Fatal(err)
	}
	for range 2 {
		if err := r.b.Apply(ctx, engine.QueueEntry{Zone: "z1", Op: engine.OpPlugin, ObjectID: "alpha"}); err != nil {
			t.Fatalf("apply: %v", err)
		}
		select {
		case m := <-sub.Channel():
			if m.Payload != "alpha" {
				t.Fatalf("published %q", m.Payload)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("nothing published")
		}
	}
	check := func() {
		t.Helper()
		blob, err := r.rdb.Get(ctx, r.keys.PluginBlob(e.SHA256)).Bytes()
		if err != nil || string(blob) != string(wasm) {
			t.Fatalf("blob in redis: %q, %v", blob, err)
		}
		raw, err := r.rdb.HGet(ctx, r.keys.Plugins(), "alpha").Result()
		var got lock.Entry
		if err != nil || json.Unmarshal([]byte(raw), &got) != nil || got.SHA256 != e.SHA256 || got.Version != "1" {
			t.Fatalf("entry in redis: %s, %v", raw, err)
		}
	}
	check()

	// A zone that lost its Redis gets the plugin back from repopulate.
	if err := r.rdb.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.b.Repopulate(ctx); err != nil {
		t.Fatalf("repopulate: %v", err)
	}
	check()

	// An entry for a plugin not deployed here removes it from the hash.
	if err := r.rdb.HSet(ctx, r.keys.Plugins(), "gone", "{}").Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.b.Apply(ctx, engine.QueueEntry{Zone: "z1", Op: engine.OpPlugin, ObjectID: "gone"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.rdb.HExists(ctx, r.keys.Plugins(), "gone").Result(); n {
		t.Fatal("undeployed plugin still in the zone hash")
	}
}
