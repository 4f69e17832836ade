package rethink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// tRollups holds hourly and daily rollups. It is created by the first
// Retain or Rollups call rather than by a schema migration: older binaries
// ignore a table they do not know, so no version bump is needed.
const tRollups = "rollups"

var rollupIndexes = []indexSpec{
	{"monitor_period_start", []string{"monitor_id", "period", "start"}},
	{"period_start", []string{"period", "start"}},
}

var _ store.Rollups = (*Store)(nil)

// rollupRow is a rollup as stored: the fields the indexes need, and the
// rollup itself as JSON. The id is a hash of the rollup's key because
// monitor and zone ids together may exceed RethinkDB's 127-byte keys.
type rollupRow struct {
	ID        string `rethinkdb:"id"`
	MonitorID string `rethinkdb:"monitor_id"`
	Period    string `rethinkdb:"period"`
	Start     string `rethinkdb:"start"`
	Body      string `rethinkdb:"body"`
}

func toRollupRow(ru store.Rollup) (rollupRow, error) {
	b, err := json.Marshal(ru)
	if err != nil {
		return rollupRow{}, fmt.Errorf("encode rollup %s: %w", ru.Key(), err)
	}
	h := sha256.Sum256([]byte(ru.Key()))
	return rollupRow{ID: hex.EncodeToString(h[:]), MonitorID: ru.MonitorID, Period: string(ru.Period), Start: timeKey(ru.Start), Body: string(b)}, nil
}

// rollupTables remembers per store that the table exists; a failed
// attempt is retried on the next call.
var rollupTables sync.Map // *Store → *rollupTable

type rollupTable struct {
	mu    sync.Mutex
	ready bool
}

func (s *Store) ensureRollups(ctx context.Context) error {
	v, _ := rollupTables.LoadOrStore(s, &rollupTable{})
	rt := v.(*rollupTable)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.ready {
		return nil
	}
	var tables []string
	if err := s.all(ctx, "list tables", s.db.TableList(), &tables); err != nil {
		return err
	}
	if !slices.Contains(tables, tRollups) {
		if err := s.createTable(ctx, tRollups); err != nil {
			return err
		}
	}
	if err := s.ensureIndexes(ctx, tRollups, rollupIndexes); err != nil {
		return err
	}
	rt.ready = true
	return nil
}

// Retain rolls old raw history into hourly and daily rollups and prunes it
// (see store.RunRetain), under a lease row in the meta table so zones
// sharing the cluster take turns.
func (s *Store) Retain(ctx context.Context, now time.Time, p store.RetentionPolicy) (store.RetainReport, error) {
	if err := s.ensureRollups(ctx); err != nil {
		return store.RetainReport{}, err
	}
	l := &lease{s: s, holder: newLeaseHolder()}
	if err := l.renew(ctx); err != nil {
		return store.RetainReport{}, err
	}
	defer l.release(context.WithoutCancel(ctx))
	return store.RunRetain(ctx, leasedOps{retainOps{s}, l}, now, p)
}

// Rollups returns a monitor's rollups of q.Period, newest first.
func (s *Store) Rollups(ctx context.Context, monitorID string, q store.RollupQuery) ([]store.Rollup, error) {
	if err := s.ensureRollups(ctx); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	var lo, hi interface{} = r.MinVal, r.MaxVal
	if !q.Since.IsZero() {
		lo = timeKey(q.Since)
	}
	if !q.Before.IsZero() {
		hi = timeKey(q.Before)
	}
	period := string(q.Period)
	if period == "" {
		period = string(store.PeriodHour)
	}
	query := s.table(tRollups).
		Between([]interface{}{monitorID, period, lo}, []interface{}{monitorID, period, hi}, r.BetweenOpts{Index: "monitor_period_start"}).
		OrderBy(r.OrderByOpts{Index: r.Desc("monitor_period_start")}).
		Limit(limit)
	var rows []rollupRow
	if err := s.all(ctx, fmt.Sprintf("read %s rollups of monitor %q", period, monitorID), query, &rows); err != nil {
		return nil, err
	}
	out := make([]store.Rollup, 0, len(rows))
	for _, row := range rows {
		var ru store.Rollup
		if err := json.Unmarshal([]byte(row.Body), &ru); err != nil {
			return nil, fmt.Errorf("decode rollup %s: %w", row.ID, err)
		}
		out = append(out, ru)
	}
	return out, nil
}

// retainOps gives store.RunRetain the primitives it needs.
type retainOps struct{ s *Store }

// rollupBatch bounds one insert.
const rollupBatch = 1000

func (o retainOps) FirstRaw(ctx context.Context, from time.Time) (time.Time, bool, error) {
	var lo interface{} = r.MinVal
	if !from.IsZero() {
		lo = timeKey(from)
	}
	q := o.s.table(tHistory).Between(lo, r.MaxVal, r.BetweenOpts{Index: "at"}).OrderBy(r.OrderByOpts{Index: "at"}).Limit(1)
	var rows []recordRow
	if err := o.s.all(ctx, "find oldest raw history row", q, &rows); err != nil {
		return time.Time{}, false, err
	}
	if len(rows) == 0 {
		return time.Time{}, false, nil
	}
	at, err := time.Parse(timeKeyLayout, rows[0].At)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("history row %s has time key %q: %w", rows[0].ID, rows[0].At, err)
	}
	return at, true, nil
}

// ScanRaw streams the rows through a cursor: against a real server the
// driver fetches them in batches, so an hour of a large zone never sits in
// memory at once.
func (o retainOps) ScanRaw(ctx context.Context, from, to time.Time, fn func(engine.Result) error) error {
	q := o.s.table(tHistory).Between(timeKey(from), timeKey(to), r.BetweenOpts{Index: "at"})
	return stream(ctx, o.s, "scan raw history", q, func(row recordRow) error {
		var res engine.Result
		if err := json.Unmarshal([]byte(row.Body), &res); err != nil {
			return fmt.Errorf("decode history row %q: %w", row.ID, err)
		}
		return fn(res)
	})
}

func (o retainOps) AddRollups(ctx context.Context, rs []store.Rollup) error {
	return o.insertRollups(ctx, rs, keepOld)
}

func (o retainOps) PutRollups(ctx context.Context, rs []store.Rollup) error {
	return o.insertRollups(ctx, rs, "replace")
}

func (o retainOps) insertRollups(ctx context.Context, rs []store.Rollup, conflict interface{}) error {
	for len(rs) > 0 {
		chunk := rs[:min(len(rs), rollupBatch)]
		rs = rs[len(chunk):]
		rows := make([]rollupRow, len(chunk))
		for i, ru := range chunk {
			row, err := toRollupRow(ru)
			if err != nil {
				return err
			}
			rows[i] = row
		}
		if _, err := o.s.write(ctx, fmt.Sprintf("write %d rollups", len(rows)),
			o.s.table(tRollups).Insert(rows, r.InsertOpts{Conflict: conflict})); err != nil {
			return err
		}
	}
	return nil
}

func (o retainOps) ScanRollups(ctx context.Context, p store.Period, from, to time.Time, fn func(store.Rollup) error) error {
	q := o.s.table(tRollups).Between([]interface{}{string(p), timeKey(from)}, []interface{}{string(p), timeKey(to)},
		r.BetweenOpts{Index: "period_start"})
	return stream(ctx, o.s, fmt.Sprintf("scan %s rollups", p), q, func(row rollupRow) error {
		var ru store.Rollup
		if err := json.Unmarshal([]byte(row.Body), &ru); err != nil {
			return fmt.Errorf("decode rollup %s: %w", row.ID, err)
		}
		return fn(ru)
	})
}

func (o retainOps) DeleteRaw(ctx context.Context, before time.Time) (int, error) {
	return o.s.Prune(ctx, before)
}

func (o retainOps) ExpireRollups(ctx context.Context, p store.Period, before time.Time) (int, error) {
	res, err := o.s.write(ctx, fmt.Sprintf("expire %s rollups before %s", p, before.Format(time.RFC3339)),
		o.s.table(tRollups).Between([]interface{}{string(p), r.MinVal}, []interface{}{string(p), timeKey(before)},
			r.BetweenOpts{Index: "period_start"}).Delete())
	return res.Deleted, err
}

// stream runs q and calls fn for each row as the cursor yields it.
func stream[T any](ctx context.Context, s *Store, what string, q r.Term, fn func(T) error) error {
	cur, err := q.Run(s.sess, runOpts(ctx))
	if err != nil {
		return wrap(ctx, what, err)
	}
	defer cur.Close()
	var row T
	for cur.Next(&row) {
		if err := fn(row); err != nil {
			return err
		}
		var zero T
		row = zero
	}
	return wrap(ctx, what, cur.Err())
}
