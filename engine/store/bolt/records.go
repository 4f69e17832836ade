package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// defaultLimit applies when a caller asks for "no limit": reads of
// append-only data are always bounded.
const defaultLimit = 100

// recordKind describes an append-only, idempotent record type. Rows live in
// data keyed by time+id (so retention is a range from the front), ids maps
// id → data key (so a repeated add is one lookup), and byMonitor indexes
// monitor+time+id (so one monitor's newest rows are one short range).
type recordKind struct {
	name      string
	data      []byte
	ids       []byte
	byMonitor []byte
}

var (
	historyKind = recordKind{"history row", bucketHistory, bucketHistoryIDs, bucketHistoryByMonitor}
	eventKind   = recordKind{"event", bucketEvents, bucketEventIDs, bucketEventsByMonitor}
	logKind     = recordKind{"reaction log", bucketLogs, bucketLogIDs, bucketLogsByMonitor}
)

// record is one row on its way in: the fields the keys need, and the value.
type record struct {
	id      string
	monitor string
	at      time.Time
	value   any
}

// addRecords stores each record unless its id is already there, which is
// what makes write-behind replay exactly-once.
func addRecords(tx *bbolt.Tx, k recordKind, recs []record) error {
	data, ids, idx := tx.Bucket(k.data), tx.Bucket(k.ids), tx.Bucket(k.byMonitor)
	for i, r := range recs {
		if r.id == "" {
			return fmt.Errorf("%s %d of %d has no id", k.name, i+1, len(recs))
		}
		if ids.Get([]byte(r.id)) != nil {
			continue
		}
		v, err := json.Marshal(r.value)
		if err != nil {
			return fmt.Errorf("encode %s %q: %w", k.name, r.id, err)
		}
		dk := concat(timeKey(r.at), []byte(r.id))
		if err := data.Put(dk, v); err != nil {
			return fmt.Errorf("store %s %q: %w", k.name, r.id, err)
		}
		if err := ids.Put([]byte(r.id), dk); err != nil {
			return fmt.Errorf("index %s %q by id: %w", k.name, r.id, err)
		}
		if err := idx.Put(concat(prefixed(r.monitor), dk), nil); err != nil {
			return fmt.Errorf("index %s %q by monitor: %w", k.name, r.id, err)
		}
	}
	return nil
}

// window bounds a newest-first read: since inclusive, before exclusive,
// zero times unbounded.
type window struct {
	since, before time.Time
	limit         int
}

// readRecords returns monitor's rows ("" = every monitor's) in w, newest
// first.
func readRecords[T any](tx *bbolt.Tx, k recordKind, monitor string, w window) ([]T, error) {
	if w.limit <= 0 {
		w.limit = defaultLimit
	}
	data := tx.Bucket(k.data)
	var c *bbolt.Cursor
	var prefix []byte
	if monitor == "" {
		c = data.Cursor()
	} else {
		c = tx.Bucket(k.byMonitor).Cursor()
		prefix = prefixed(monitor)
	}
	upper := prefixEnd(prefix)
	if !w.before.IsZero() {
		upper = concat(prefix, timeKey(w.before))
	}
	var lower []byte
	if !w.since.IsZero() {
		lower = timeKey(w.since)
	}

	out := []T{}
	for key, val := seekBefore(c, upper); key != nil && len(out) < w.limit; key, val = c.Prev() {
		if !bytes.HasPrefix(key, prefix) {
			break
		}
		dk := key[len(prefix):]
		if lower != nil && bytes.Compare(dk[:8], lower) < 0 {
			break
		}
		if monitor != "" {
			if val = data.Get(dk); val == nil {
				return nil, fmt.Errorf("monitor index names %s %x, which does not exist", k.name, dk)
			}
		}
		var x T
		if err := json.Unmarshal(val, &x); err != nil {
			return nil, fmt.Errorf("decode %s %x: %w", k.name, dk, err)
		}
		out = append(out, x)
	}
	return out, nil
}

// seekBefore positions c on the last key below bound (nil = the end).
func seekBefore(c *bbolt.Cursor, bound []byte) ([]byte, []byte) {
	if bound == nil {
		return c.Last()
	}
	if k, _ := c.Seek(bound); k == nil {
		return c.Last()
	}
	return c.Prev()
}

func hasPrefix(b, prefix []byte) bool { return bytes.HasPrefix(b, prefix) }
