package rethink

import (
	"context"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

var _ store.HistoryHours = (*Store)(nil)

// hoursPage is how many rows one read of HistoryHours fetches.
const hoursPage = 5000

// HistoryHours sums a monitor's raw rows per hour, reading them newest
// first in pages over the monitor_at index and decoding only the fields
// a sum needs.
func (s *Store) HistoryHours(ctx context.Context, monitorID string, q store.HoursQuery) (store.HourSums, error) {
	if monitorID == "" {
		return store.HourSums{}, fmt.Errorf("sum history hours: empty monitor id")
	}
	sum := store.NewHourSummer(monitorID, q.MaxRows)
	if !q.Since.IsZero() && !q.Before.IsZero() && !q.Since.Before(q.Before) {
		return sum.Done(false), nil
	}
	before := q.Before
	// Rows at a page edge may share a time; Before is exclusive, so the
	// next page starts just after the edge and skips the rows seen.
	seen := map[string]bool{}
	for {
		rows, err := s.readRecords(ctx, tHistory, monitorID, q.Since, before, hoursPage)
		if err != nil {
			return store.HourSums{}, fmt.Errorf("sum history hours of monitor %q: %w", monitorID, err)
		}
		var last string
		for _, row := range rows {
			if seen[row.ID] {
				continue
			}
			if sum.Full() {
				return sum.Done(true), nil
			}
			at, err := time.Parse(timeKeyLayout, row.At)
			if err != nil {
				return store.HourSums{}, fmt.Errorf("history row %q: time %q: %w", row.ID, row.At, err)
			}
			if err := sum.AddJSON(at, []byte(row.Body)); err != nil {
				return store.HourSums{}, fmt.Errorf("decode history row %q: %w", row.ID, err)
			}
			last = row.At
		}
		if len(rows) < hoursPage {
			return sum.Done(false), nil
		}
		if last == "" {
			// A whole page at one instant, all seen: step past it.
			before = before.Add(-time.Nanosecond)
			continue
		}
		next := map[string]bool{}
		for _, row := range rows {
			if row.At == last {
				next[row.ID] = true
			}
		}
		seen = next
		at, _ := time.Parse(timeKeyLayout, last)
		before = at.Add(time.Nanosecond)
	}
}
