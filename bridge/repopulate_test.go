package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
)

// Repopulate rebuilds a flushed zone Redis from the store: monitors of the
// zone (scheduled ones back on the schedule), every reaction; it removes
// what the store no longer has, and running it twice changes nothing.
func TestRepopulateRebuildsAFlushedZone(t *testing.T) {
	ctx := context.Background()
	st := bolttest.Open(t)
	r := newRig(t, "z1", st)
	for _, m := range []struct {
		id    string
		zones []string
	}{{"a", []string{"z1"}}, {"b", []string{"z1", "z2"}}, {"elsewhere", []string{"z2"}}} {
		if err := st.PutMonitor(ctx, monitor(m.id, m.zones...), m.zones); err != nil {
			t.Fatal(err)
		}
	}
	paused := monitor("paused", "z1")
	paused.Paused = true
	if err := st.PutMonitor(ctx, paused, []string{"z1"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"r1", "r2"} {
		if err := st.PutReaction(ctx, reaction(id), []string{"z1"}); err != nil {
			t.Fatal(err)
		}
	}
	r.drain(t)
	dueBefore, _ := r.rdb.ZScore(ctx, r.keys.Schedule(), "a").Result()

	if err := r.rdb.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	// Stale objects Redis kept but the store lost while queue entries were
	// missed: they must go.
	r.rdb.Set(ctx, r.keys.Monitor("ghost"), `{"id":"ghost"}`, 0)
	r.rdb.ZAdd(ctx, r.keys.Schedule(), redisZ("ghost"))
	r.rdb.HSet(ctx, r.keys.Intervals(), "ghost", 1000)
	r.rdb.Set(ctx, r.keys.Reaction("ghost-r"), `{"id":"ghost-r"}`, 0)

	for round := 1; round <= 2; round++ {
		m, n, err := r.b.Repopulate(ctx)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if m != 3 || n != 2 {
			t.Errorf("round %d: restored %d monitors and %d reactions, want 3 and 2", round, m, n)
		}
		cases := []struct {
			id        string
			cached    bool
			scheduled bool
		}{{"a", true, true}, {"b", true, true}, {"paused", true, false}, {"elsewhere", false, false}, {"ghost", false, false}}
		for _, c := range cases {
			_, cached := r.cachedMonitor(t, c.id)
			if sch := r.scheduled(t, c.id) != 0; cached != c.cached || sch != c.scheduled {
				t.Errorf("round %d: %s cached=%v scheduled=%v, want %v/%v", round, c.id, cached, sch, c.cached, c.scheduled)
			}
		}
		for id, want := range map[string]bool{"r1": true, "r2": true, "ghost-r": false} {
			if _, ok := r.cachedReaction(t, id); ok != want {
				t.Errorf("round %d: reaction %s cached=%v, want %v", round, id, ok, want)
			}
		}
		if due, _ := r.rdb.ZScore(ctx, r.keys.Schedule(), "a").Result(); due != dueBefore {
			t.Errorf("round %d: a's slot moved from %v to %v: repopulate must keep the phase", round, dueBefore, due)
		}
	}
	// The re-check entries it queued converge on the same state.
	r.drain(t)
	if _, ok := r.cachedMonitor(t, "a"); !ok || r.scheduled(t, "a") == 0 {
		t.Error("applying the re-check entries lost monitor a")
	}
}

// Repopulate while the bridge runs and the web keeps editing: once both
// settle, Redis matches the store.
func TestRepopulateWhileTheZoneRuns(t *testing.T) {
	ctx := context.Background()
	st := bolttest.Open(t)
	r := newRig(t, "z1", st)
	r.run(t)
	const n = 40
	for i := range n {
		if err := st.PutMonitor(ctx, monitor(idN(i), "z1"), []string{"z1"}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() {
		// Edits racing the repopulate: every odd monitor is paused.
		for i := 1; i < n; i += 2 {
			m := monitor(idN(i), "z1")
			m.Paused = true
			if err := st.PutMonitor(ctx, m, []string{"z1"}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 3 {
		if _, _, err := r.b.Repopulate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the queue to drain", func() bool { return r.pending(t) == 0 })
	for i := range n {
		want := i%2 == 0
		if got := r.scheduled(t, idN(i)) != 0; got != want {
			t.Errorf("%s scheduled=%v, want %v", idN(i), got, want)
		}
	}
}
