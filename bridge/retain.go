package bridge

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

// defaultRetainEvery is how often a bridge rolls up and prunes history.
// Retention works in whole hours of raw rows, so running more often only
// finds nothing to do.
const defaultRetainEvery = time.Hour

// runRetention calls Store.Retain at start and then every RetainEvery
// until ctx ends. Every zone's bridge runs it; the store's lease lets one
// at a time work and the others skip. Failures are logged and retried at
// the next tick: retention is housekeeping and must never stop a bridge.
func (b *Bridge) runRetention(ctx context.Context, log *slog.Logger) {
	every := b.RetainEvery
	if every == 0 {
		every = defaultRetainEvery
	}
	if every < 0 {
		return
	}
	now := b.Now
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		rep, err := b.Store.Retain(ctx, now(), b.Retention)
		switch {
		case errors.Is(err, store.ErrRetainBusy):
			log.Debug("retention skipped: another bridge holds the lease")
		case err != nil && ctx.Err() == nil:
			mRetainFailed.WithLabelValues(b.Zone).Inc()
			log.Warn("history retention failed; retrying next round", "err", err, "in", every)
		case err == nil:
			mPruned.WithLabelValues(b.Zone).Add(float64(rep.Pruned))
			if rep.Hours > 0 || rep.Expired > 0 {
				log.Info("history rolled up and pruned", "hours", rep.Hours, "raw_rows", rep.Pruned,
					"rollups_expired", rep.Expired, "took", time.Since(start))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
