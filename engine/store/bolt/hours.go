package bolt

import (
	"bytes"
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
)

var _ store.HistoryHours = (*Store)(nil)

// HistoryHours sums a monitor's raw rows per hour, walking the same
// monitor index as History, newest first, in one read transaction.
func (s *Store) HistoryHours(ctx context.Context, monitorID string, q store.HoursQuery) (store.HourSums, error) {
	if monitorID == "" {
		return store.HourSums{}, fmt.Errorf("sum history hours: no monitor named")
	}
	var out store.HourSums
	err := s.view(ctx, fmt.Sprintf("sum history hours of monitor %q", monitorID), func(tx *bbolt.Tx) error {
		data, idx := tx.Bucket(historyKind.data), tx.Bucket(historyKind.byMonitor)
		prefix := prefixed(monitorID)
		upper := prefixEnd(prefix)
		if !q.Before.IsZero() {
			upper = concat(prefix, timeKey(q.Before))
		}
		var lower []byte
		if !q.Since.IsZero() {
			lower = timeKey(q.Since)
		}
		inRange := func(k []byte) bool {
			return k != nil && bytes.HasPrefix(k, prefix) && (lower == nil || bytes.Compare(k[len(prefix):len(prefix)+8], lower) >= 0)
		}
		sum := store.NewHourSummer(monitorID, q.MaxRows)
		c := idx.Cursor()
		k, _ := seekBefore(c, upper)
		for n := 0; inRange(k) && !sum.Full(); k, _ = c.Prev() {
			// A month of a busy monitor is a long read: let a request
			// that gave up stop it.
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			dk := k[len(prefix):]
			v := data.Get(dk)
			if v == nil {
				return fmt.Errorf("monitor index names history row %x, which does not exist", dk)
			}
			// The time is the key's; the row gives zone, status, duration.
			if err := sum.AddJSON(keyTime(dk), v); err != nil {
				return fmt.Errorf("decode history row %x: %w", dk, err)
			}
		}
		out = sum.Done(inRange(k))
		return nil
	})
	return out, err
}
