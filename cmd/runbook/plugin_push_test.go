package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

func TestMain(m *testing.M) { hosttest.Main(m) }

// `plugin push -wasm-cache DIR` leaves the compiled module in DIR, where
// workers started with the same -wasm-cache find it instead of compiling
// it again; a DIR that cannot be a cache is refused, naming the flag,
// before anything is stored.
func TestPushIntoWorkersCache(t *testing.T) {
	ctx := context.Background()
	wasm := hosttest.Wasm(t, "http-status")[0]
	dir := t.TempDir()
	db := filepath.Join(dir, "runbook.db")

	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := pluginPush(ctx, []string{"-store", "bolt:" + db, "-zones", "z1", "-no-prepare", "-wasm-cache", notDir, wasm})
	if err == nil || !strings.Contains(err.Error(), "-wasm-cache") {
		t.Fatalf("push with a file as -wasm-cache: %v, want a refusal naming -wasm-cache", err)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("the refused push opened (created) the store")
	}

	// Without zone files the push cannot prepare on the zone's nodes: it
	// says what to give, and stores nothing.
	err = pluginPush(ctx, []string{"-store", "bolt:" + db, "-zones", "z1", wasm})
	if err == nil || !strings.Contains(err.Error(), "-zone-dir") || !strings.Contains(err.Error(), "-no-prepare") {
		t.Fatalf("push without zone files: %v, want a refusal naming -zone-dir and -no-prepare", err)
	}
	zf := filepath.Join(dir, "dc1.yaml")
	if err := os.WriteFile(zf, []byte("name: dc1\nredis: {addr: \"127.0.0.1:1\"}\nmonitor_broker: {frontend: \"tcp://127.0.0.1:1\", backend: \"tcp://127.0.0.1:2\"}\naction_broker: {frontend: \"tcp://127.0.0.1:3\", backend: \"tcp://127.0.0.1:4\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = pluginPush(ctx, []string{"-store", "bolt:" + db, "-zones", "z1", "-zone-file", zf, wasm})
	if err == nil || !strings.Contains(err.Error(), `zone "z1" has no zone file`) {
		t.Fatalf("push to a zone the zone files lack: %v, want a refusal naming it", err)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a refused push opened (created) the store")
	}

	cache := filepath.Join(dir, "cache")
	if err := pluginPush(ctx, []string{"-store", "bolt:" + db, "-zones", "z1", "-no-prepare", "-wasm-cache", cache, wasm}); err != nil {
		t.Fatal(err)
	}
	var files int
	_ = filepath.WalkDir(cache, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files == 0 {
		t.Fatalf("nothing compiled into %s", cache)
	}
	st, err := bolt.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if d, err := st.GetPluginDeployment(ctx, "z1", "http-status"); err != nil || d.Version == "" {
		t.Fatalf("deployment after push: %+v, %v", d, err)
	}
}

// `plugin push -zone-file` prepares through the zone's Redis: with a live
// node that never gets ready it promotes nothing, names the node and
// records nothing in the store; once that node is gone it promotes and
// prints, per zone, the nodes it prepared on and the promotion, with
// prepare and switch timed apart. The staged entry is gone afterwards.
func TestPushPreparesThroughZoneFiles(t *testing.T) {
	ctx := context.Background()
	wasm := hosttest.Wasm(t, "http-status")[0]
	dir := t.TempDir()
	db := filepath.Join(dir, "runbook.db")
	rs := redistest.Start(t)
	rdb := redistest.Client(t, rs)
	keys := zones.KeysFor("dc1")
	zf := filepath.Join(dir, "dc1.yaml")
	if err := os.WriteFile(zf, []byte(fmt.Sprintf("name: dc1\nredis: {addr: %q}\nmonitor_broker: {frontend: \"tcp://127.0.0.1:1\", backend: \"tcp://127.0.0.1:2\"}\naction_broker: {frontend: \"tcp://127.0.0.1:3\", backend: \"tcp://127.0.0.1:4\"}\n", rs.Addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	stdout = &out
	defer func() { stdout = os.Stdout }()
	// A node that heartbeats (alive) but never prepares (stuck).
	hbCtx, stopHB := context.WithCancel(ctx)
	hbDone := make(chan struct{})
	go func() {
		defer close(hbDone)
		for hbCtx.Err() == nil {
			if now, err := rdb.Time(hbCtx).Result(); err == nil {
				rdb.ZAdd(hbCtx, keys.PluginNodes(), redis.Z{Score: float64(now.UnixMilli()), Member: "w9-stuck"})
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	defer func() { stopHB(); <-hbDone }()
	time.Sleep(100 * time.Millisecond)
	args := []string{"-store", "bolt:" + db, "-zones", "dc1", "-zone-file", zf, "-wasm-cache", testWasmCache(t), "-ready-timeout", "1s", wasm}
	err := pluginPush(ctx, args)
	if err == nil || !strings.Contains(err.Error(), "w9-stuck") || !strings.Contains(err.Error(), "not promoted") {
		t.Fatalf("push with a node that never gets ready: %v, want not promoted, naming w9-stuck", err)
	}
	if !strings.Contains(out.String(), "zone dc1: w9-stuck not ready; NOT promoted") {
		t.Fatalf("output does not say dc1 was not promoted:\n%s", out.String())
	}
	checkStore := func(want bool) {
		t.Helper()
		st, err := bolt.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		recs, err := st.ListPluginRecords(ctx, "http-status")
		if err != nil || (len(recs) == 1) != want {
			t.Fatalf("store records %+v, %v; want recorded=%v", recs, err, want)
		}
	}
	checkStore(false)

	// The node goes (stops cleanly: it leaves the set).
	stopHB()
	<-hbDone
	rdb.ZRem(ctx, keys.PluginNodes(), "w9-stuck")
	args[len(args)-2] = "1m"

	// Another pusher holds the plugin's lock: refused, named, and nothing
	// printed that reads as if this push had started.
	held := `{"token":"t","actor":"cli:alice","version":"0.1.0","since":1}`
	rdb.Set(ctx, keys.PluginPushLock("http-status"), held, time.Minute)
	out.Reset()
	err = pluginPush(ctx, args)
	if !errors.Is(err, rollout.ErrPushInProgress) || !strings.Contains(err.Error(), "cli:alice") {
		t.Fatalf("push while another holds the lock: %v, want ErrPushInProgress naming cli:alice", err)
	}
	if out.Len() != 0 {
		t.Fatalf("a refused push printed a report:\n%s", out.String())
	}
	checkStore(false)
	rdb.Del(ctx, keys.PluginPushLock("http-status"))
	out.Reset()
	if err := pluginPush(ctx, args); err != nil {
		t.Fatalf("push: %v\n%s", err, out.String())
	}
	for _, want := range []string{"http-status@", "inspect ", " · prepare ", " · switch ", "zone dc1: prepared on 0 node(s)", "promoted"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("push output lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("output:\n%s", out.String())
	checkStore(true)
	if n, _ := rdb.HLen(ctx, keys.PluginsStaged()).Result(); n != 0 {
		t.Fatalf("%d staged entries left after the push", n)
	}
}

// testWasmCache is the directory hosttest.Cache() compiles into, so a
// push here finds the module compiled (under -race a compile takes ~30 s).
func testWasmCache(t *testing.T) string {
	if dir := os.Getenv("RUNBOOK_TEST_WASM_CACHE"); dir != "" {
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return t.TempDir()
	}
	return filepath.Join(base, "runbook", "wazero-test")
}
