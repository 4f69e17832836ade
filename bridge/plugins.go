package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/zones"
)

// refreshPlugin makes the zone's Redis hold the store's current version of
// plugin name for this zone: the module under its digest, the entry in the
// plugins hash, then a PUBLISH so every worker and actioner loads it now.
// Like monitors, the entry's payload is not trusted: the store's current
// deployment is, so an old or repeated entry converges on the truth.
func (b *Bridge) refreshPlugin(ctx context.Context, keys zones.Keys, name string) error {
	d, err := b.Store.GetPluginDeployment(ctx, b.Zone, name)
	if errors.Is(err, store.ErrNotFound) {
		// Never deployed here (or removed): stop announcing it. Processes
		// keep what they loaded; the lock file still names it or not.
		if err := b.Redis.HDel(ctx, keys.Plugins(), name).Err(); err != nil {
			return fmt.Errorf("removing plugin %s from the zone: %w", name, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading plugin %s deployment: %w", name, err)
	}
	e, err := b.Store.GetPluginRecord(ctx, d.Name, d.Version)
	if err != nil {
		return fmt.Errorf("reading plugin %s@%s record: %w", d.Name, d.Version, err)
	}
	return b.putPlugin(ctx, keys, e)
}

// putPlugin copies one version to the zone. The blob goes first and is
// verified on the way, so a reader that sees the hash entry always finds
// the right bytes; rewriting an identical entry still publishes, which
// lets repopulate wake a process that missed a message.
func (b *Bridge) putPlugin(ctx context.Context, keys zones.Keys, e lock.Entry) error {
	n, err := b.Redis.Exists(ctx, keys.PluginBlob(e.SHA256)).Result()
	if err != nil {
		return fmt.Errorf("checking plugin %s@%s blob: %w", e.Name, e.Version, err)
	}
	if n == 0 {
		wasm, err := b.Store.GetPluginBlob(ctx, e.SHA256)
		if err != nil {
			return fmt.Errorf("reading plugin %s@%s blob %s: %w", e.Name, e.Version, e.SHA256, err)
		}
		if err := e.Verify(wasm); err != nil {
			return fmt.Errorf("store blob: %w", err)
		}
		if err := b.Redis.Set(ctx, keys.PluginBlob(e.SHA256), wasm, 0).Err(); err != nil {
			return fmt.Errorf("writing plugin %s@%s blob: %w", e.Name, e.Version, err)
		}
	}
	e.Path = ""
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding plugin %s@%s entry: %w", e.Name, e.Version, err)
	}
	if err := b.Redis.HSet(ctx, keys.Plugins(), e.Name, raw).Err(); err != nil {
		return fmt.Errorf("writing plugin %s@%s entry: %w", e.Name, e.Version, err)
	}
	if err := b.Redis.Publish(ctx, keys.PluginsChanged(), e.Name).Err(); err != nil {
		return fmt.Errorf("announcing plugin %s@%s: %w", e.Name, e.Version, err)
	}
	b.log().Info("plugin version applied", "plugin", e.Name, "version", e.Version, "digest", e.SHA256)
	return nil
}

// repopulatePlugins restores every plugin deployed in the zone and drops
// hash entries the store no longer deploys here.
func (b *Bridge) repopulatePlugins(ctx context.Context) (int, error) {
	keys := zones.KeysFor(b.Zone)
	ds, err := b.Store.ListPluginDeployments(ctx, b.Zone, "")
	if err != nil {
		return 0, fmt.Errorf("listing plugin deployments: %w", err)
	}
	want := map[string]bool{}
	for _, d := range ds {
		want[d.Name] = true
		if err := b.refreshPlugin(ctx, keys, d.Name); err != nil {
			return 0, fmt.Errorf("plugin %s: %w", d.Name, err)
		}
	}
	names, err := b.Redis.HKeys(ctx, keys.Plugins()).Result()
	if err != nil {
		return len(ds), fmt.Errorf("listing zone plugins: %w", err)
	}
	for _, n := range names {
		if !want[n] {
			if err := b.refreshPlugin(ctx, keys, n); err != nil {
				return len(ds), fmt.Errorf("plugin %s: %w", n, err)
			}
		}
	}
	return len(ds), nil
}
