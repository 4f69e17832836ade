// Package storefault wraps a store.Store so tests can make it fail the way
// a real store does during an outage: writes refused with
// store.ErrUnavailable (a RethinkDB whose primary replica is gone), reads
// too when asked (a cluster that cannot be reached), and a hook that runs
// after the bridge reads its queue (to kill a bridge between reading and
// applying). It is for tests only.
package storefault

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Store passes every call to the wrapped store unless a fault is on.
// Methods it does not override (new ones added to store.Store later) pass
// straight through, so the wrapper never breaks the build of its users.
type Store struct {
	store.Store

	refuseWrites atomic.Bool
	refuseReads  atomic.Bool
	refused      atomic.Int64

	// AfterReadQueue, when set, sees every batch ReadQueue returns before
	// the caller does. It runs on the caller's goroutine.
	AfterReadQueue func(ctx context.Context, zone string, entries []engine.QueueEntry)
}

// Wrap returns s with every fault off.
func Wrap(s store.Store) *Store { return &Store{Store: s} }

// RefuseWrites turns refusing writes on or off.
func (f *Store) RefuseWrites(on bool) { f.refuseWrites.Store(on) }

// RefuseReads turns refusing reads on or off (queue watches keep running:
// a real outage ends them, which the bridge already survives by re-watching).
func (f *Store) RefuseReads(on bool) { f.refuseReads.Store(on) }

// Refused counts calls refused so far, so a test can prove its outage
// really happened while the system was busy.
func (f *Store) Refused() int64 { return f.refused.Load() }

func (f *Store) write(op string) error {
	if f.refuseWrites.Load() {
		f.refused.Add(1)
		return fmt.Errorf("storefault: %s: %w: writes refused", op, store.ErrUnavailable)
	}
	return nil
}

func (f *Store) read(op string) error {
	if f.refuseReads.Load() {
		f.refused.Add(1)
		return fmt.Errorf("storefault: %s: %w: reads refused", op, store.ErrUnavailable)
	}
	return nil
}

func (f *Store) PutMonitor(ctx context.Context, m engine.Monitor, notify []string) error {
	if err := f.write("put monitor " + m.ID); err != nil {
		return err
	}
	return f.Store.PutMonitor(ctx, m, notify)
}

func (f *Store) GetMonitor(ctx context.Context, id string) (engine.Monitor, error) {
	if err := f.read("get monitor " + id); err != nil {
		return engine.Monitor{}, err
	}
	return f.Store.GetMonitor(ctx, id)
}

func (f *Store) ListMonitors(ctx context.Context, owner string) ([]engine.Monitor, error) {
	if err := f.read("list monitors"); err != nil {
		return nil, err
	}
	return f.Store.ListMonitors(ctx, owner)
}

func (f *Store) DeleteMonitor(ctx context.Context, id string, notify []string) error {
	if err := f.write("delete monitor " + id); err != nil {
		return err
	}
	return f.Store.DeleteMonitor(ctx, id, notify)
}

func (f *Store) SetMonitorStatus(ctx context.Context, id string, s engine.Status, at time.Time) error {
	if err := f.write("set status of " + id); err != nil {
		return err
	}
	return f.Store.SetMonitorStatus(ctx, id, s, at)
}

func (f *Store) PutReaction(ctx context.Context, r engine.Reaction, notify []string) error {
	if err := f.write("put reaction " + r.ID); err != nil {
		return err
	}
	return f.Store.PutReaction(ctx, r, notify)
}

func (f *Store) GetReaction(ctx context.Context, id string) (engine.Reaction, error) {
	if err := f.read("get reaction " + id); err != nil {
		return engine.Reaction{}, err
	}
	return f.Store.GetReaction(ctx, id)
}

func (f *Store) ListReactions(ctx context.Context, owner string) ([]engine.Reaction, error) {
	if err := f.read("list reactions"); err != nil {
		return nil, err
	}
	return f.Store.ListReactions(ctx, owner)
}

func (f *Store) DeleteReaction(ctx context.Context, id string, notify []string) error {
	if err := f.write("delete reaction " + id); err != nil {
		return err
	}
	return f.Store.DeleteReaction(ctx, id, notify)
}

func (f *Store) SetReactionLastRun(ctx context.Context, id string, at time.Time) error {
	if err := f.write("set lastrun of " + id); err != nil {
		return err
	}
	return f.Store.SetReactionLastRun(ctx, id, at)
}

func (f *Store) AddHistory(ctx context.Context, rows ...engine.Result) error {
	if err := f.write(fmt.Sprintf("add %d history rows", len(rows))); err != nil {
		return err
	}
	return f.Store.AddHistory(ctx, rows...)
}

// AddEncodedHistory fails like AddHistory; a wrapped store without it
// takes the rows decoded.
func (f *Store) AddEncodedHistory(ctx context.Context, rows []store.EncodedResult) error {
	if err := f.write(fmt.Sprintf("add %d history rows", len(rows))); err != nil {
		return err
	}
	if eh, ok := f.Store.(store.EncodedHistory); ok {
		return eh.AddEncodedHistory(ctx, rows)
	}
	decoded := make([]engine.Result, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.JSON, &decoded[i]); err != nil {
			return fmt.Errorf("decode history row %q: %w", r.ID, err)
		}
	}
	return f.Store.AddHistory(ctx, decoded...)
}

func (f *Store) AddEvents(ctx context.Context, events ...engine.Event) error {
	if err := f.write(fmt.Sprintf("add %d events", len(events))); err != nil {
		return err
	}
	return f.Store.AddEvents(ctx, events...)
}

func (f *Store) AddReactionLogs(ctx context.Context, logs ...engine.ReactionLog) error {
	if err := f.write(fmt.Sprintf("add %d reaction logs", len(logs))); err != nil {
		return err
	}
	return f.Store.AddReactionLogs(ctx, logs...)
}

func (f *Store) Enqueue(ctx context.Context, zone string, entries ...engine.QueueEntry) error {
	if err := f.write("enqueue to " + zone); err != nil {
		return err
	}
	return f.Store.Enqueue(ctx, zone, entries...)
}

func (f *Store) ReadQueue(ctx context.Context, zone string, limit int) ([]engine.QueueEntry, error) {
	if err := f.read("read queue of " + zone); err != nil {
		return nil, err
	}
	entries, err := f.Store.ReadQueue(ctx, zone, limit)
	if err == nil && f.AfterReadQueue != nil {
		f.AfterReadQueue(ctx, zone, entries)
	}
	return entries, err
}

func (f *Store) AckQueue(ctx context.Context, zone string, ids ...string) error {
	if err := f.write("ack queue of " + zone); err != nil {
		return err
	}
	return f.Store.AckQueue(ctx, zone, ids...)
}

func (f *Store) Retain(ctx context.Context, now time.Time, p store.RetentionPolicy) (store.RetainReport, error) {
	if err := f.write("retain history"); err != nil {
		return store.RetainReport{}, err
	}
	return f.Store.Retain(ctx, now, p)
}
