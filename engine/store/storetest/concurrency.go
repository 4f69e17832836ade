package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/runbookhq/runbook/engine/store"
)

// testConcurrency: writers racing each other lose nothing. Counts are kept
// small so the suite stays fast against a networked backend.
func testConcurrency(t *testing.T, f Factory) {
	const workers, each = 8, 15
	ctx, s := testCtx(t), f.Open(t)
	must(t, s.PutReaction(ctx, reaction("r1", "alice"), nil), "put reaction")

	var wg sync.WaitGroup
	errs := make(chan error, workers*each*3)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				sec := w*each + i
				if err := s.Enqueue(ctx, "z1", entry(fmt.Sprintf("w%d-%d", w, i))); err != nil {
					errs <- fmt.Errorf("enqueue: %w", err)
				}
				if err := s.AddHistory(ctx, result("web", sec)); err != nil {
					errs <- fmt.Errorf("add history: %w", err)
				}
				if err := s.SetReactionLastRun(ctx, "r1", at(sec)); err != nil {
					errs <- fmt.Errorf("set last run: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	entries, err := s.ReadQueue(ctx, "z1", 10*workers*each)
	must(t, err, "read queue")
	if len(entries) != workers*each {
		t.Errorf("queue holds %d entries, want %d", len(entries), workers*each)
	}
	checkIDsOrdered(t, "z1", entries)
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.ObjectID] {
			t.Errorf("entry for %s queued twice", e.ObjectID)
		}
		seen[e.ObjectID] = true
	}

	rows, err := s.History(ctx, "web", store.HistoryQuery{Limit: 10 * workers * each})
	must(t, err, "read history")
	if len(rows) != workers*each {
		t.Errorf("history holds %d rows, want %d", len(rows), workers*each)
	}

	r, err := s.GetReaction(ctx, "r1")
	must(t, err, "get reaction")
	if want := at(workers*each - 1); !r.LastRun.Equal(want) {
		t.Errorf("last run %s after racing writers, want the newest %s", r.LastRun, want)
	}
}
