package store

import (
	"context"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// RetainOps are the primitives a backend gives RunRetain, which holds the
// retention algorithm so every backend rolls up the same way.
type RetainOps interface {
	// FirstRaw is the time key of the oldest raw history row at or after
	// from (zero from = any); ok is false when there is none.
	FirstRaw(ctx context.Context, from time.Time) (at time.Time, ok bool, err error)
	// ScanRaw calls fn for every raw history row in [from, to).
	ScanRaw(ctx context.Context, from, to time.Time, fn func(engine.Result) error) error
	// AddRollups inserts rollups, keeping any with the same Key that is
	// already stored.
	AddRollups(ctx context.Context, rs []Rollup) error
	// PutRollups inserts or replaces rollups by Key.
	PutRollups(ctx context.Context, rs []Rollup) error
	// ScanRollups calls fn for every rollup of period p, any monitor, with
	// Start in [from, to).
	ScanRollups(ctx context.Context, p Period, from, to time.Time, fn func(Rollup) error) error
	// DeleteRaw deletes raw history rows before t and says how many.
	DeleteRaw(ctx context.Context, before time.Time) (int, error)
	// ExpireRollups deletes rollups of period p that start before t.
	ExpireRollups(ctx context.Context, p Period, before time.Time) (int, error)
}

// RunRetain is Retain for any backend, one hour of raw history at a time,
// oldest first:
//
//  1. the hour's raw rows are summed into hourly rollups, inserted only
//     where none exists: the first complete computation wins, so a run
//     that crashed after deleting part of an hour cannot overwrite the
//     full figures with partial ones on the next run;
//  2. when it is the last raw hour of its day, the day's hourly rollups
//     are merged into the daily one (replaced: recomputing from complete
//     hourly rollups always gives the same answer);
//  3. only then are the hour's raw rows deleted.
//
// A row that reaches the store after its hour was rolled up and is
// already older than the raw retention (a store outage longer than the
// retention) is deleted without being counted.
func RunRetain(ctx context.Context, ops RetainOps, now time.Time, p RetentionPolicy) (RetainReport, error) {
	var rep RetainReport
	p.Normalize()
	if err := p.Validate(); err != nil {
		return rep, fmt.Errorf("retention policy: %w", err)
	}
	cutoff := p.Cutoff(now)
	for {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("retain: %w", err)
		}
		oldest, ok, err := ops.FirstRaw(ctx, time.Time{})
		if err != nil {
			return rep, fmt.Errorf("retain: finding the oldest raw row: %w", err)
		}
		if !ok || !oldest.Before(cutoff) {
			break
		}
		n, err := rollHour(ctx, ops, oldest.UTC().Truncate(time.Hour))
		rep.Pruned += n
		if err != nil {
			return rep, err
		}
		rep.Hours++
	}
	for _, lvl := range []struct {
		period Period
		keep   time.Duration
	}{{PeriodHour, p.Hourly}, {PeriodDay, p.Daily}} {
		n, err := ops.ExpireRollups(ctx, lvl.period, now.Add(-lvl.keep).UTC().Truncate(lvl.period.Span()))
		rep.Expired += n
		if err != nil {
			return rep, fmt.Errorf("retain: expiring %s rollups: %w", lvl.period, err)
		}
	}
	return rep, nil
}

type rollupKey struct{ monitor, zone string }

// rollHour rolls up and deletes the raw rows of the hour starting at h.
func rollHour(ctx context.Context, ops RetainOps, h time.Time) (int, error) {
	end := h.Add(time.Hour)
	sums := map[rollupKey]*Rollup{}
	err := ops.ScanRaw(ctx, h, end, func(res engine.Result) error {
		k := rollupKey{res.MonitorID, res.Zone}
		r := sums[k]
		if r == nil {
			r = &Rollup{MonitorID: res.MonitorID, Zone: res.Zone, Period: PeriodHour, Start: h}
			sums[k] = r
		}
		r.Add(res)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("retain: reading raw rows of %s: %w", h.Format(time.RFC3339), err)
	}
	if err := ops.AddRollups(ctx, values(sums)); err != nil {
		return 0, fmt.Errorf("retain: writing hourly rollups of %s: %w", h.Format(time.RFC3339), err)
	}
	next, more, err := ops.FirstRaw(ctx, end)
	if err != nil {
		return 0, fmt.Errorf("retain: finding the next raw row after %s: %w", h.Format(time.RFC3339), err)
	}
	d := h.Truncate(day)
	if !more || !next.UTC().Truncate(day).Equal(d) {
		if err := rollDay(ctx, ops, d); err != nil {
			return 0, err
		}
	}
	n, err := ops.DeleteRaw(ctx, end)
	if err != nil {
		return n, fmt.Errorf("retain: deleting raw rows of %s: %w", h.Format(time.RFC3339), err)
	}
	return n, nil
}

// rollDay recomputes the daily rollups of the day starting at d from its
// hourly ones.
func rollDay(ctx context.Context, ops RetainOps, d time.Time) error {
	sums := map[rollupKey]*Rollup{}
	err := ops.ScanRollups(ctx, PeriodHour, d, d.Add(day), func(h Rollup) error {
		k := rollupKey{h.MonitorID, h.Zone}
		r := sums[k]
		if r == nil {
			r = &Rollup{MonitorID: h.MonitorID, Zone: h.Zone, Period: PeriodDay, Start: d}
			sums[k] = r
		}
		r.Merge(h)
		return nil
	})
	if err != nil {
		return fmt.Errorf("retain: reading hourly rollups of %s: %w", d.Format(time.DateOnly), err)
	}
	if err := ops.PutRollups(ctx, values(sums)); err != nil {
		return fmt.Errorf("retain: writing daily rollups of %s: %w", d.Format(time.DateOnly), err)
	}
	return nil
}

func values(m map[rollupKey]*Rollup) []Rollup {
	out := make([]Rollup, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	return out
}
