package web

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// With the zones' Redis (as node.Run gives it), an API push prepares on
// the zone's live nodes first: while a live node has not reported ready
// the push waits, staged, with nothing promoted or queued; once that node
// has left, the push is promoted and the answer says, per zone, that it
// was prepared and promoted, with prepare and switch times. A second push
// of the plugin meanwhile gets 409 push_in_progress.
func TestAdminPushPreparesOnZoneNodes(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t, redistest.Start(t))
	e := newEnvWith(t, func(c *Config) {
		c.PluginCache = hosttest.Cache()
		c.ZoneRedis = map[string]redis.UniversalClient{"z1": rdb}
	})
	wasm, err := os.ReadFile(hosttest.Wasm(t, "webhook")[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := host.Inspect(ctx, wasm, hosttest.Cache()); err != nil {
		t.Fatal(err)
	}
	keys := zones.KeysFor("z1")
	now, _ := rdb.Time(ctx).Result()
	rdb.ZAdd(ctx, keys.PluginNodes(), redis.Z{Score: float64(now.UnixMilli()), Member: "w-stuck"})
	done := make(chan resp, 1)
	go func() {
		done <- e.do("POST", "/api/v1/admin/plugins?zones=z1", e.admin, wasm, "Content-Type", "application/wasm")
	}()
	// While the node has not reported, nothing is promoted. (Staging
	// follows the push's inspect, which takes seconds on a loaded machine.)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		select {
		case r := <-done:
			t.Fatalf("push answered %d %s while a live node had not prepared", r.Code, r.Body)
		default:
		}
		if q, _ := e.st.ReadQueue(ctx, "z1", 100); len(q) != 0 {
			t.Fatalf("z1's queue got %+v before its node was ready", q)
		}
		if n, _ := rdb.HLen(ctx, keys.PluginsStaged()).Result(); n == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n, _ := rdb.HLen(ctx, keys.PluginsStaged()).Result(); n != 1 {
		t.Fatal("the push did not stage the module in z1")
	}
	time.Sleep(300 * time.Millisecond)
	select {
	case r := <-done:
		t.Fatalf("push answered %d %s while a live node had not prepared", r.Code, r.Body)
	default:
	}
	if q, _ := e.st.ReadQueue(ctx, "z1", 100); len(q) != 0 {
		t.Fatalf("z1's queue got %+v before its node was ready", q)
	}
	// A second push of the plugin meanwhile is refused: 409, with a code.
	second := e.do("POST", "/api/v1/admin/plugins?zones=z1", e.admin, wasm, "Content-Type", "application/wasm")
	var busy struct {
		Error struct{ Code, Message string }
	}
	second.json(t, &busy)
	if second.Code != 409 || busy.Error.Code != "push_in_progress" || !strings.Contains(busy.Error.Message, "zone z1: another push of webhook is in progress") {
		t.Fatalf("second push while one is in progress: %d %s, want 409 push_in_progress naming the zone", second.Code, second.Body)
	}
	// The node leaves (stops cleanly): the push promotes.
	rdb.ZRem(ctx, keys.PluginNodes(), "w-stuck")
	r := <-done
	if r.Code != 201 {
		t.Fatalf("push: %d %s", r.Code, r.Body)
	}
	var rec struct {
		Name  string
		Zones []struct {
			Zone               string
			Prepared, Promoted bool
		}
	}
	r.json(t, &rec)
	if rec.Name != "webhook" || len(rec.Zones) != 1 || !rec.Zones[0].Prepared || !rec.Zones[0].Promoted {
		t.Fatalf("push answer %s", r.Body)
	}
	if q, _ := e.st.ReadQueue(ctx, "z1", 100); len(q) == 0 {
		t.Fatal("promoted push queued nothing for z1")
	}
	if !strings.Contains(string(r.Body), `"prepare_ms"`) || !strings.Contains(string(r.Body), `"switch_ms"`) {
		t.Fatalf("push answer lacks prepare and switch times: %s", r.Body)
	}
}
