package actioner

import (
	"context"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// quorumView is the monitor's status across its zones, read from the store
// at most once per result. Zones share only the store: each zone's status
// is its newest event there (see engine.LatestZoneStatuses), and this
// zone's own status is taken fresh from its counters, since its newest
// event may still be in the journal.
type quorumView struct {
	a    *Actioner
	mon  engine.Monitor
	zone string
	own  engine.Status
	done bool
	st   engine.Status
	desc string
}

func (q *quorumView) status(ctx context.Context) (engine.Status, string) {
	if q.done {
		return q.st, q.desc
	}
	q.done = true
	k := q.mon.QuorumK()
	byZone := map[string]engine.Status{}
	if q.a.Store != nil {
		sctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		evs, err := q.a.Store.Events(sctx, q.mon.ID, 64*len(q.mon.Zones))
		cancel()
		if err != nil {
			// Monitoring before dashboard: without the store this zone's
			// view decides, as if the quorum were met.
			q.st, q.desc = q.own, fmt.Sprintf("store unreachable, zone %s decides alone: %v", q.zone, err)
			q.a.Logger.Warn("quorum without the store", "monitor", q.mon.ID, "zone", q.zone, "err", err)
			return q.st, q.desc
		}
		byZone = engine.LatestZoneStatuses(evs)
	}
	byZone[q.zone] = q.own
	failed := 0
	for _, z := range q.mon.Zones {
		if byZone[z] == engine.StatusFailed {
			failed++
		}
	}
	q.st = engine.QuorumStatus(byZone, q.mon.Zones, k)
	q.desc = fmt.Sprintf("%d of %d zones failed, quorum %d: monitor is %s", failed, len(q.mon.Zones), k, q.st)
	return q.st, q.desc
}
