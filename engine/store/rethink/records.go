package rethink

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// recordRow is a history row, event or reaction log as stored: At is the
// sortable key of its time (FinishedAt for history), indexed with the
// monitor id as monitor_at and alone as at.
type recordRow struct {
	ID        string `rethinkdb:"id"`
	MonitorID string `rethinkdb:"monitor_id"`
	At        string `rethinkdb:"at"`
	Body      string `rethinkdb:"body"`
}

// defaultLimit is what a read returns when the caller gives no limit.
const defaultLimit = 100

func toRecordRow(kind, id, monitor string, at time.Time, v any) (recordRow, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return recordRow{}, fmt.Errorf("encode %s %q: %w", kind, id, err)
	}
	return recordRow{ID: id, MonitorID: monitor, At: timeKey(at), Body: string(b)}, nil
}

// addRecords inserts rows keeping any row whose id is already stored, so a
// replayed write-behind log or a re-sent job adds nothing. Duplicates
// within one call are dropped here, before RethinkDB sees them.
func (s *Store) addRecords(ctx context.Context, table string, rows []recordRow) error {
	if len(rows) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(rows))
	uniq := rows[:0:0]
	for _, row := range rows {
		if !seen[row.ID] {
			seen[row.ID] = true
			uniq = append(uniq, row)
		}
	}
	_, err := s.write(ctx, fmt.Sprintf("add %d rows to %s", len(uniq), table),
		s.table(table).Insert(uniq, r.InsertOpts{Conflict: keepOld}))
	return err
}

// readRecords returns a monitor's rows ("" = every monitor) with at in
// [since, before), newest first; zero times leave that side open.
func (s *Store) readRecords(ctx context.Context, table, monitor string, since, before time.Time, limit int) ([]recordRow, error) {
	if limit <= 0 {
		limit = defaultLimit
	}
	var lo, hi interface{} = r.MinVal, r.MaxVal
	if !since.IsZero() {
		lo = timeKey(since)
	}
	if !before.IsZero() {
		hi = timeKey(before)
	}
	index := "at"
	if monitor != "" {
		index = "monitor_at"
		lo, hi = []interface{}{monitor, lo}, []interface{}{monitor, hi}
	}
	q := s.table(table).
		Between(lo, hi, r.BetweenOpts{Index: index}).
		OrderBy(r.OrderByOpts{Index: r.Desc(index)}).
		Limit(limit)
	var rows []recordRow
	if err := s.all(ctx, fmt.Sprintf("read %s of monitor %q", table, monitor), q, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

func decodeRows[T any](kind string, rows []recordRow) ([]T, error) {
	out := make([]T, 0, len(rows))
	for _, row := range rows {
		var v T
		if err := json.Unmarshal([]byte(row.Body), &v); err != nil {
			return nil, fmt.Errorf("decode %s %q: %w", kind, row.ID, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Store) AddHistory(ctx context.Context, results ...engine.Result) error {
	rows := make([]recordRow, 0, len(results))
	for _, res := range results {
		row, err := toRecordRow("history row", res.ID, res.MonitorID, res.FinishedAt, res)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	return s.addRecords(ctx, tHistory, rows)
}

func (s *Store) History(ctx context.Context, monitorID string, q store.HistoryQuery) ([]engine.Result, error) {
	if monitorID == "" {
		return nil, fmt.Errorf("read history: empty monitor id")
	}
	if !q.Since.IsZero() && !q.Before.IsZero() && !q.Since.Before(q.Before) {
		return nil, nil
	}
	rows, err := s.readRecords(ctx, tHistory, monitorID, q.Since, q.Before, q.Limit)
	if err != nil {
		return nil, err
	}
	return decodeRows[engine.Result]("history row", rows)
}

func (s *Store) AddEvents(ctx context.Context, events ...engine.Event) error {
	rows := make([]recordRow, 0, len(events))
	for _, e := range events {
		row, err := toRecordRow("event", e.ID, e.MonitorID, e.At, e)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	return s.addRecords(ctx, tEvents, rows)
}

func (s *Store) Events(ctx context.Context, monitorID string, limit int) ([]engine.Event, error) {
	rows, err := s.readRecords(ctx, tEvents, monitorID, time.Time{}, time.Time{}, limit)
	if err != nil {
		return nil, err
	}
	return decodeRows[engine.Event]("event", rows)
}

func (s *Store) AddReactionLogs(ctx context.Context, logs ...engine.ReactionLog) error {
	rows := make([]recordRow, 0, len(logs))
	for _, l := range logs {
		row, err := toRecordRow("reaction log", l.ID, l.MonitorID, l.At, l)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	return s.addRecords(ctx, tReactionLogs, rows)
}

func (s *Store) ReactionLogs(ctx context.Context, monitorID string, limit int) ([]engine.ReactionLog, error) {
	rows, err := s.readRecords(ctx, tReactionLogs, monitorID, time.Time{}, time.Time{}, limit)
	if err != nil {
		return nil, err
	}
	return decodeRows[engine.ReactionLog]("reaction log", rows)
}

// Prune deletes raw history rows that finished before the given time
// (retention) and reports how many went.
func (s *Store) Prune(ctx context.Context, before time.Time) (int, error) {
	res, err := s.write(ctx, fmt.Sprintf("prune history before %s", before.Format(time.RFC3339)),
		s.table(tHistory).Between(r.MinVal, timeKey(before), r.BetweenOpts{Index: "at"}).Delete())
	return res.Deleted, err
}
