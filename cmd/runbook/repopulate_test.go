package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/rethink/rethinktest"
	"github.com/runbookhq/runbook/engine/store/storeurl"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// `runbook repopulate --zone FILE` rebuilds a flushed zone Redis from the
// store, end to end through the command's flags and a zone file. On
// RethinkDB it runs while the zone's bridge is applying edits; on the
// embedded store (one process per file) the zone is stopped first.
func TestRepopulateCommand(t *testing.T) {
	cases := []struct {
		name     string
		storeURL func(t *testing.T) string
		live     bool // a bridge runs during the repopulate
	}{
		{"bolt", func(t *testing.T) string { return "bolt:" + filepath.Join(t.TempDir(), "runbook.db") }, false},
		{"rethinkdb while the zone runs", func(t *testing.T) string {
			srv := rethinktest.New(t, rethinktest.Options{Password: "pw"})
			return fmt.Sprintf("rethinkdb://admin:pw@%s/runbook", srv.Addr())
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			url := c.storeURL(t)
			rs := redistest.Start(t)
			rdb := redistest.Client(t, rs)
			keys := zones.KeysFor("dc1")
			zoneFile := filepath.Join(t.TempDir(), "dc1.yaml")
			must(t, os.WriteFile(zoneFile, []byte(fmt.Sprintf(`name: dc1
redis: {addr: %q}
monitor_broker: {frontend: "tcp://127.0.0.1:1", backend: "tcp://127.0.0.1:2"}
action_broker: {frontend: "tcp://127.0.0.1:3", backend: "tcp://127.0.0.1:4"}
`, rs.Addr)), 0o600))

			st, err := storeurl.Open(ctx, url)
			must(t, err)
			for _, m := range []engine.Monitor{mon("a", "dc1"), mon("b", "dc1", "dc2"), mon("c", "dc2")} {
				must(t, st.PutMonitor(ctx, m, m.Zones))
			}
			must(t, st.PutReaction(ctx, engine.Reaction{ID: "r1", Owner: "u1", Name: "r1", Plugin: "webhook", Trigger: 1, CallOn: engine.CallOnFailed, Enabled: true}, []string{"dc1"}))
			if c.live {
				defer st.Close()
				// The zone keeps running: its bridge applies the queue and
				// an edit lands while the command runs.
				stopBridge := runBridge(t, st, rdb)
				defer stopBridge()
				waitUntil(t, "the bridge to apply the queue", func() bool { es, _ := st.ReadQueue(ctx, "dc1", 10); return len(es) == 0 })
				must(t, rdb.FlushAll(ctx).Err())
				go func() {
					d := mon("d", "dc1")
					_ = st.PutMonitor(ctx, d, d.Zones)
				}()
			} else {
				must(t, st.Close())
			}

			must(t, cmdRepopulate(ctx, []string{"--store", url, "--zone", zoneFile}))

			want := map[string]bool{"a": true, "b": true, "c": false}
			if c.live {
				want["d"] = true
			}
			waitUntil(t, "the zone Redis to match the store", func() bool {
				for id, in := range want {
					n, _ := rdb.Exists(ctx, keys.Monitor(id)).Result()
					_, err := rdb.ZScore(ctx, keys.Schedule(), id).Result()
					if (n == 1) != in || (err == nil) != in {
						return false
					}
				}
				n, _ := rdb.Exists(ctx, keys.Reaction("r1")).Result()
				return n == 1
			})
		})
	}
}

func mon(id string, zs ...string) engine.Monitor {
	m := engine.Monitor{ID: id, Owner: "u1", Name: id, Kind: engine.KindScheduled, Check: "http-status",
		Config: json.RawMessage(`{"url":"http://127.0.0.1:1/"}`), Interval: engine.Duration(time.Minute), Zones: zs}
	m.Normalize()
	return m
}

func runBridge(t *testing.T, st store.Store, rdb *redis.Client) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b := &bridge.Bridge{Zone: "dc1", Store: st, Redis: rdb, RetainEvery: -1}
	go func() { defer close(done); _ = b.Run(ctx) }()
	return func() { cancel(); <-done }
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
