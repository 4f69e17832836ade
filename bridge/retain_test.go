package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/bolt/bolttest"
)

// A running bridge rolls up and prunes raw history older than the
// retention on its own, and keeps what is recent.
func TestBridgeRunsRetention(t *testing.T) {
	ctx := context.Background()
	st := bolttest.Open(t)
	r := newRig(t, "z1", st)
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	r.b.Now = func() time.Time { return now }
	r.b.RetainEvery = 50 * time.Millisecond
	var rows []engine.Result
	for i, age := range []time.Duration{40 * 24 * time.Hour, 35 * 24 * time.Hour, time.Hour} {
		at := now.Add(-age)
		rows = append(rows, engine.Result{ID: engine.ResultID("shop", "z1", at), MonitorID: "shop", Zone: "z1",
			Status: engine.StatusHealthy, Duration: engine.Duration(time.Duration(i+1) * time.Millisecond), FinishedAt: at})
	}
	if err := st.AddHistory(ctx, rows...); err != nil {
		t.Fatal(err)
	}
	r.run(t)
	waitFor(t, 5*time.Second, "old history to be rolled up", func() bool {
		rs, err := st.Rollups(ctx, "shop", store.RollupQuery{Period: store.PeriodDay})
		return err == nil && len(rs) == 2
	})
	waitFor(t, 5*time.Second, "old raw rows to go", func() bool {
		h, err := st.History(ctx, "shop", store.HistoryQuery{})
		return err == nil && len(h) == 1 && h[0].ID == rows[2].ID
	})
}
