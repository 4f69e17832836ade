package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones"
)

// A running `runbook up` publishes the zone files of its zones under
// ./data/run/zones (0600, its private Redis in them), and `plugin push`
// with -store and no zone flags finds them: it gets as far as the store, which the
// running `up` holds (bbolt is one process per file), and says so, naming
// the admin API to push through instead. A clean exit removes the files,
// and push then says what it looked for.
func TestUpPublishesZoneFilesForPush(t *testing.T) {
	lockFile := hosttest.Plugins(t, "http-status")
	wasm := hosttest.Wasm(t, "http-status")[0]
	t.Chdir(t.TempDir())
	ctx := context.Background()
	_, stop := startUp(t, lockFile)
	defer stop()

	zf := filepath.Join("data", "run", "zones", "local.yaml")
	var nodes int64
	deadline := time.Now().Add(2 * time.Minute)
	for nodes == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no zone file with a heartbeating node within 2m (%s)", zf)
		}
		time.Sleep(200 * time.Millisecond)
		zs, err := zones.LoadDir(filepath.Dir(zf))
		if err != nil || len(zs) != 1 {
			continue
		}
		rdb := redis.NewClient(&redis.Options{Addr: zs[0].Redis.Addr})
		// The zone's own nodes heartbeat there: this is up's Redis.
		nodes, _ = rdb.ZCard(ctx, zones.KeysFor("local").PluginNodes()).Result()
		_ = rdb.Close()
	}
	fi, err := os.Stat(zf)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("zone file %s: %v, mode %v, want 0600", zf, err, fi.Mode().Perm())
	}

	// Naming up's store (-store) keeps the CLI off up's admin API.
	err = pluginPush(ctx, []string{"-store", "bolt:" + filepath.Join("data", "runbook.db"), "-zones", "local", wasm})
	if err == nil || !strings.Contains(err.Error(), "runbook up") || !strings.Contains(err.Error(), "/api/v1/admin/plugins") {
		t.Fatalf("push with -store of a running up and no zone flags: %v, want it past the zone files, refused at the held store naming the admin API", err)
	}

	stop()
	if _, err := os.Stat(zf); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("zone file left after a clean exit: %v", err)
	}
	err = pluginPush(context.Background(), []string{"-zones", "local", wasm})
	if err == nil || !strings.Contains(err.Error(), "-zone-dir") || !strings.Contains(err.Error(), filepath.Join("data", "run", "zones")) {
		t.Fatalf("push with no zone flags and no up running: %v, want a refusal naming -zone-dir and where it looked", err)
	}
}
