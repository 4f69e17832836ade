package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/control"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/zones"
)

// Sender takes webhook results to the action broker (a *broker.Producer).
type Sender interface {
	Send(broker.Message) error
}

// Bridge serves one zone.
type Bridge struct {
	Zone    string
	Store   store.Store
	Redis   redis.UniversalClient
	Actions Sender
	Logger  *slog.Logger
	// Batch is how many queue entries are read at once (default 500).
	Batch int
	// Retention is the history retention policy (zero fields: defaults,
	// 30 days raw). RetainEvery is how often it runs (0: hourly; negative:
	// never, for a deployment that runs retention elsewhere).
	Retention   store.RetentionPolicy
	RetainEvery time.Duration
	// Now is the clock retention measures age by (tests); nil = time.Now.
	Now func() time.Time
}

// Run applies the zone's queue until ctx ends: everything pending at start,
// then each new entry as the store announces it. A failing store or Redis
// is retried with backoff; entries stay queued meanwhile.
func (b *Bridge) Run(ctx context.Context) error {
	log := b.log()
	if b.Batch <= 0 {
		b.Batch = 500
	}
	wake, err := b.Store.WatchQueue(ctx, b.Zone)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bridge %s: watching queue: %w", b.Zone, err)
	}
	// Retention runs beside the queue and ends with it: Run does not
	// return while a Retain is still using the store.
	retained := make(chan struct{})
	defer func() { <-retained }()
	rctx, stopRetention := context.WithCancel(ctx)
	defer stopRetention()
	go func() { defer close(retained); b.runRetention(rctx, log) }()
	backoff := 100 * time.Millisecond
	// A slow safety net: if a notification is ever lost (a changefeed
	// reconnecting), entries still move within seconds, not never.
	safety := time.NewTicker(5 * time.Second)
	defer safety.Stop()
	for {
		n, err := b.drainOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("bridge round failed, retrying", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		case n == b.Batch:
			continue // more waiting
		}
		backoff = 100 * time.Millisecond
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-wake:
			if !ok && ctx.Err() == nil {
				// The watch ended (store closed or reconnecting): re-watch.
				if wake, err = b.Store.WatchQueue(ctx, b.Zone); err != nil {
					log.Warn("re-watching queue", "err", err)
					wake = nil
				}
			}
		case <-safety.C:
		}
	}
}

func (b *Bridge) log() *slog.Logger {
	l := b.Logger
	if l == nil {
		l = slog.Default()
	}
	return l.With("zone", b.Zone, "component", "bridge")
}

// drainOnce applies one batch and acknowledges what was applied.
func (b *Bridge) drainOnce(ctx context.Context) (int, error) {
	entries, err := b.Store.ReadQueue(ctx, b.Zone, b.Batch)
	if err != nil {
		return 0, fmt.Errorf("reading queue: %w", err)
	}
	var done []string
	var firstErr error
	for _, e := range entries {
		if err := b.Apply(ctx, e); err != nil {
			firstErr = fmt.Errorf("applying %s %s: %w", e.Op, e.ObjectID, err)
			break // keep order: later entries may depend on this one
		}
		done = append(done, e.ID)
		mApplied.WithLabelValues(b.Zone, string(e.Op)).Inc()
	}
	if len(done) > 0 {
		if err := b.Store.AckQueue(ctx, b.Zone, done...); err != nil {
			return 0, fmt.Errorf("acknowledging %d entries: %w", len(done), err)
		}
	}
	return len(entries), firstErr
}

// Apply makes the zone's Redis reflect one entry. Applying an entry twice,
// or late, is harmless.
func (b *Bridge) Apply(ctx context.Context, e engine.QueueEntry) error {
	keys := zones.KeysFor(b.Zone)
	switch e.Op {
	case engine.OpUpsertMonitor, engine.OpDeleteMonitor:
		return b.refreshMonitor(ctx, keys, e.ObjectID)
	case engine.OpUpsertReaction, engine.OpDeleteReaction:
		return b.refreshReaction(ctx, keys, e.ObjectID)
	case engine.OpPlugin:
		return b.refreshPlugin(ctx, keys, e.ObjectID)
	case engine.OpResult:
		var res engine.Result
		if err := json.Unmarshal(e.Payload, &res); err != nil {
			b.log().Error("dropping malformed result entry", "entry", e.ID, "err", err)
			return nil // a bad entry must not block the queue forever
		}
		res.Zone = b.Zone
		payload, _ := json.Marshal(res)
		// A manual "mark failed" goes ahead of queued healthy results, as
		// a worker's failed result does: reactions should not wait on them.
		return b.Actions.Send(broker.Message{ID: res.ID, Deadline: time.Now().Add(time.Minute), Payload: payload,
			Urgent: res.Status != engine.StatusHealthy})
	default:
		b.log().Warn("skipping entry this bridge does not know", "op", e.Op, "entry", e.ID)
		return nil
	}
}

// refreshMonitor makes the cache match the store's current monitor id,
// whatever the entry that named it said.
func (b *Bridge) refreshMonitor(ctx context.Context, keys zones.Keys, id string) error {
	m, err := b.Store.GetMonitor(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return b.dropMonitor(ctx, keys, id)
	}
	if err != nil {
		return err
	}
	return b.putMonitor(ctx, keys, m)
}

func (b *Bridge) refreshReaction(ctx context.Context, keys zones.Keys, id string) error {
	r, err := b.Store.GetReaction(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return b.Redis.Del(ctx, keys.Reaction(id), keys.LastRun(id)).Err()
	}
	if err != nil {
		return err
	}
	return b.putReaction(ctx, keys, r)
}

func (b *Bridge) putMonitor(ctx context.Context, keys zones.Keys, m engine.Monitor) error {
	if !m.HasZone(b.Zone) {
		// The monitor moved away from this zone.
		return b.dropMonitor(ctx, keys, m.ID)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := b.Redis.Set(ctx, keys.Monitor(m.ID), raw, 0).Err(); err != nil {
		return err
	}
	if m.Kind != engine.KindScheduled || m.Paused {
		return control.Unschedule(ctx, b.Redis, keys, m.ID)
	}
	return control.Schedule(ctx, b.Redis, keys, m.ID, m.Interval.D(), time.Now())
}

func (b *Bridge) dropMonitor(ctx context.Context, keys zones.Keys, id string) error {
	if err := control.Unschedule(ctx, b.Redis, keys, id); err != nil {
		return err
	}
	return b.Redis.Del(ctx, keys.Monitor(id), keys.Counters(id)).Err()
}

func (b *Bridge) putReaction(ctx context.Context, keys zones.Keys, r engine.Reaction) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return b.Redis.Set(ctx, keys.Reaction(r.ID), raw, 0).Err()
}
