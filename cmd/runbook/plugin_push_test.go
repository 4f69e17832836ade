package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runbookhq/runbook/engine/store/bolt"
	"github.com/runbookhq/runbook/host/hosttest"
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
