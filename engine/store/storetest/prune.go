package storetest

import (
	"testing"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// testPrune runs when the backend implements Pruner (history retention).
func testPrune(t *testing.T, f Factory) {
	ctx, s := testCtx(t), f.Open(t)
	p, ok := s.(Pruner)
	if !ok {
		t.Skipf("%T does not implement Prune", s)
	}
	var rows []engine.Result
	for sec := 0; sec < 10; sec++ {
		rows = append(rows, result("web", sec), result("db", sec))
	}
	must(t, s.AddHistory(ctx, rows...), "add history")

	n, err := p.Prune(ctx, at(5))
	must(t, err, "prune")
	if n != 10 {
		t.Errorf("pruned %d rows, want 10 (5 per monitor)", n)
	}
	for _, m := range []string{"web", "db"} {
		got, err := s.History(ctx, m, store.HistoryQuery{})
		must(t, err, "read history of "+m)
		if len(got) != 5 || !got[len(got)-1].FinishedAt.Equal(at(5)) {
			t.Errorf("%s keeps %d rows (oldest %v), want 5 from %s on", m, len(got), oldest(got), at(5))
		}
	}
	n, err = p.Prune(ctx, at(5))
	must(t, err, "prune again")
	if n != 0 {
		t.Errorf("second prune removed %d rows, want 0", n)
	}
}

func oldest(rs []engine.Result) any {
	if len(rs) == 0 {
		return nil
	}
	return rs[len(rs)-1].FinishedAt
}
