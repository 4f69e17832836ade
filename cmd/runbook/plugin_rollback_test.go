package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/rollout/rollouttest"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/zones/localredis/redistest"
)

// What `plugin rollback` prints for a real rollback: per zone, the
// versions, and for a zone whose Redis it has, every node with how long
// it took to serve the previous version (it returns only then); a zone
// without one is said to be unconfirmed. The node really serves v1 when
// the rollback returns.
func TestRollbackPrintsWhoSwitched(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rdb := redistest.Client(t, redistest.Start(t))
	st := bolttest.Open(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	v1, _ := os.ReadFile(hosttest.Wasm(t, "http-status")[0])
	v2, _ := os.ReadFile(hosttest.Variant(t, "http-status", "0.2.0-hotload"))
	redisFor := map[string]redis.UniversalClient{"z": rdb}
	push := func(wasm []byte) rollout.Report {
		rep, err := rollout.Push(ctx, st, wasm, rollout.PushOptions{Zones: []string{"y", "z"}, Cache: hosttest.Cache(), Redis: redisFor, Actor: "test"})
		if err != nil {
			t.Fatalf("push: %v", err)
		}
		return rep
	}
	r1 := push(v1)

	h := hosttest.NewWithConfig(t, host.Config{Entries: hosttest.Entries(t, "http-status"), Logger: log})
	stop := rollouttest.Zone{Name: "z", Store: st, Redis: rdb, Host: h, Node: "w1", Heartbeat: 200 * time.Millisecond, Logger: log}.Run(ctx)
	defer stop()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, d, _ := h.Current("http-status"); d == r1.Entry.SHA256 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node not serving v1 within 1m")
		}
	}
	push(v2)

	rolled, err := rollout.RollbackWait(ctx, st, "http-status", rollout.RollbackOptions{Zones: []string{"y", "z"}, Redis: redisFor, Actor: "test"})
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if _, d, _ := h.Current("http-status"); d != r1.Entry.SHA256 {
		t.Fatalf("rollback returned, node serves %s, want v1", short(d))
	}
	var out bytes.Buffer
	printRollback(&out, "http-status", rolled)
	t.Logf("output:\n%s", out.String())
	for _, want := range []string{
		`(?m)^zone y: http-status 0\.2\.0-hotload@[0-9a-f]{12} -> 0\.1\.0@[0-9a-f]{12}; not confirmed \(no zone file for it: -zone-dir DIR to wait for its nodes\)$`,
		`(?m)^zone z: http-status 0\.2\.0-hotload@[0-9a-f]{12} -> 0\.1\.0@[0-9a-f]{12}; every node serving it [0-9.]+[µm]?s after the rollback started \[w1 [0-9.]+[µm]?s\]$`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output does not match %s", want)
		}
	}
}
