package node_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/cmd/runbook/internal/node"
	"github.com/runbookhq/runbook/cmd/runbook/internal/stack"
	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// TestStagedRolloutInOneProcess: one process runs zones a and b (as
// `runbook up -zone-name a,b` or `runbook worker -zones DIR` does). A
// version pushed to zone a is what a's checks run, while b's checks keep
// running the old one; pushed to b too, both run it; rolled back in a
// only, a returns to the old version and b stays on the new one; rolled
// back in b, both run the old one again. The digests are read from the
// history rows the checks wrote to the store.
func TestStagedRolloutInOneProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st := bolttest.Open(t)
	var zs []zones.Config
	for _, name := range []string{"a", "b"} {
		z := zones.Config{
			Name:          name,
			Redis:         zones.RedisConfig{Addr: redistest.Start(t).Addr},
			MonitorBroker: zones.BrokerConfig{Frontend: stack.Endpoint(t), Backend: stack.Endpoint(t)},
			ActionBroker:  zones.BrokerConfig{Frontend: stack.Endpoint(t), Backend: stack.Endpoint(t)},
		}
		z.Journal.FlushInterval = engine.Duration(100 * time.Millisecond)
		z.Normalize()
		if err := z.Validate(); err != nil {
			t.Fatal(err)
		}
		zs = append(zs, z)
	}
	v1, err := os.ReadFile(hosttest.Wasm(t, "http-status")[0])
	if err != nil {
		t.Fatal(err)
	}
	v2, err := os.ReadFile(hosttest.Variant(t, "http-status", "0.2.0-staged"))
	if err != nil {
		t.Fatal(err)
	}
	// The push prepares on the nodes of each zone (this process) through
	// the zone's Redis, then promotes.
	rdbs := map[string]redis.UniversalClient{}
	for _, z := range zs {
		c := redis.NewClient(&redis.Options{Addr: z.Redis.Addr})
		defer c.Close()
		rdbs[z.Name] = c
	}
	push := func(wasm []byte, zones ...string) string {
		t.Helper()
		rep, err := rollout.Push(ctx, st, wasm, rollout.PushOptions{Zones: zones, Cache: hosttest.Cache(), Actor: "test", Redis: rdbs})
		if err != nil {
			t.Fatalf("push to %v: %v", zones, err)
		}
		for _, z := range rep.Zones {
			if !z.Prepared || !z.Promoted {
				t.Fatalf("push to %v: zone %s prepared %v promoted %v", zones, z.Zone, z.Prepared, z.Promoted)
			}
		}
		return rep.Entry.SHA256
	}
	d1 := push(v1, "a", "b")

	newHost := func(context.Context, zones.Config) (*host.Host, error) {
		return hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status")}), nil
	}
	first, _ := newHost(ctx, zs[0])
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	var nodeErr error
	go func() {
		defer close(stopped)
		nodeErr = node.Run(runCtx, node.Options{
			Roles: []node.Role{node.RoleBridge, node.RoleControl, node.RoleBroker, node.RoleWorker, node.RoleActioner},
			Zones: zs, Store: st, Host: first, NewHost: newHost,
		})
	}()
	defer func() {
		stop()
		select {
		case <-stopped:
			if nodeErr != nil {
				t.Errorf("node: %v", nodeErr)
			}
		case <-time.After(15 * time.Second):
			var stacks strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			t.Errorf("node did not stop within 15s; goroutines:\n%s", stacks.String())
		}
	}()

	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer target.Close()
	m := engine.Monitor{ID: "site", Name: "Site", Kind: engine.KindScheduled, Check: "http-status",
		Interval: engine.Duration(time.Second), Config: []byte(`{"url":"` + target.URL + `"}`), Zones: []string{"a", "b"}}
	if err := st.PutMonitor(ctx, m, m.Zones); err != nil {
		t.Fatal(err)
	}

	// digests waits until each zone's checks started after since ran
	// only the wanted digest (at least two checks in a row each, so one
	// check that started just before the switch does not decide it) and
	// fails if a zone ever runs a digest it was not given.
	expect := func(what string, since time.Time, want map[string]string) {
		t.Helper()
		var rows []engine.Result
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-stopped:
				t.Fatalf("%s: node stopped: %v", what, nodeErr)
			default:
			}
			rows, _ = st.History(ctx, "site", store.HistoryQuery{Since: since, Limit: 1000})
			slices.SortFunc(rows, func(x, y engine.Result) int { return x.ScheduledAt.Compare(y.ScheduledAt) })
			ok := true
			for zone, d := range want {
				run := 0 // checks on d since the last check on another digest
				for _, r := range rows {
					if r.Zone != zone {
						continue
					}
					if r.Status != engine.StatusHealthy {
						t.Fatalf("%s: zone %s check failed: %+v", what, zone, r)
					}
					if r.Digest == d {
						run++
					} else {
						run = 0
					}
				}
				ok = ok && run >= 2
			}
			if ok {
				t.Logf("%s: %v", what, want)
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		for _, r := range rows {
			t.Logf("row zone=%s digest=%s at=%s", r.Zone, short(r.Digest), r.ScheduledAt.Format("15:04:05.000"))
		}
		t.Fatalf("%s: zones did not settle on %v within 30s", what, want)
	}
	// never asserts that zone ran only digest d in checks scheduled after since.
	never := func(since time.Time, zone, d string) {
		t.Helper()
		rows, err := st.History(ctx, "site", store.HistoryQuery{Since: since, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Zone == zone && r.Digest != d {
				t.Fatalf("zone %s ran %s at %s, want only %s", zone, short(r.Digest), r.ScheduledAt.Format(time.StampMilli), short(d))
			}
		}
	}

	start := time.Now()
	expect("start", start, map[string]string{"a": d1, "b": d1})

	at := time.Now()
	d2 := push(v2, "a")
	expect("pushed to a", at, map[string]string{"a": d2, "b": d1})
	never(at, "b", d1)

	at = time.Now()
	push(v2, "b")
	expect("pushed to b", at, map[string]string{"a": d2, "b": d2})
	never(at, "a", d2)

	at = time.Now()
	if _, err := rollout.Rollback(ctx, st, "http-status", []string{"a"}, "test"); err != nil {
		t.Fatal(err)
	}
	expect("rolled back in a", at, map[string]string{"a": d1, "b": d2})
	never(at, "b", d2)

	at = time.Now()
	if _, err := rollout.Rollback(ctx, st, "http-status", []string{"b"}, "test"); err != nil {
		t.Fatal(err)
	}
	expect("rolled back in b", at, map[string]string{"a": d1, "b": d1})
	never(at, "a", d1)

	// Each zone's host exports its pools, labelled by zone: both zones'
	// http-status versions are in the process's metrics.
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, mf := range mfs {
		if mf.GetName() != "runbook_plugin_serving" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var zone, plugin string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "zone":
					zone = l.GetValue()
				case "plugin":
					plugin = l.GetValue()
				}
			}
			if plugin == "http-status" {
				seen[zone] = true
			}
		}
	}
	if !seen["a"] || !seen["b"] {
		t.Fatalf("runbook_plugin_serving for http-status exported for zones %v, want a and b", seen)
	}
}

func short(d string) string {
	if len(d) > 12 {
		return d[:12]
	}
	return d
}
