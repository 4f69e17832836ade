package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// pruneChunk bounds one retention transaction, so pruning a month of
// history never holds the writer lock (or a huge dirty page set) for long.
var pruneChunk = 5000

// Prune deletes raw history rows that finished before before and reports
// how many went. It commits in chunks and stops between chunks when ctx
// ends. Rollups (uptime %, response times kept for a year) are not built
// yet: pruning today drops the rows outright.
func (s *Store) Prune(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := s.update(ctx, fmt.Sprintf("prune history before %s", before.Format(time.RFC3339)), func(tx *bbolt.Tx) (err error) {
			n, err = pruneRecords(tx, historyKind, before, pruneChunk)
			return err
		})
		total += n
		if err != nil {
			return total, err
		}
		if n < pruneChunk {
			return total, nil
		}
	}
}

// pruneRecords deletes up to max of k's oldest rows older than before,
// with their index entries. Keys are collected first because deleting
// under a moving bbolt cursor can skip entries.
func pruneRecords(tx *bbolt.Tx, k recordKind, before time.Time, max int) (int, error) {
	data, idx := tx.Bucket(k.data), tx.Bucket(k.byMonitor)
	var ids *bbolt.Bucket
	switch {
	case k.ids != nil:
		ids = tx.Bucket(k.ids)
	case k.legacyIDs != nil:
		ids = tx.Bucket(k.legacyIDs)
	}
	bound := timeKey(before)
	type victim struct{ key, monitorKey []byte }
	var victims []victim
	c := data.Cursor()
	for key, val := c.First(); key != nil && len(victims) < max; key, val = c.Next() {
		if bytes.Compare(key[:8], bound) >= 0 {
			break
		}
		var row struct {
			MonitorID string `json:"monitor_id"`
		}
		if err := json.Unmarshal(val, &row); err != nil {
			return 0, fmt.Errorf("decode %s %x: %w", k.name, key, err)
		}
		dk := append([]byte(nil), key...)
		victims = append(victims, victim{key: dk, monitorKey: concat(prefixed(row.MonitorID), dk)})
	}
	for _, v := range victims {
		if err := data.Delete(v.key); err != nil {
			return 0, err
		}
		if ids != nil {
			if err := ids.Delete(v.key[8:]); err != nil {
				return 0, err
			}
		}
		if err := idx.Delete(v.monitorKey); err != nil {
			return 0, err
		}
	}
	return len(victims), nil
}
