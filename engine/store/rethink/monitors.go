package rethink

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// monitorRow is a monitor as stored. Status lives beside the body because
// SetMonitorStatus changes it alone, without reading the body.
type monitorRow struct {
	ID       string `rethinkdb:"id"`
	Owner    string `rethinkdb:"owner"`
	Status   string `rethinkdb:"status"`
	StatusAt string `rethinkdb:"status_at"`
	Body     string `rethinkdb:"body"`
}

func toMonitorRow(m engine.Monitor) (monitorRow, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return monitorRow{}, fmt.Errorf("encode monitor %q: %w", m.ID, err)
	}
	return monitorRow{ID: m.ID, Owner: m.Owner, Status: string(m.Status), StatusAt: timeText(m.StatusAt), Body: string(b)}, nil
}

func (row monitorRow) monitor() (engine.Monitor, error) {
	var m engine.Monitor
	if err := json.Unmarshal([]byte(row.Body), &m); err != nil {
		return m, fmt.Errorf("decode monitor %q: %w", row.ID, err)
	}
	at, err := parseTimeText("status_at", row.StatusAt)
	if err != nil {
		return m, fmt.Errorf("decode monitor %q: %w", row.ID, err)
	}
	m.Status, m.StatusAt = engine.Status(row.Status), at
	return m, nil
}

// PutMonitor replaces the monitor, then queues an upsert for each zone in
// notify. RethinkDB has no multi-table transaction: the monitor is written
// first so a bridge that sees the entry reads the new monitor; if queueing
// fails the error is returned and the caller's retry re-queues.
func (s *Store) PutMonitor(ctx context.Context, m engine.Monitor, notify []string) error {
	row, err := toMonitorRow(m)
	if err != nil {
		return err
	}
	if _, err := s.write(ctx, fmt.Sprintf("put monitor %q", m.ID),
		s.table(tMonitors).Insert(row, r.InsertOpts{Conflict: "replace"})); err != nil {
		return err
	}
	return s.notify(ctx, notify, engine.OpUpsertMonitor, m.ID)
}

func (s *Store) GetMonitor(ctx context.Context, id string) (engine.Monitor, error) {
	var row monitorRow
	found, err := s.one(ctx, fmt.Sprintf("get monitor %q", id), s.table(tMonitors).Get(id), &row)
	if err != nil {
		return engine.Monitor{}, err
	}
	if !found {
		return engine.Monitor{}, fmt.Errorf("get monitor %q: %w", id, store.ErrNotFound)
	}
	return row.monitor()
}

func (s *Store) ListMonitors(ctx context.Context, owner string) ([]engine.Monitor, error) {
	var rows []monitorRow
	if err := s.all(ctx, fmt.Sprintf("list monitors of %q", owner), byOwner(s.table(tMonitors), owner), &rows); err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	out := make([]engine.Monitor, 0, len(rows))
	for _, row := range rows {
		m, err := row.monitor()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// byOwner selects an owner's rows through the owner index ("" = all rows).
func byOwner(t r.Term, owner string) r.Term {
	if owner == "" {
		return t
	}
	return t.GetAll(owner).OptArgs(r.GetAllOpts{Index: "owner"})
}

// DeleteMonitor removes the monitor and queues a delete for notify; a
// missing monitor is store.ErrNotFound and queues nothing.
func (s *Store) DeleteMonitor(ctx context.Context, id string, notify []string) error {
	what := fmt.Sprintf("delete monitor %q", id)
	res, err := s.write(ctx, what, s.table(tMonitors).Get(id).Delete())
	if err != nil {
		return err
	}
	if res.Deleted == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return s.notify(ctx, notify, engine.OpDeleteMonitor, id)
}

func (s *Store) SetMonitorStatus(ctx context.Context, id string, st engine.Status, at time.Time) error {
	what := fmt.Sprintf("set status of monitor %q", id)
	res, err := s.write(ctx, what, s.table(tMonitors).Get(id).Update(map[string]interface{}{
		"status": string(st), "status_at": timeText(at),
	}))
	if err != nil {
		return err
	}
	if res.Skipped > 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// notify queues op for obj in every zone named, in one insert.
func (s *Store) notify(ctx context.Context, zones []string, op engine.QueueOp, obj string) error {
	rows := make([]queueRow, 0, len(zones))
	for _, z := range zones {
		rows = append(rows, s.queueRow(z, engine.QueueEntry{Op: op, ObjectID: obj}))
	}
	return s.insertEntries(ctx, fmt.Sprintf("queue %s %q for zones %v", op, obj, zones), rows)
}
