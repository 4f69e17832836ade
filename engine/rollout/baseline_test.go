package rollout_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/rollout"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
	"github.com/runbookhq/runbook/host/hosttest"
	"github.com/runbookhq/runbook/host/lock"
)

// TestFirstPushRollsBackToTheLock: a deployment started from plugins.lock
// has no store record of the version its nodes run. The first push of a
// plugin records the lock's version as the one before, so rolling back
// returns to it (before, it failed with "no previous plugin version").
func TestFirstPushRollsBackToTheLock(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := bolttest.Open(t)

	// The deployment's lock, as `runbook up` reads it: relative paths.
	dir := t.TempDir()
	v1 := hosttest.Entries(t, "http-status")[0]
	v1wasm, err := os.ReadFile(v1.Path)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "http-status.wasm"), v1wasm, 0o644))
	v1.Path = "http-status.wasm"
	must(t, lock.Write(filepath.Join(dir, "plugins.lock"), &lock.File{Plugins: []lock.Entry{v1}}))
	baseline, err := rollout.LoadBaseline(filepath.Join(dir, "plugins.lock"))
	must(t, err)
	if len(baseline) != 1 || !filepath.IsAbs(baseline[0].Path) {
		t.Fatalf("baseline %+v: want one entry with an absolute path", baseline)
	}

	v2wasm, err := os.ReadFile(hosttest.Variant(t, "http-status", "0.2.0-baseline"))
	must(t, err)
	o := rollout.PushOptions{Zones: []string{"z1", "z2"}, Cache: hosttest.Cache(), Baseline: baseline}
	rep, err := rollout.Push(ctx, st, v2wasm, o)
	must(t, err)

	// The lock's version is now on record, module included, as z1's previous.
	if d, err := st.GetPluginDeployment(ctx, "z1", "http-status"); err != nil || d.Version != rep.Entry.Version ||
		len(d.History) != 1 || d.History[0].SHA256 != v1.SHA256 {
		t.Fatalf("z1 deployment %+v, %v: want %s current and the lock's %s before it", d, err, rep.Entry.Version, v1.Version)
	}
	if b, err := st.GetPluginBlob(ctx, v1.SHA256); err != nil || lock.Digest(b) != v1.SHA256 {
		t.Fatalf("the lock's module is not in the store: %v", err)
	}

	rolled, err := rollout.Rollback(ctx, st, "http-status", []string{"z1"}, "test")
	must(t, err)
	if len(rolled) != 1 || rolled[0].To.SHA256 != v1.SHA256 || rolled[0].From.SHA256 != rep.Entry.SHA256 {
		t.Fatalf("rolled %+v: want z1 from %s back to the lock's %s", rolled, short(rep.Entry.SHA256), short(v1.SHA256))
	}
	// z2 was not rolled back; a second rollback in z1 has nothing left.
	if d, _ := st.GetPluginDeployment(ctx, "z2", "http-status"); d.SHA256 != rep.Entry.SHA256 {
		t.Fatalf("z2 serves %s; want the pushed %s", short(d.SHA256), short(rep.Entry.SHA256))
	}
	if _, err := rollout.Rollback(ctx, st, "http-status", []string{"z1"}, "test"); !errors.Is(err, store.ErrNoPreviousVersion) {
		t.Fatalf("second rollback: %v; want ErrNoPreviousVersion", err)
	}

	// A second push to z1 keeps the history it has: no second seeding.
	v3wasm, err := os.ReadFile(hosttest.Variant(t, "http-status", "0.3.0-baseline"))
	must(t, err)
	rep3, err := rollout.Push(ctx, st, v3wasm, rollout.PushOptions{Zones: []string{"z1"}, Cache: hosttest.Cache(), Baseline: baseline})
	must(t, err)
	if d, _ := st.GetPluginDeployment(ctx, "z1", "http-status"); d.SHA256 != rep3.Entry.SHA256 || len(d.History) != 1 || d.History[0].SHA256 != v1.SHA256 {
		t.Fatalf("z1 after a second push: %+v; want v3 current, the lock's v1 (current before it) in the history once", d)
	}
}
