package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// defaultLimit applies when a caller asks for "no limit": reads of
// append-only data are always bounded.
const defaultLimit = 100

// recordKind describes an append-only, idempotent record type. Rows live in
// data keyed by time+id (so retention is a range from the front), and
// byMonitor indexes monitor+time+id (so one monitor's newest rows are one
// short range). ids, when set, maps id → data key, so a repeated add with
// the same id is skipped whatever its time says.
//
// History has no ids bucket: at 10,000 rows a second it was a second
// B+tree insert at a random place per row (a page copied and written per
// row per commit). A history row's id names its monitor, zone and
// scheduled time, and a replayed row is byte for byte the row the journal
// sent before, so its byMonitor key already says whether it is stored.
type recordKind struct {
	name      string
	data      []byte
	ids       []byte
	byMonitor []byte
	// legacyIDs is an ids bucket stores written before it was dropped
	// still hold; prune keeps emptying it.
	legacyIDs []byte
}

var (
	historyKind = recordKind{"history row", bucketHistory, nil, bucketHistoryByMonitor, bucketHistoryIDs}
	eventKind   = recordKind{"event", bucketEvents, bucketEventIDs, bucketEventsByMonitor, nil}
	logKind     = recordKind{"reaction log", bucketLogs, bucketLogIDs, bucketLogsByMonitor, nil}
)

// record is one row on its way in: the fields the keys need, and the value
// (raw when the caller encoded it already, otherwise value for json).
type record struct {
	id      string
	monitor string
	at      time.Time
	value   any
	raw     []byte
}

// appendFill is the fill of data pages: rows arrive in time order, so
// pages split at the end and are never written again; bbolt's default
// (half full) would double the pages written and the file.
const appendFill = 0.9

// addRecords stores each record unless it is already there, which is what
// makes write-behind replay exactly-once. Index entries are written in key
// order, so rows of neighbouring monitors share the walk down the tree.
func addRecords(tx *bbolt.Tx, k recordKind, recs []record) error {
	data, idx := tx.Bucket(k.data), tx.Bucket(k.byMonitor)
	data.FillPercent = appendFill
	var ids *bbolt.Bucket
	if k.ids != nil {
		ids = tx.Bucket(k.ids)
	}
	idxKeys := make([][]byte, 0, len(recs))
	seen := make(map[string]struct{}, len(recs))
	for i, r := range recs {
		if r.id == "" {
			return fmt.Errorf("%s %d of %d has no id", k.name, i+1, len(recs))
		}
		dk := concat(timeKey(r.at), []byte(r.id))
		ik := concat(prefixed(r.monitor), dk)
		if ids != nil && ids.Get([]byte(r.id)) != nil {
			continue
		}
		if ids == nil {
			if _, dup := seen[string(ik)]; dup || idx.Get(ik) != nil {
				continue
			}
			seen[string(ik)] = struct{}{}
		}
		v := r.raw
		if v == nil {
			var err error
			if v, err = json.Marshal(r.value); err != nil {
				return fmt.Errorf("encode %s %q: %w", k.name, r.id, err)
			}
		}
		if err := data.Put(dk, v); err != nil {
			return fmt.Errorf("store %s %q: %w", k.name, r.id, err)
		}
		if ids != nil {
			if err := ids.Put([]byte(r.id), dk); err != nil {
				return fmt.Errorf("index %s %q by id: %w", k.name, r.id, err)
			}
		}
		idxKeys = append(idxKeys, ik)
	}
	slices.SortFunc(idxKeys, bytes.Compare)
	for _, ik := range idxKeys {
		if err := idx.Put(ik, nil); err != nil {
			return fmt.Errorf("index %s %x by monitor: %w", k.name, ik, err)
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
