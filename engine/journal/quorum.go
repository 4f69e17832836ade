package journal

import (
	"context"
	"errors"
	"fmt"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// setMonitorStatuses recomputes, after events reached the store, the status
// of each monitor they touch. This is where the cross-zone decision is
// made: zones share only the store, events are each zone's status changes
// (kept there with their zone), and the flusher of whichever zone writes an
// event reads back every zone's newest one and applies the monitor's
// quorum. Writing first and reading after makes the last flusher to write
// also the one that saw every write before it, so concurrent flushers of
// two zones converge on the same answer.
func setMonitorStatuses(ctx context.Context, st store.Store, rows []engine.Event) error {
	newest := map[string]engine.Event{} // by monitor
	for _, e := range rows {
		if cur, ok := newest[e.MonitorID]; !ok || !e.At.Before(cur.At) {
			newest[e.MonitorID] = e
		}
	}
	for id, e := range newest {
		m, err := st.GetMonitor(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading monitor %s for its status: %w", id, err)
		}
		status := e.To
		if len(m.Zones) > 1 {
			evs, err := st.Events(ctx, id, 64*len(m.Zones))
			if err != nil {
				return fmt.Errorf("reading zone statuses of %s: %w", id, err)
			}
			status = engine.QuorumStatus(engine.LatestZoneStatuses(evs), m.Zones, m.QuorumK())
		}
		if status == m.Status {
			continue
		}
		if err := st.SetMonitorStatus(ctx, id, status, e.At); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("setting status of %s: %w", id, err)
		}
	}
	return nil
}
