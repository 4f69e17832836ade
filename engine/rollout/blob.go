package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/host/lock"
	"github.com/runbookhq/runbook/host/pluginsync"
	"github.com/runbookhq/runbook/zones"
)

// stageBlob makes the zone's plugin:{digest} hold exactly wasm, the bytes
// the pusher inspected and whose sha256 is the digest. The key is the
// digest, so a copy there with other bytes is corrupt by definition (a
// partial write, a bad restore, a hand edit): it is replaced, not kept as
// SETNX would, so the push repairs the zone instead of every node
// refusing it. The comparison is done in Redis, so the copy is not
// downloaded. It reports whether the copy was missing or corrupt; then
// the nodes' refusals of this digest are stale (they read the bad copy,
// or an operator deleted it to repair it) and are cleared, so the
// pusher waits for the nodes to read the good one instead of failing on
// their old reports.
func stageBlob(ctx context.Context, rdb redis.UniversalClient, zone string, e lock.Entry, wasm []byte) (repaired bool, err error) {
	keys := zones.KeysFor(zone)
	n, err := putBlob.Run(ctx, rdb, []string{keys.PluginBlob(e.SHA256)}, wasm).Int()
	if err != nil {
		return false, fmt.Errorf("zone %s: writing the module: %w", zone, err)
	}
	if n == blobSame {
		return false, nil
	}
	if n == blobReplaced {
		mBlobsRepaired.WithLabelValues(zone).Inc()
		slog.Warn("the zone's copy of the module was not its digest; replaced", "zone", zone,
			"plugin", e.Name, "version", e.Version, "digest", e.SHA256)
	}
	reps, err := rdb.HGetAll(ctx, keys.PluginReports(e.Name)).Result()
	if err != nil {
		return n == blobReplaced, fmt.Errorf("zone %s: reading node reports: %w", zone, err)
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
			return n == blobReplaced, fmt.Errorf("zone %s: clearing stale refusals: %w", zone, err)
		}
	}
	return n == blobReplaced, nil
}

// putBlob's answers.
const (
	blobSame     = 0
	blobWritten  = 1
	blobReplaced = 2
)

var putBlob = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if cur then return 2 end
return 1`)
