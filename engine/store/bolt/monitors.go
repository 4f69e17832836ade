package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
)

// PutMonitor creates or replaces m and queues OpUpsertMonitor for every
// zone in notify, in one transaction.
func (s *Store) PutMonitor(ctx context.Context, m engine.Monitor, notify []string) error {
	return s.update(ctx, fmt.Sprintf("put monitor %q", m.ID), func(tx *bbolt.Tx) error {
		return s.putObject(tx, monitorKind, m.ID, m.Owner, m, notify)
	})
}

func (s *Store) GetMonitor(ctx context.Context, id string) (engine.Monitor, error) {
	var m engine.Monitor
	err := s.view(ctx, fmt.Sprintf("get monitor %q", id), func(tx *bbolt.Tx) error {
		return getObject(tx, monitorKind, id, &m)
	})
	return m, err
}

func (s *Store) ListMonitors(ctx context.Context, owner string) ([]engine.Monitor, error) {
	var out []engine.Monitor
	err := s.view(ctx, fmt.Sprintf("list monitors of owner %q", owner), func(tx *bbolt.Tx) (err error) {
		out, err = listObjects[engine.Monitor](tx, monitorKind, owner)
		return err
	})
	return out, err
}

func (s *Store) DeleteMonitor(ctx context.Context, id string, notify []string) error {
	return s.update(ctx, fmt.Sprintf("delete monitor %q", id), func(tx *bbolt.Tx) error {
		return s.deleteObject(tx, monitorKind, id, notify)
	})
}

// SetMonitorStatus rewrites only Status and StatusAt; nothing is queued.
func (s *Store) SetMonitorStatus(ctx context.Context, id string, st engine.Status, at time.Time) error {
	return s.update(ctx, fmt.Sprintf("set status of monitor %q", id), func(tx *bbolt.Tx) error {
		var m engine.Monitor
		if err := getObject(tx, monitorKind, id, &m); err != nil {
			return err
		}
		m.Status, m.StatusAt = st, at
		v, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		return tx.Bucket(bucketMonitors).Put([]byte(id), v)
	})
}
