package bolt

import (
	"context"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
	"github.com/runbookhq/runbook/engine/store"
)

// A store written before history_ids was dropped keeps working: its rows
// are still recognised when replayed, and prune empties the old id index
// along with the rows, so the file does not keep what it no longer uses.
func TestHistoryFromBeforeIDsWereDropped(t *testing.T) {
	ctx, s := context.Background(), openTemp(t, WithNoSync())
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []engine.Result
	for i := 0; i < 10; i++ {
		at := base.Add(time.Duration(i) * time.Minute)
		rows = append(rows, engine.Result{ID: engine.ResultID("web", "z1", at), MonitorID: "web", Zone: "z1", FinishedAt: at})
	}
	// The old layout: row, id → data key, monitor index.
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, r := range rows {
			dk := concat(timeKey(r.FinishedAt), []byte(r.ID))
			v, _ := jsonenc.Result(nil, r)
			if err := tx.Bucket(bucketHistory).Put(dk, v); err != nil {
				return err
			}
			if err := tx.Bucket(bucketHistoryIDs).Put([]byte(r.ID), dk); err != nil {
				return err
			}
			if err := tx.Bucket(bucketHistoryByMonitor).Put(concat(prefixed(r.MonitorID), dk), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddHistory(ctx, rows...); err != nil {
		t.Fatalf("replaying old rows: %v", err)
	}
	got, err := s.History(ctx, "web", store.HistoryQuery{})
	if err != nil || len(got) != 10 {
		t.Fatalf("after replaying the old rows: %d rows, %v; want 10", len(got), err)
	}
	if n, err := s.Prune(ctx, base.Add(5*time.Minute)); err != nil || n != 5 {
		t.Fatalf("prune: %d, %v; want 5", n, err)
	}
	left := 0
	_ = s.db.View(func(tx *bbolt.Tx) error {
		left = tx.Bucket(bucketHistoryIDs).Stats().KeyN
		return nil
	})
	if left != 5 {
		t.Errorf("old id index holds %d ids after prune, want the 5 rows still stored", left)
	}
}

// New rows no longer add to the id index, and a replay within and across
// calls still stores each row once.
func TestHistoryReplayWithoutIDIndex(t *testing.T) {
	ctx, s := context.Background(), openTemp(t, WithNoSync())
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []engine.Result
	for i := 0; i < 300; i++ {
		at := base.Add(time.Duration(i) * time.Second)
		mon := []string{"a", "b", "c"}[i%3]
		rows = append(rows, engine.Result{ID: engine.ResultID(mon, "z1", at), MonitorID: mon, Zone: "z1",
			Status: engine.StatusHealthy, ScheduledAt: at, FinishedAt: at.Add(time.Millisecond)})
	}
	if err := s.AddHistory(ctx, append(rows[:200:200], rows[100:]...)...); err != nil {
		t.Fatal(err)
	}
	if err := s.AddHistory(ctx, rows...); err != nil {
		t.Fatal(err)
	}
	for _, mon := range []string{"a", "b", "c"} {
		got, err := s.History(ctx, mon, store.HistoryQuery{Limit: 1000})
		if err != nil || len(got) != 100 {
			t.Errorf("monitor %s: %d rows, %v; want 100", mon, len(got), err)
		}
	}
	_ = s.db.View(func(tx *bbolt.Tx) error {
		if n := tx.Bucket(bucketHistoryIDs).Stats().KeyN; n != 0 {
			t.Errorf("id index holds %d ids, want none", n)
		}
		return nil
	})
}
