package rethink

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/rethink/rethinktest"
	"github.com/runbookhq/runbook/internal/loopback"
)

// faultStore is a store on a test server the test can break.
func faultStore(t *testing.T) (*rethinktest.Server, *Store) {
	srv := rethinktest.New(t, rethinktest.Options{Password: "pw"})
	s := openStore(t, Options{Addresses: []string{srv.Addr()}, Password: "pw", WatchRetry: 20 * time.Millisecond})
	return srv, s
}

func testMonitor(id string) engine.Monitor {
	return engine.Monitor{ID: id, Owner: "alice", Name: id, Kind: engine.KindScheduled, Check: "http-status",
		Interval: engine.Duration(time.Minute), Zones: []string{"z1"}, Status: engine.StatusPending}
}

// TestRefusedWritesAreUnavailable: every kind of write fails with
// store.ErrUnavailable while the server refuses writes, reads keep
// working, and writes work again once it accepts them.
func TestRefusedWritesAreUnavailable(t *testing.T) {
	srv, s := faultStore(t)
	ctx := testCtx(t)
	if err := s.PutMonitor(ctx, testMonitor("web"), []string{"z1"}); err != nil {
		t.Fatal(err)
	}
	srv.RefuseWrites(true)
	writes := []struct {
		name string
		do   func() error
	}{
		{"PutMonitor", func() error { return s.PutMonitor(ctx, testMonitor("db"), nil) }},
		{"SetMonitorStatus", func() error { return s.SetMonitorStatus(ctx, "web", engine.StatusFailed, time.Now()) }},
		{"AddHistory", func() error {
			return s.AddHistory(ctx, engine.Result{ID: "h1", MonitorID: "web", FinishedAt: time.Now()})
		}},
		{"AddEvents", func() error { return s.AddEvents(ctx, engine.Event{ID: "e1", MonitorID: "web"}) }},
		{"AddReactionLogs", func() error { return s.AddReactionLogs(ctx, engine.ReactionLog{ID: "l1", MonitorID: "web"}) }},
		{"Enqueue", func() error {
			return s.Enqueue(ctx, "z1", engine.QueueEntry{Op: engine.OpUpsertMonitor, ObjectID: "x"})
		}},
		{"AckQueue", func() error { return s.AckQueue(ctx, "z1", "nope") }},
		{"PutUser", func() error { return s.PutUser(ctx, store.User{ID: "u1", Email: "a@example.com"}) }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			if err := w.do(); !errors.Is(err, store.ErrUnavailable) {
				t.Fatalf("got %v, want an error wrapping store.ErrUnavailable", err)
			}
		})
	}
	if _, err := s.GetMonitor(ctx, "web"); err != nil {
		t.Errorf("reads should work while writes are refused: %v", err)
	}
	srv.RefuseWrites(false)
	if err := s.PutMonitor(ctx, testMonitor("db"), nil); err != nil {
		t.Errorf("write after the server accepts writes again: %v", err)
	}
}

// TestDroppedConnectionsReconnect: after the server drops every
// connection, the next call of each kind succeeds on a new one.
func TestDroppedConnectionsReconnect(t *testing.T) {
	srv, s := faultStore(t)
	ctx := testCtx(t)
	if err := s.PutMonitor(ctx, testMonitor("web"), nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if n := srv.DropConnections(); n == 0 {
			t.Fatal("no connection to drop")
		}
		if _, err := s.GetMonitor(ctx, "web"); err != nil {
			t.Fatalf("round %d: read after drop: %v", i, err)
		}
		srv.DropConnections()
		if err := s.SetMonitorStatus(ctx, "web", engine.StatusHealthy, time.Now()); err != nil {
			t.Fatalf("round %d: write after drop: %v", i, err)
		}
	}
}

// TestWatchSurvivesDroppedConnections: a watch whose feed the server drops
// re-opens it, signals once (entries may have come meanwhile) and then
// signals for new entries again.
func TestWatchSurvivesDroppedConnections(t *testing.T) {
	srv, s := faultStore(t)
	ctx := testCtx(t)
	ch, err := s.WatchQueue(ctx, "z1")
	if err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	waitSignal(t, ch, "after the feed was dropped")
	if err := s.Enqueue(ctx, "z1", engine.QueueEntry{Op: engine.OpUpsertMonitor, ObjectID: "a"}); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, ch, "for an entry added after the reconnect")
}

// TestWatchIgnoresOtherZonesAndAcks: only new entries of the zone signal.
func TestWatchIgnoresOtherZonesAndAcks(t *testing.T) {
	_, s := faultStore(t)
	ctx := testCtx(t)
	if err := s.Enqueue(ctx, "z1", engine.QueueEntry{Op: engine.OpUpsertMonitor, ObjectID: "a"}); err != nil {
		t.Fatal(err)
	}
	ch, err := s.WatchQueue(ctx, "z1")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.ReadQueue(ctx, "z1", 10)
	if err != nil || len(entries) != 1 {
		t.Fatalf("read z1: %v, %v", entries, err)
	}
	if err := s.AckQueue(ctx, "z1", entries[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(ctx, "z2", engine.QueueEntry{Op: engine.OpUpsertMonitor, ObjectID: "b"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
		t.Fatal("signalled for an ack or another zone's entry")
	case <-time.After(200 * time.Millisecond):
	}
}

func waitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("watch channel closed, want a signal %s", what)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no signal %s", what)
	}
}

// TestUnreachableIsUnavailable: no server at all, and a server that goes
// away under an open store, both read as store.ErrUnavailable.
func TestUnreachableIsUnavailable(t *testing.T) {
	port, err := loopback.Port() // reserved, so nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	ctx := testCtx(t)
	if _, err := Open(ctx, Options{Addresses: []string{addr}, DialTimeout: time.Second}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("open with no server: got %v, want store.ErrUnavailable", err)
	}

	srv, s := faultStore(t)
	srv.Close()
	if _, err := s.GetMonitor(ctx, "web"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("read after the server went away: got %v, want store.ErrUnavailable", err)
	}
	if err := s.Enqueue(ctx, "z1", engine.QueueEntry{Op: engine.OpUpsertMonitor, ObjectID: "a"}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("write after the server went away: got %v, want store.ErrUnavailable", err)
	}
}

// TestCloseEndsWatches: closing the store closes its watch channels.
func TestCloseEndsWatches(t *testing.T) {
	_, s := faultStore(t)
	ch, err := s.WatchQueue(testCtx(t), "z1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel still open after Close")
		}
	}
}
