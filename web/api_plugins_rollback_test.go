package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout/rollouttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// With the zones' Redis (as node.Run gives it), an API rollback waits
// like `runbook plugin rollback`: it answers once every live node of the
// zone serves the previous version, saying who switched and when. A live
// node that does not switch in time gives a 504 naming it, and the
// rollback stands (the node that did switch serves the previous version).
func TestAdminRollbackWaitsForNodes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rdb := redistest.Client(t, redistest.Start(t))
	e := newEnvWith(t, func(c *Config) {
		c.PluginCache = hosttest.Cache()
		c.ZoneRedis = map[string]redis.UniversalClient{"z1": rdb}
		c.SwitchTimeout = 2 * time.Second
	})
	read := func(p string) ([]byte, string) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		return b, hex.EncodeToString(sum[:])
	}
	v1, d1 := read(hosttest.Wasm(t, "http-status")[0])
	v2, d2 := read(hosttest.Variant(t, "http-status", "0.2.0-hotload"))
	// Compile outside the requests (a cold compile under -race takes
	// longer than a test request may), as in the other push tests.
	for _, w := range [][]byte{v1, v2} {
		if _, err := host.Inspect(ctx, w, hosttest.Cache()); err != nil {
			t.Fatal(err)
		}
	}

	// A real node of z1: the bridge announces what the store promotes,
	// pluginsync prepares, swaps and reports.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"), Logger: log})
	stop := rollouttest.Zone{Name: "z1", Store: e.st, Redis: rdb, Host: h, Node: "w1", Heartbeat: 200 * time.Millisecond, Logger: log}.Run(ctx)
	defer stop()
	keys := zones.KeysFor("z1")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if n, _ := rdb.ZCard(ctx, keys.PluginNodes()).Result(); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node w1 did not heartbeat within 1m")
		}
	}
	push := func(wasm []byte) {
		t.Helper()
		if r := e.do("POST", "/api/v1/admin/plugins?zones=z1", e.admin, wasm, "Content-Type", "application/wasm"); r.Code != 201 {
			t.Fatalf("push: %d %s", r.Code, r.Body)
		}
	}
	type rollback struct {
		Error  string
		Rolled []struct {
			Zone     string
			From, To struct{ Version, SHA256 string }
			Waited   bool
			Nodes    []struct {
				Node       string
				SwitchedMS float64 `json:"switched_ms"`
			}
			SwitchMS float64 `json:"switch_ms"`
			Error    string
		}
	}
	push(v1)
	push(v2)

	// A second live node that never switches (hung): 504 naming it.
	now, _ := rdb.Time(ctx).Result()
	rdb.ZAdd(ctx, keys.PluginNodes(), redis.Z{Score: float64(now.UnixMilli()), Member: "w-stuck"})
	r := e.do("POST", "/api/v1/admin/plugins/http-status/rollback?zones=z1", e.admin, nil)
	var rb rollback
	r.json(t, &rb)
	if r.Code != 504 || !strings.Contains(rb.Error, "w-stuck") || len(rb.Rolled) != 1 || rb.Rolled[0].To.SHA256 != d1 {
		t.Fatalf("rollback with a hung node: %d %s, want 504 naming w-stuck with z1 rolled back to v1", r.Code, r.Body)
	}
	if _, d, _ := h.Current("http-status"); d != d1 {
		t.Fatalf("after the 504 w1 serves %.12s, want v1 %.12s: the rollback stands", d, d1)
	}
	if dep, err := e.st.GetPluginDeployment(ctx, "z1", "http-status"); err != nil || dep.SHA256 != d1 {
		t.Fatalf("after the 504 the store deploys %.12s (%v), want v1", dep.SHA256, err)
	}
	rdb.ZRem(ctx, keys.PluginNodes(), "w-stuck")

	// Every live node switches: 200 once they serve v1, saying who and when.
	push(v2)
	if _, d, _ := h.Current("http-status"); d != d2 {
		t.Fatalf("push returned; w1 serves %.12s, want v2", d)
	}
	r = e.do("POST", "/api/v1/admin/plugins/http-status/rollback?zones=z1", e.admin, nil)
	rb = rollback{}
	r.json(t, &rb)
	if r.Code != 200 || len(rb.Rolled) != 1 {
		t.Fatalf("rollback: %d %s", r.Code, r.Body)
	}
	z := rb.Rolled[0]
	if z.Zone != "z1" || z.From.SHA256 != d2 || z.To.SHA256 != d1 || !z.Waited || z.Error != "" ||
		len(z.Nodes) != 1 || z.Nodes[0].Node != "w1" || z.Nodes[0].SwitchedMS <= 0 || z.SwitchMS < z.Nodes[0].SwitchedMS {
		t.Fatalf("rollback answer %s, want z1 v2 -> v1 waited, w1 switched with its time", r.Body)
	}
	// It answered only once the node served v1.
	if _, d, _ := h.Current("http-status"); d != d1 {
		t.Fatalf("rollback answered; w1 serves %.12s, want v1", d)
	}
}
