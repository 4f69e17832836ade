package bridge

import (
	"context"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/zones"
)

// Repopulate rebuilds the zone's Redis from the store: every monitor of
// this zone and every reaction is written again, scheduled ones are put
// back on the schedule (keeping their phase), and cached objects the store
// no longer has are removed. Counters and journal are left alone. It is
// safe while the zone runs: each write is the same one the queue would do.
func (b *Bridge) Repopulate(ctx context.Context) (monitors, reactions int, err error) {
	keys := zones.KeysFor(b.Zone)
	ms, err := b.Store.ListMonitors(ctx, "")
	if err != nil {
		return 0, 0, fmt.Errorf("repopulate %s: listing monitors: %w", b.Zone, err)
	}
	want := map[string]bool{}
	for _, m := range ms {
		if !m.HasZone(b.Zone) {
			continue
		}
		want[m.ID] = true
		if err := b.putMonitor(ctx, keys, m); err != nil {
			return monitors, 0, fmt.Errorf("repopulate %s: monitor %s: %w", b.Zone, m.ID, err)
		}
		monitors++
	}
	rs, err := b.Store.ListReactions(ctx, "")
	if err != nil {
		return monitors, 0, fmt.Errorf("repopulate %s: listing reactions: %w", b.Zone, err)
	}
	for _, r := range rs {
		if err := b.putReaction(ctx, keys, r); err != nil {
			return monitors, reactions, fmt.Errorf("repopulate %s: reaction %s: %w", b.Zone, r.ID, err)
		}
		reactions++
	}
	// Remove monitors Redis has but the store does not (deleted while the
	// zone's queue entries were lost).
	prefix := keys.Monitor("")
	iter := b.Redis.Scan(ctx, 0, keys.MonitorPattern(), 1000).Iterator()
	for iter.Next(ctx) {
		id := strings.TrimPrefix(iter.Val(), prefix)
		if !want[id] {
			if err := b.dropMonitor(ctx, keys, id); err != nil {
				return monitors, reactions, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return monitors, reactions, fmt.Errorf("repopulate %s: scanning redis: %w", b.Zone, err)
	}
	b.log().Info("repopulated", "monitors", monitors, "reactions", reactions)
	return monitors, reactions, nil
}
