package bridge

import (
	"context"
	"fmt"
	"strings"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/zones"
)

// Repopulate rebuilds the zone's Redis from the store: every monitor of
// this zone and every reaction is written again, scheduled ones are put
// back on the schedule (keeping their phase), and cached objects the store
// no longer has are removed. Counters and journal are left alone. It is
// safe while the zone runs: each write is the same one the queue would do,
// and nothing is removed without reading the store again first.
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
	wantReaction := map[string]bool{}
	for _, r := range rs {
		wantReaction[r.ID] = true
		if err := b.putReaction(ctx, keys, r); err != nil {
			return monitors, reactions, fmt.Errorf("repopulate %s: reaction %s: %w", b.Zone, r.ID, err)
		}
		reactions++
	}
	// Remove what Redis has but the store does not (deleted while the
	// zone's queue entries were lost): a stale monitor would keep being
	// checked, a stale reaction would keep firing.
	// Each candidate is read again from the store before it goes: the web
	// may have created it after the listing above, and the bridge already
	// cached it.
	err = b.sweep(ctx, keys.MonitorPattern(), keys.Monitor(""), want, func(id string) error {
		return b.refreshMonitor(ctx, keys, id)
	})
	if err != nil {
		return monitors, reactions, fmt.Errorf("repopulate %s: removing deleted monitors: %w", b.Zone, err)
	}
	err = b.sweep(ctx, keys.ReactionPattern(), keys.Reaction(""), wantReaction, func(id string) error {
		return b.refreshReaction(ctx, keys, id)
	})
	if err != nil {
		return monitors, reactions, fmt.Errorf("repopulate %s: removing deleted reactions: %w", b.Zone, err)
	}
	// A concurrent edit may have been applied between the listing and our
	// write of the listed copy. Queue a re-check of everything written so
	// the bridge's ordinary path re-reads the truth afterwards, as the
	// original repopulate script did: applying an entry twice is harmless.
	// The cache is rebuilt either way, so a store that refuses the write
	// (an outage) is worth a warning, not a failed repopulate.
	if err := b.queueRecheck(ctx, ms, rs); err != nil {
		b.log().Warn("repopulated, but could not queue re-checks; an edit made during repopulate may wait for its next change", "err", err)
	}
	// Plugins last: a failure here leaves monitors and reactions rebuilt.
	plugins, err := b.repopulatePlugins(ctx)
	if err != nil {
		return monitors, reactions, fmt.Errorf("repopulate %s: %w", b.Zone, err)
	}
	b.log().Info("repopulated", "monitors", monitors, "reactions", reactions, "plugins", plugins)
	return monitors, reactions, nil
}

// sweep calls drop for every cached id under pattern that keep lacks.
// Ids are collected first: deleting while SCAN iterates may skip keys.
func (b *Bridge) sweep(ctx context.Context, pattern, prefix string, keep map[string]bool, drop func(id string) error) error {
	var stale []string
	iter := b.Redis.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		if id := strings.TrimPrefix(iter.Val(), prefix); !keep[id] {
			stale = append(stale, id)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scanning %s: %w", pattern, err)
	}
	for _, id := range stale {
		if err := drop(id); err != nil {
			return fmt.Errorf("dropping %s: %w", id, err)
		}
	}
	return nil
}

// recheckBatch bounds one Enqueue call so a large zone never makes one
// huge store write.
const recheckBatch = 500

func (b *Bridge) queueRecheck(ctx context.Context, ms []engine.Monitor, rs []engine.Reaction) error {
	var batch []engine.QueueEntry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := b.Store.Enqueue(ctx, b.Zone, batch...)
		batch = batch[:0]
		return err
	}
	add := func(op engine.QueueOp, id string) error {
		batch = append(batch, engine.QueueEntry{Zone: b.Zone, Op: op, ObjectID: id})
		if len(batch) == recheckBatch {
			return flush()
		}
		return nil
	}
	for _, m := range ms {
		if m.HasZone(b.Zone) {
			if err := add(engine.OpUpsertMonitor, m.ID); err != nil {
				return err
			}
		}
	}
	for _, r := range rs {
		if err := add(engine.OpUpsertReaction, r.ID); err != nil {
			return err
		}
	}
	return flush()
}
