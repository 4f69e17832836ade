package bolt

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func testMonitor(id string) engine.Monitor {
	return engine.Monitor{ID: id, Owner: "alice", Name: id, Zones: []string{"z1"}}
}

// A monitor write whose queue entry cannot be written leaves nothing behind.
func TestMonitorWriteIsAtomicWithItsQueueEntries(t *testing.T) {
	ctx, s := context.Background(), openTemp(t)
	if err := s.PutMonitor(ctx, testMonitor("web"), []string{"z1", ""}); err == nil {
		t.Fatal("put with an empty zone name succeeded")
	}
	if _, err := s.GetMonitor(ctx, "web"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("monitor written although its queue entries failed: %v", err)
	}
	if q, _ := s.ReadQueue(ctx, "z1", 10); len(q) != 0 {
		t.Errorf("z1 got %d entries from a failed write", len(q))
	}
}

func TestRejectsRowsWithoutID(t *testing.T) {
	ctx, s := context.Background(), openTemp(t)
	cases := []struct {
		name string
		call func() error
	}{
		{"monitor", func() error { return s.PutMonitor(ctx, testMonitor(""), nil) }},
		{"reaction", func() error { return s.PutReaction(ctx, engine.Reaction{}, nil) }},
		{"history", func() error { return s.AddHistory(ctx, engine.Result{MonitorID: "web"}) }},
		{"event", func() error { return s.AddEvents(ctx, engine.Event{MonitorID: "web"}) }},
		{"user", func() error { return s.PutUser(ctx, store.User{Email: "a@b"}) }},
		{"user email", func() error { return s.PutUser(ctx, store.User{ID: "u1"}) }},
		{"token", func() error { return s.PutToken(ctx, store.Token{UserID: "u1"}) }},
		{"ack", func() error { return s.AckQueue(ctx, "z1", "not-an-id") }},
	}
	for _, c := range cases {
		if err := c.call(); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestEmailMatchIgnoresCase(t *testing.T) {
	ctx, s := context.Background(), openTemp(t)
	if err := s.PutUser(ctx, store.User{ID: "u1", Email: "Alice@Example.com"}); err != nil {
		t.Fatal(err)
	}
	if u, err := s.GetUserByEmail(ctx, " alice@example.COM"); err != nil || u.ID != "u1" {
		t.Errorf("lookup by differently cased email: %v %v", u.ID, err)
	}
	if err := s.PutUser(ctx, store.User{ID: "u2", Email: "ALICE@example.com"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second account differing only in case: got %v, want ErrConflict", err)
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	ctx, s := context.Background(), openTemp(t)
	ch, err := s.WatchQueue(ctx, "z1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	select {
	case _, ok := <-ch:
		if ok {
			t.Error("watch channel signalled instead of closing")
		}
	case <-time.After(time.Second):
		t.Error("watch channel still open after Close")
	}
	if err := s.Enqueue(ctx, "z1", engine.QueueEntry{Op: engine.OpResult}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("write to closed store: got %v, want ErrUnavailable", err)
	}
	if _, err := s.WatchQueue(ctx, "z1"); err == nil {
		t.Error("watch on closed store succeeded")
	}
}

func TestCancelledContextIsRefused(t *testing.T) {
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.PutMonitor(ctx, testMonitor("web"), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("put with cancelled ctx: %v", err)
	}
	if _, err := s.WatchQueue(ctx, "z1"); !errors.Is(err, context.Canceled) {
		t.Errorf("watch with cancelled ctx: %v", err)
	}
}

// Prune works in chunks and leaves the indexes consistent.
func TestPruneInChunks(t *testing.T) {
	ctx, s := context.Background(), openTemp(t, WithNoSync())
	defer func(n int) { pruneChunk = n }(pruneChunk)
	pruneChunk = 7
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []engine.Result
	for i := 0; i < 50; i++ {
		at := base.Add(time.Duration(i) * time.Minute)
		rows = append(rows, engine.Result{ID: engine.ResultID("web", "z1", at), MonitorID: "web", FinishedAt: at})
	}
	if err := s.AddHistory(ctx, rows...); err != nil {
		t.Fatal(err)
	}
	n, err := s.Prune(ctx, base.Add(30*time.Minute))
	if err != nil || n != 30 {
		t.Fatalf("prune: %d, %v; want 30", n, err)
	}
	got, err := s.History(ctx, "web", store.HistoryQuery{Limit: 100})
	if err != nil || len(got) != 20 {
		t.Fatalf("history after prune: %d rows, %v; want 20", len(got), err)
	}
	// Pruned ids are forgotten, so the id index did not leak.
	if err := s.AddHistory(ctx, rows[0]); err != nil {
		t.Fatal(err)
	}
	got, _ = s.History(ctx, "web", store.HistoryQuery{Limit: 100})
	if len(got) != 21 {
		t.Errorf("re-adding a pruned row: %d rows, want 21", len(got))
	}
}
