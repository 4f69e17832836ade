package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
)

// enqueueTx appends entries to zone's queue inside tx and arranges for the
// zone's watchers to be woken once tx commits. It is shared by Enqueue and
// the monitor/reaction writes, which must queue in the same transaction.
func (s *Store) enqueueTx(tx *bbolt.Tx, zone string, entries ...engine.QueueEntry) error {
	if zone == "" {
		return fmt.Errorf("enqueue: empty zone name")
	}
	qb, err := tx.Bucket(bucketQueues).CreateBucketIfNotExists([]byte(zone))
	if err != nil {
		return fmt.Errorf("enqueue to zone %q: create queue: %w", zone, err)
	}
	for _, e := range entries {
		seq, err := qb.NextSequence()
		if err != nil {
			return fmt.Errorf("enqueue to zone %q: next sequence: %w", zone, err)
		}
		e.ID = seqID(seq)
		e.Zone = zone
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("enqueue %s %q to zone %q: encode: %w", e.Op, e.ObjectID, zone, err)
		}
		if err := qb.Put(seqKey(seq), v); err != nil {
			return fmt.Errorf("enqueue %s %q to zone %q: %w", e.Op, e.ObjectID, zone, err)
		}
	}
	tx.OnCommit(func() { s.watch.signal([]string{zone}) })
	return nil
}

// Enqueue appends entries to zone's queue, assigning their IDs.
func (s *Store) Enqueue(ctx context.Context, zone string, entries ...engine.QueueEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.update(ctx, fmt.Sprintf("enqueue %d entries to zone %q", len(entries), zone), func(tx *bbolt.Tx) error {
		return s.enqueueTx(tx, zone, entries...)
	})
}

// ReadQueue returns up to limit unacknowledged entries, oldest first.
// limit <= 0 means 100.
func (s *Store) ReadQueue(ctx context.Context, zone string, limit int) ([]engine.QueueEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []engine.QueueEntry
	err := s.view(ctx, fmt.Sprintf("read queue of zone %q", zone), func(tx *bbolt.Tx) error {
		qb := tx.Bucket(bucketQueues).Bucket([]byte(zone))
		if qb == nil {
			return nil
		}
		c := qb.Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			var e engine.QueueEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode entry %x: %w", k, err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// AckQueue removes entries once they are applied. Acking an entry that is
// already gone is not an error: a bridge that crashed after applying but
// before acking may ack again.
func (s *Store) AckQueue(ctx context.Context, zone string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([][]byte, len(ids))
	for i, id := range ids {
		seq, err := parseSeqID(id)
		if err != nil {
			return fmt.Errorf("ack queue of zone %q: id %q: %w", zone, id, err)
		}
		keys[i] = seqKey(seq)
	}
	return s.update(ctx, fmt.Sprintf("ack %d entries of zone %q", len(ids), zone), func(tx *bbolt.Tx) error {
		qb := tx.Bucket(bucketQueues).Bucket([]byte(zone))
		if qb == nil {
			return nil
		}
		for _, k := range keys {
			if err := qb.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// WatchQueue signals (coalesced) after every commit that adds to zone's
// queue. The channel closes when ctx ends or the store closes.
func (s *Store) WatchQueue(ctx context.Context, zone string) (<-chan struct{}, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("watch queue of zone %q: %w", zone, err)
	}
	return s.watch.add(ctx, zone)
}
