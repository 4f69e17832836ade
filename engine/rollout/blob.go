package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones"
)

// stageBlob makes the zone's plugin:{digest} hold the module. The key is
// the module's sha256, so a copy there whose sha256 differs is corrupt by
// definition (a partial write, a bad restore, a hand edit): it is
// replaced, where SETNX kept it and every node refused it. The copy is
// read and hashed here rather than compared in a Lua script, which would
// block Redis ~18 ms per push for a 4.7 MB module (BenchmarkStageBlob,
// docs/PERFORMANCE.md); a good copy is then not uploaded again at all.
// It reports whether the copy was corrupt. When it was missing or
// corrupt the nodes' refusals of this digest are stale (they read the bad
// copy, or none) and are cleared, so the push waits for the nodes to read
// the good one instead of failing on their old reports.
func stageBlob(ctx context.Context, rdb redis.UniversalClient, zone string, e lock.Entry, wasm []byte) (repaired bool, err error) {
	keys := zones.KeysFor(zone)
	key := keys.PluginBlob(e.SHA256)
	cur, err := rdb.Get(ctx, key).Bytes()
	switch {
	case err == nil && lock.Digest(cur) == e.SHA256:
		return false, nil
	case err == nil:
		// Anything written here is the module itself, so a writer racing
		// this one (the bridge) cannot be undone by it.
		if err := rdb.Set(ctx, key, wasm, 0).Err(); err != nil {
			return false, fmt.Errorf("zone %s: replacing the corrupt copy of the module: %w", zone, err)
		}
		repaired = true
		mBlobsRepaired.WithLabelValues(zone).Inc()
		slog.Warn("the zone's copy of the module was not its digest; replaced", "zone", zone,
			"plugin", e.Name, "version", e.Version, "digest", e.SHA256, "corrupt_sha256", lock.Digest(cur), "corrupt_bytes", len(cur))
	case errors.Is(err, redis.Nil):
		if err := rdb.Set(ctx, key, wasm, 0).Err(); err != nil {
			return false, fmt.Errorf("zone %s: writing the module: %w", zone, err)
		}
	default:
		return false, fmt.Errorf("zone %s: reading the zone's copy of the module: %w", zone, err)
	}
	reps, err := rdb.HGetAll(ctx, keys.PluginReports(e.Name)).Result()
	if err != nil {
		return repaired, fmt.Errorf("zone %s: reading node reports: %w", zone, err)
	}
	var stale []string
	for node, raw := range reps {
		var r pluginsync.Report
		if json.Unmarshal([]byte(raw), &r) == nil && r.Refused == e.SHA256 {
			stale = append(stale, node)
		}
	}
	if len(stale) > 0 {
		if err := rdb.HDel(ctx, keys.PluginReports(e.Name), stale...).Err(); err != nil {
			return repaired, fmt.Errorf("zone %s: clearing stale refusals: %w", zone, err)
		}
	}
	return repaired, nil
}
