package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Rollup buckets are created by the first Retain rather than by a schema
// migration: an older binary ignores buckets it does not know, and a store
// that never ran Retain has nothing to read.
//
//	rollups             period(1) | time(8) | monitor | zone → rollup JSON
//	rollups_by_monitor  monitor | period(1) | time(8) | zone → rollups key
var (
	bucketRollups          = []byte("rollups")
	bucketRollupsByMonitor = []byte("rollups_by_monitor")
)

var _ store.Rollups = (*Store)(nil)

// retainLocks holds one mutex per open store: bbolt lets one process open
// a file, so an in-process lock is the whole lease.
var retainLocks sync.Map

// Retain rolls old raw history into hourly and daily rollups and prunes it
// (see store.RunRetain).
func (s *Store) Retain(ctx context.Context, now time.Time, p store.RetentionPolicy) (store.RetainReport, error) {
	mu, _ := retainLocks.LoadOrStore(s, &sync.Mutex{})
	if !mu.(*sync.Mutex).TryLock() {
		return store.RetainReport{}, store.ErrRetainBusy
	}
	defer mu.(*sync.Mutex).Unlock()
	return store.RunRetain(ctx, retainOps{s}, now, p)
}

// Rollups returns a monitor's rollups of q.Period, newest first.
func (s *Store) Rollups(ctx context.Context, monitorID string, q store.RollupQuery) ([]store.Rollup, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	out := []store.Rollup{}
	err := s.view(ctx, fmt.Sprintf("read %s rollups of monitor %q", q.Period, monitorID), func(tx *bbolt.Tx) error {
		idx, data := tx.Bucket(bucketRollupsByMonitor), tx.Bucket(bucketRollups)
		if idx == nil {
			return nil
		}
		prefix := concat(prefixed(monitorID), periodKey(q.Period))
		upper := prefixEnd(prefix)
		if !q.Before.IsZero() {
			upper = concat(prefix, timeKey(q.Before))
		}
		var lower []byte
		if !q.Since.IsZero() {
			lower = concat(prefix, timeKey(q.Since))
		}
		c := idx.Cursor()
		for k, v := seekBefore(c, upper); k != nil && len(out) < limit; k, v = c.Prev() {
			if !bytes.HasPrefix(k, prefix) || (lower != nil && bytes.Compare(k, lower) < 0) {
				break
			}
			var r store.Rollup
			if err := json.Unmarshal(data.Get(v), &r); err != nil {
				return fmt.Errorf("decode rollup %x: %w", v, err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

func periodKey(p store.Period) []byte {
	if p == store.PeriodDay {
		return []byte{'d'}
	}
	return []byte{'h'}
}

func rollupKeys(r store.Rollup) (data, byMonitor []byte) {
	pk, tk := periodKey(r.Period), timeKey(r.Start)
	return concat(pk, tk, prefixed(r.MonitorID), prefixed(r.Zone)),
		concat(prefixed(r.MonitorID), pk, tk, prefixed(r.Zone))
}

// keyTime is the inverse of timeKey.
func keyTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8])^(1<<63))).UTC()
}

// retainOps gives store.RunRetain the primitives it needs.
type retainOps struct{ s *Store }

// rollupChunk bounds one write transaction of rollups.
const rollupChunk = 5000

func (o retainOps) FirstRaw(ctx context.Context, from time.Time) (at time.Time, ok bool, err error) {
	err = o.s.view(ctx, "find oldest raw history row", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketHistory).Cursor()
		var k []byte
		if from.IsZero() {
			k, _ = c.First()
		} else {
			k, _ = c.Seek(timeKey(from))
		}
		if k != nil {
			at, ok = keyTime(k), true
		}
		return nil
	})
	return at, ok, err
}

func (o retainOps) ScanRaw(ctx context.Context, from, to time.Time, fn func(engine.Result) error) error {
	return o.s.view(ctx, "scan raw history", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketHistory).Cursor()
		end := timeKey(to)
		for k, v := c.Seek(timeKey(from)); k != nil && bytes.Compare(k[:8], end) < 0; k, v = c.Next() {
			var r engine.Result
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode history row %x: %w", k, err)
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func (o retainOps) AddRollups(ctx context.Context, rs []store.Rollup) error {
	return o.putRollups(ctx, rs, false)
}

func (o retainOps) PutRollups(ctx context.Context, rs []store.Rollup) error {
	return o.putRollups(ctx, rs, true)
}

func (o retainOps) putRollups(ctx context.Context, rs []store.Rollup, replace bool) error {
	for len(rs) > 0 {
		chunk := rs[:min(len(rs), rollupChunk)]
		rs = rs[len(chunk):]
		err := o.s.update(ctx, fmt.Sprintf("write %d rollups", len(chunk)), func(tx *bbolt.Tx) error {
			data, err := tx.CreateBucketIfNotExists(bucketRollups)
			if err != nil {
				return err
			}
			idx, err := tx.CreateBucketIfNotExists(bucketRollupsByMonitor)
			if err != nil {
				return err
			}
			for _, r := range chunk {
				dk, ik := rollupKeys(r)
				if !replace && data.Get(dk) != nil {
					continue
				}
				v, err := json.Marshal(r)
				if err != nil {
					return fmt.Errorf("encode rollup %s: %w", r.Key(), err)
				}
				if err := data.Put(dk, v); err != nil {
					return err
				}
				if err := idx.Put(ik, dk); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (o retainOps) ScanRollups(ctx context.Context, p store.Period, from, to time.Time, fn func(store.Rollup) error) error {
	return o.s.view(ctx, fmt.Sprintf("scan %s rollups", p), func(tx *bbolt.Tx) error {
		data := tx.Bucket(bucketRollups)
		if data == nil {
			return nil
		}
		end := concat(periodKey(p), timeKey(to))
		c := data.Cursor()
		for k, v := c.Seek(concat(periodKey(p), timeKey(from))); k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
			var r store.Rollup
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode rollup %x: %w", k, err)
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func (o retainOps) DeleteRaw(ctx context.Context, before time.Time) (int, error) {
	return o.s.Prune(ctx, before)
}

func (o retainOps) ExpireRollups(ctx context.Context, p store.Period, before time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := o.s.update(ctx, fmt.Sprintf("expire %s rollups before %s", p, before.Format(time.RFC3339)), func(tx *bbolt.Tx) error {
			data, idx := tx.Bucket(bucketRollups), tx.Bucket(bucketRollupsByMonitor)
			if data == nil {
				return nil
			}
			end := concat(periodKey(p), timeKey(before))
			var victims [][]byte
			c := data.Cursor()
			for k, _ := c.Seek(periodKey(p)); k != nil && bytes.Compare(k, end) < 0 && len(victims) < pruneChunk; k, _ = c.Next() {
				victims = append(victims, append([]byte(nil), k...))
			}
			for _, k := range victims {
				var r store.Rollup
				if err := json.Unmarshal(data.Get(k), &r); err != nil {
					return fmt.Errorf("decode rollup %x: %w", k, err)
				}
				_, ik := rollupKeys(r)
				if err := idx.Delete(ik); err != nil {
					return err
				}
				if err := data.Delete(k); err != nil {
					return err
				}
			}
			n = len(victims)
			return nil
		})
		total += n
		if err != nil || n < pruneChunk {
			return total, err
		}
	}
}
