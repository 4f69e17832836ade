package rollout

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
)

// A zone's nodes start on the plugins.lock they were given; the store
// learns of a plugin only when one is pushed. Without a record of what
// ran before, the first push of a plugin could never be rolled back
// ("no previous plugin version"). So a push is given the deployment's
// lock as its baseline, and the first time a zone gets a deployment of
// the plugin, the baseline's version is recorded as the one before.

// LoadBaseline reads the plugins.lock at path as a push's baseline, with
// every module path made absolute. A missing file is no baseline.
func LoadBaseline(path string) ([]lock.Entry, error) {
	f, err := lock.Load(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the baseline %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	out := make([]lock.Entry, len(f.Plugins))
	for i, e := range f.Plugins {
		if e.Path != "" {
			if e.Path, err = filepath.Abs(e.Resolve(dir)); err != nil {
				return nil, fmt.Errorf("reading the baseline %s: %w", path, err)
			}
		}
		out[i] = e
	}
	return out, nil
}

// seedBaseline records, in a zone with no deployment of e's plugin yet,
// the baseline's current version of it as the zone's current one, so
// promoting e pushes it onto the history. Its module goes into the store
// too when the baseline's file is there and matches, so a node that
// never had it can fetch it on a rollback. A baseline version the store
// knows under another digest is not seeded (the store's record wins).
func seedBaseline(ctx context.Context, st store.Store, zone string, e lock.Entry, baseline []lock.Entry) error {
	i := slices.IndexFunc(baseline, func(b lock.Entry) bool { return b.Name == e.Name })
	if i < 0 || baseline[i].SHA256 == e.SHA256 {
		return nil
	}
	b := baseline[i]
	if _, err := st.GetPluginDeployment(ctx, zone, e.Name); !errors.Is(err, store.ErrNotFound) {
		return err // nil: the zone has a deployment and its history
	}
	if wasm, err := b.Read(""); err == nil {
		if err := st.PutPluginBlob(ctx, b.SHA256, wasm); err != nil {
			return fmt.Errorf("recording the baseline %s@%s: %w", b.Name, b.Version, err)
		}
	}
	b.Path = ""
	if err := st.PutPluginRecord(ctx, b); errors.Is(err, store.ErrConflict) {
		return nil
	} else if err != nil {
		return fmt.Errorf("recording the baseline %s@%s: %w", b.Name, b.Version, err)
	}
	if _, err := st.SetPluginCurrent(ctx, zone, b.Name, b.Version); err != nil {
		return fmt.Errorf("recording the baseline %s@%s in zone %s: %w", b.Name, b.Version, zone, err)
	}
	return nil
}
