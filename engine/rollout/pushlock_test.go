package rollout_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/rollout/rollouttest"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// pusherEnv makes the test binary a pusher (runPusher): Redis address,
// module path and store path, separated by "|".
const pusherEnv = "RUNBOOK_ROLLOUT_TEST_PUSHER"

// runPusher pushes a module to zone z with a 2 s push lock, and is killed
// by its parent mid-push (a crashed pusher).
func runPusher() {
	args := strings.Split(os.Getenv(pusherEnv), "|")
	wasm, err := os.ReadFile(args[1])
	if err != nil {
		panic(err)
	}
	st, err := bolt.Open(args[2])
	if err != nil {
		panic(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: args[0]})
	_, err = rollout.Push(context.Background(), st, wasm, rollout.PushOptions{Zones: []string{"z"}, Cache: hosttest.Cache(),
		Redis: map[string]redis.UniversalClient{"z": rdb}, ReadyTimeout: 5 * time.Minute, NodeTTL: time.Second,
		LockTTL: 2 * time.Second, Actor: "test:crashing-pusher"})
	fmt.Fprintln(os.Stderr, "pusher returned:", err)
	os.Exit(3)
}

// TestOnePushPerPlugin: while a push of a plugin is in progress (held in
// prepare by a node that heartbeats but never prepares), a second push of
// it is refused at once with ErrPushInProgress naming the zone and who
// holds it, and changes nothing; the first then completes. A pusher
// killed mid-push (a real process, SIGKILL) leaves its lock behind, which
// expires after its TTL, so the next push goes through.
func TestOnePushPerPlugin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rdb, st, _, log := zoneSetup(t)
	keys := zones.KeysFor("z")
	v1 := module(t, hosttest.Wasm(t, "http-status")[0])
	v2Path := hosttest.Variant(t, "http-status", "0.2.0-hotload")
	v2 := module(t, v2Path)
	v3 := module(t, hosttest.Variant(t, "http-status", "0.3.0-gc"))
	redisFor := map[string]redis.UniversalClient{"z": rdb}
	opts := func(actor string) rollout.PushOptions {
		return rollout.PushOptions{Zones: []string{"z"}, Cache: hosttest.Cache(), Redis: redisFor,
			ReadyTimeout: 2 * time.Minute, NodeTTL: time.Second, Actor: actor}
	}
	r1, err := rollout.Push(ctx, st, v1, opts("test"))
	must(t, err)

	runCtx, stop := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stop(); bg.Wait() }()
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"), Logger: log})
	stopZone := rollouttest.Zone{Name: "z", Store: st, Redis: rdb, Host: h, Node: "real-node", Heartbeat: 200 * time.Millisecond, Logger: log}.Run(runCtx)
	defer stopZone()
	waitServing(t, h, r1.Entry.SHA256)
	// A node that heartbeats but never prepares keeps a push in prepare.
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
	holder := func() string { v, _ := rdb.Get(ctx, keys.PluginPushLock("http-status")).Result(); return v }
	// waitHolder waits until actor holds the lock and has staged version.
	waitHolder := func(actor, version string) {
		t.Helper()
		staged := func() string { v, _ := rdb.HGet(ctx, keys.PluginsStaged(), "http-status").Result(); return v }
		for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(holder(), `"actor":"`+actor+`"`) ||
			!strings.Contains(staged(), `"version":"`+version+`"`); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no push of %s by %s in progress (lock: %q, staged %q)", version, actor, holder(), staged())
			}
		}
	}
	// refusedBusy asserts a push of v3 is refused because actor's push
	// is in progress, and changed nothing.
	refusedBusy := func(actor string) {
		t.Helper()
		staged, _ := rdb.HGet(ctx, keys.PluginsStaged(), "http-status").Result()
		start := time.Now()
		_, err := rollout.Push(ctx, st, v3, opts("test:second"))
		var busy *rollout.BusyError
		if !errors.Is(err, rollout.ErrPushInProgress) || !errors.As(err, &busy) || busy.Zone != "z" || busy.Holder.Actor != actor ||
			!strings.Contains(err.Error(), "another push of http-status is in progress") || !strings.Contains(err.Error(), actor) {
			t.Fatalf("second push while %s pushes: %v, want ErrPushInProgress naming zone z and %s", actor, err, actor)
		}
		t.Logf("second push refused after %s: %v", time.Since(start).Round(time.Millisecond), err)
		if _, err := st.GetPluginRecord(ctx, "http-status", "0.3.0-gc"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the refused push recorded its version: %v", err)
		}
		if now, _ := rdb.HGet(ctx, keys.PluginsStaged(), "http-status").Result(); now != staged {
			t.Fatalf("the refused push changed the staged entry: %s, was %s", now, staged)
		}
		if !strings.Contains(holder(), `"actor":"`+actor+`"`) {
			t.Fatalf("the refused push changed the lock: %s", holder())
		}
	}

	// A pusher process killed mid-push: its lock expires.
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), pusherEnv+"="+rdb.Options().Addr+"|"+v2Path+"|"+filepath.Join(t.TempDir(), "child.db"))
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	waitHolder("test:crashing-pusher", "0.2.0-hotload")
	refusedBusy("test:crashing-pusher")
	must(t, cmd.Process.Kill())
	_ = cmd.Wait()
	killed := time.Now()
	for holder() != "" && time.Since(killed) < 10*time.Second {
		time.Sleep(50 * time.Millisecond)
	}
	if holder() != "" {
		t.Fatalf("the killed pusher's lock did not expire within 10 s (TTL 2 s): %s", holder())
	}
	t.Logf("the killed pusher's lock expired %s after the kill", time.Since(killed).Round(100*time.Millisecond))

	// Two pushes in this process: the second is refused while the first
	// waits in prepare; the first completes once the stuck node is gone.
	type result struct {
		rep rollout.Report
		err error
	}
	first := make(chan result, 1)
	go func() {
		rep, err := rollout.Push(ctx, st, v3, opts("test:first"))
		first <- result{rep, err}
	}()
	waitHolder("test:first", "0.3.0-gc")
	refusedBusy("test:first")
	unstick()
	var r result
	select {
	case r = <-first:
	case <-time.After(2 * time.Minute):
		t.Fatal("the first push did not finish")
	}
	if r.err != nil {
		t.Fatalf("the first push: %v", r.err)
	}
	if holder() != "" {
		t.Fatalf("the lock outlived the push that held it: %s", holder())
	}
	waitServing(t, h, r.rep.Entry.SHA256)
	if d, _ := st.GetPluginDeployment(ctx, "z", "http-status"); d.SHA256 != lock.Digest(v3) {
		t.Fatalf("store current %s, want 0.3.0-gc", d.Version)
	}
	// And with no push in progress the next one goes through.
	if _, err := rollout.Push(ctx, st, v2, opts("test")); err != nil {
		t.Fatalf("push after the others finished: %v", err)
	}
}
