package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

// watchWait is how long a signal may take: generous, because a RethinkDB
// changefeed crosses the network.
const watchWait = 10 * time.Second

func testWatch(t *testing.T, f Factory) {
	cases := []struct {
		name  string
		write func(ctx context.Context, s store.Store) error
	}{
		{"Enqueue", func(ctx context.Context, s store.Store) error { return s.Enqueue(ctx, "z1", entry("a")) }},
		{"PutMonitor", func(ctx context.Context, s store.Store) error {
			return s.PutMonitor(ctx, monitor("web", "alice", "z1"), []string{"z2", "z1"})
		}},
		{"DeleteReaction", func(ctx context.Context, s store.Store) error {
			if err := s.PutReaction(ctx, reaction("r1", "alice"), nil); err != nil {
				return err
			}
			return s.DeleteReaction(ctx, "r1", []string{"z1"})
		}},
	}
	for _, c := range cases {
		t.Run("SignalsAfter"+c.name, func(t *testing.T) {
			ctx, s := testCtx(t), f.Open(t)
			ch, err := s.WatchQueue(ctx, "z1")
			must(t, err, "watch z1")
			must(t, c.write(ctx, s), c.name)
			select {
			case _, ok := <-ch:
				if !ok {
					t.Fatal("watch channel closed instead of signalling")
				}
			case <-time.After(watchWait):
				t.Fatalf("no signal within %s of %s", watchWait, c.name)
			}
			// The signal means the entry is readable now.
			got, err := s.ReadQueue(ctx, "z1", 10)
			must(t, err, "read z1")
			if len(got) == 0 {
				t.Error("signalled, but the queue is empty")
			}
		})
	}

	t.Run("EndsWithContext", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		wctx, cancel := context.WithCancel(ctx)
		ch, err := s.WatchQueue(wctx, "z1")
		must(t, err, "watch z1")
		cancel()
		deadline := time.After(watchWait)
		for {
			select {
			case _, ok := <-ch:
				if !ok {
					return
				}
			case <-deadline:
				t.Fatalf("watch channel still open %s after its context ended", watchWait)
			}
		}
	})
}
