package pluginsync_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// TestDropStaged: a node serving v2 (v1 before it) prepares a staged v3;
// a rollback to v1 arrives while v3 is still staged; then the push of v3
// gives up (its staged entry removed and announced). The node unloads v3,
// and keeps v1 and v2. A version that was loaded before it was staged
// (v2, the rollback's previous, pushed again and given up on) stays.
func TestDropStaged(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rdb := redistest.Client(t, redistest.Start(t))
	keys := zones.KeysFor("z1")
	logs := &logBuf{}
	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"),
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	v1, _, _ := h.Current("http-status")
	e2, wasm2 := hosttest.VariantEntry(t, "http-status", "0.3.0-sync")
	e3, wasm3 := hosttest.VariantEntry(t, "http-status", "0.2.0-hotload")
	entry := func(e lock.Entry) string { raw, _ := json.Marshal(e); return string(raw) }
	announce := func(hash, name, raw string) {
		t.Helper()
		if raw == "" {
			must(t, rdb.HDel(ctx, hash, name).Err())
		} else {
			must(t, rdb.HSet(ctx, hash, name, raw).Err())
		}
		must(t, rdb.Publish(ctx, keys.PluginsChanged(), name).Err())
	}
	must(t, rdb.Set(ctx, keys.PluginBlob(e2.SHA256), wasm2, 0).Err())
	must(t, rdb.Set(ctx, keys.PluginBlob(e3.SHA256), wasm3, 0).Err())
	v1Entry := lock.Entry{}
	for _, e := range hosttest.Entries(t, "http-status") {
		v1Entry = e
	}
	v1Entry.Path = ""
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(raceSlowdown * 10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: never; loaded %v\n%s", what, loaded(h), logs.String())
			}
		}
	}
	report := func() pluginsync.Report {
		var r pluginsync.Report
		raw, _ := rdb.HGet(ctx, keys.PluginReports("http-status"), "n1").Result()
		_ = json.Unmarshal([]byte(raw), &r)
		return r
	}

	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- pluginsync.Run(sctx, pluginsync.Options{Zone: "z1", Redis: rdb, Host: h, Node: "n1", Heartbeat: 100 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	defer func() { stop(); <-done }()

	announce(keys.Plugins(), "http-status", entry(e2))
	wait("serving v2", func() bool { return report().Serving == e2.SHA256 })
	announce(keys.PluginsStaged(), "http-status", entry(e3))
	wait("v3 prepared", func() bool { return report().Ready == e3.SHA256 })
	announce(keys.Plugins(), "http-status", entry(v1Entry)) // a rollback meanwhile
	wait("rolled back to v1", func() bool { return report().Serving != e2.SHA256 })
	if v, _, _ := h.Current("http-status"); v != v1 {
		t.Fatalf("serving %s after the rollback, want %s", v, v1)
	}
	announce(keys.PluginsStaged(), "http-status", "") // the push of v3 gave up
	wait("v3 dropped", func() bool { return !slices.Contains(loaded(h), e3.Version) })
	if got := loaded(h); !slices.Equal(got, []string{v1, e2.Version}) {
		t.Fatalf("loaded after v3 was dropped: %v, want [%s %s]", got, v1, e2.Version)
	}
	if r := report(); r.Ready != "" {
		t.Fatalf("report still says ready for a dropped version: %+v", r)
	}

	// v2, loaded before it was staged, is not the push's to drop.
	announce(keys.PluginsStaged(), "http-status", entry(e2))
	wait("v2 ready", func() bool { return report().Ready == e2.SHA256 })
	announce(keys.PluginsStaged(), "http-status", "")
	time.Sleep(500 * time.Millisecond)
	if got := loaded(h); !slices.Equal(got, []string{v1, e2.Version}) {
		t.Fatalf("loaded after a push of the loaded v2 gave up: %v, want [%s %s]", got, v1, e2.Version)
	}
	if n := strings.Count(logs.String(), "staged plugin version dropped"); n != 1 {
		t.Fatalf("%d drops logged, want 1 (v3)", n)
	}
}

func loaded(h *host.Host) []string {
	var vs []string
	for _, p := range h.Plugins() {
		vs = append(vs, p.Version)
	}
	return vs
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
