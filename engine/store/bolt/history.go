package bolt

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
	"github.com/runbookhq/runbook/engine/store"
)

// AddHistory stores rows; a row already stored (same monitor, time and
// ID: what a replay re-sends) is skipped.
// All rows commit together, so callers should batch (the actioner's
// write-behind replay passes hundreds at a time).
func (s *Store) AddHistory(ctx context.Context, rows ...engine.Result) error {
	if len(rows) == 0 {
		return nil
	}
	// Encoded before the write lock is taken, without reflection
	// (byte-identical to encoding/json), into one buffer.
	recs := make([]record, len(rows))
	buf := make([]byte, 0, 320*len(rows))
	for i, r := range rows {
		start := len(buf)
		var err error
		if buf, err = jsonenc.Result(buf, r); err != nil {
			return fmt.Errorf("encode history row %q: %w", r.ID, err)
		}
		recs[i] = record{id: r.ID, monitor: r.MonitorID, at: r.Time(), raw: buf[start:len(buf):len(buf)]}
	}
	return s.addHistory(ctx, recs)
}

// AddEncodedHistory stores rows the journal holds as they are: the bytes
// it writes are what AddHistory would have written for the decoded row
// (both come from jsonenc), so History and HistoryHours read them alike.
func (s *Store) AddEncodedHistory(ctx context.Context, rows []store.EncodedResult) error {
	if len(rows) == 0 {
		return nil
	}
	recs := make([]record, len(rows))
	for i, r := range rows {
		recs[i] = record{id: r.ID, monitor: r.MonitorID, at: r.At, raw: r.JSON}
	}
	return s.addHistory(ctx, recs)
}

func (s *Store) addHistory(ctx context.Context, recs []record) error {
	return s.update(ctx, fmt.Sprintf("add %d history rows", len(recs)), func(tx *bbolt.Tx) error {
		return addRecords(tx, historyKind, recs)
	})
}

// History returns a monitor's rows newest first by FinishedAt.
func (s *Store) History(ctx context.Context, monitorID string, q store.HistoryQuery) ([]engine.Result, error) {
	var out []engine.Result
	err := s.view(ctx, fmt.Sprintf("read history of monitor %q", monitorID), func(tx *bbolt.Tx) (err error) {
		if monitorID == "" {
			return fmt.Errorf("no monitor named")
		}
		out, err = readRecords[engine.Result](tx, historyKind, monitorID,
			window{since: q.Since, before: q.Before, limit: q.Limit})
		return err
	})
	return out, err
}

func (s *Store) AddEvents(ctx context.Context, events ...engine.Event) error {
	if len(events) == 0 {
		return nil
	}
	recs := make([]record, len(events))
	for i, e := range events {
		recs[i] = record{id: e.ID, monitor: e.MonitorID, at: e.At, value: e}
	}
	return s.update(ctx, fmt.Sprintf("add %d events", len(events)), func(tx *bbolt.Tx) error {
		return addRecords(tx, eventKind, recs)
	})
}

// Events returns a monitor's events ("" = every monitor), newest first by
// At; limit <= 0 means 100.
func (s *Store) Events(ctx context.Context, monitorID string, limit int) ([]engine.Event, error) {
	var out []engine.Event
	err := s.view(ctx, fmt.Sprintf("read events of monitor %q", monitorID), func(tx *bbolt.Tx) (err error) {
		out, err = readRecords[engine.Event](tx, eventKind, monitorID, window{limit: limit})
		return err
	})
	return out, err
}

func (s *Store) AddReactionLogs(ctx context.Context, logs ...engine.ReactionLog) error {
	if len(logs) == 0 {
		return nil
	}
	recs := make([]record, len(logs))
	for i, l := range logs {
		recs[i] = record{id: l.ID, monitor: l.MonitorID, at: l.At, value: l}
	}
	return s.update(ctx, fmt.Sprintf("add %d reaction logs", len(logs)), func(tx *bbolt.Tx) error {
		return addRecords(tx, logKind, recs)
	})
}

// ReactionLogs returns a monitor's reaction logs ("" = every monitor),
// newest first by At; limit <= 0 means 100.
func (s *Store) ReactionLogs(ctx context.Context, monitorID string, limit int) ([]engine.ReactionLog, error) {
	var out []engine.ReactionLog
	err := s.view(ctx, fmt.Sprintf("read reaction logs of monitor %q", monitorID), func(tx *bbolt.Tx) (err error) {
		out, err = readRecords[engine.ReactionLog](tx, logKind, monitorID, window{limit: limit})
		return err
	})
	return out, err
}
