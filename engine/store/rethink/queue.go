package rethink

import (
	"context"
	"encoding/json"
	"fmt"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine"
)

// queueRow is a zone queue entry as stored; zone_id orders a zone's queue.
type queueRow struct {
	ID       string `rethinkdb:"id"`
	Zone     string `rethinkdb:"zone"`
	Op       string `rethinkdb:"op"`
	ObjectID string `rethinkdb:"object_id"`
	// Payload is raw JSON kept as text so it comes back byte for byte.
	Payload string `rethinkdb:"payload,omitempty"`
}

func (s *Store) queueRow(zone string, e engine.QueueEntry) queueRow {
	return queueRow{ID: s.ids.next(), Zone: zone, Op: string(e.Op), ObjectID: e.ObjectID, Payload: string(e.Payload)}
}

func (row queueRow) entry() engine.QueueEntry {
	e := engine.QueueEntry{ID: row.ID, Zone: row.Zone, Op: engine.QueueOp(row.Op), ObjectID: row.ObjectID}
	if row.Payload != "" {
		e.Payload = json.RawMessage(row.Payload)
	}
	return e
}

func (s *Store) insertEntries(ctx context.Context, what string, rows []queueRow) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := s.write(ctx, what, s.table(tQueue).Insert(rows))
	return err
}

// Enqueue appends entries to zone's queue in one insert; ids are assigned
// here, in order, so a batch keeps its order.
func (s *Store) Enqueue(ctx context.Context, zone string, entries ...engine.QueueEntry) error {
	if zone == "" {
		return fmt.Errorf("enqueue: empty zone name")
	}
	rows := make([]queueRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, s.queueRow(zone, e))
	}
	return s.insertEntries(ctx, fmt.Sprintf("enqueue %d entries to zone %q", len(entries), zone), rows)
}

// ReadQueue returns up to limit entries of zone, oldest first (limit <= 0
// means 100), by a range of the zone_id index.
func (s *Store) ReadQueue(ctx context.Context, zone string, limit int) ([]engine.QueueEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	q := s.table(tQueue).
		Between([]interface{}{zone, r.MinVal}, []interface{}{zone, r.MaxVal}, r.BetweenOpts{Index: "zone_id"}).
		OrderBy(r.OrderByOpts{Index: r.Asc("zone_id")}).
		Limit(limit)
	var rows []queueRow
	if err := s.all(ctx, fmt.Sprintf("read queue of zone %q", zone), q, &rows); err != nil {
		return nil, err
	}
	out := make([]engine.QueueEntry, 0, len(rows))
	for _, row := range rows {
		out = append(out, row.entry())
	}
	return out, nil
}

// AckQueue deletes entries of zone; ids already gone (a bridge acking
// twice after a crash) and ids of other zones are left alone.
func (s *Store) AckQueue(ctx context.Context, zone string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]interface{}, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	_, err := s.write(ctx, fmt.Sprintf("ack %d entries of zone %q", len(ids), zone),
		s.table(tQueue).GetAll(keys...).Filter(map[string]interface{}{"zone": zone}).Delete())
	return err
}
