package actioner

import (
	"context"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// decide is engine.Decide plus what needs other zones: the store's
// lastrun (a run elsewhere counts for frequency) and, for a monitor
// checked in several zones, its quorum.
func (a *Actioner) decide(ctx context.Context, r *engine.Reaction, c engine.Counters, lastRun, now time.Time, q *quorumView) engine.Decision {
	d := engine.Decide(r, c, lastRun, now)
	// A newer lastrun can only hold a firing back, so the store is asked
	// only when this zone alone would fire: one store read per firing,
	// none per result.
	if d.Fire && r.Frequency > 0 {
		if sl := a.storeLastRun(ctx, r.ID); sl.After(lastRun) {
			lastRun = sl
			d = engine.Decide(r, c, lastRun, now)
		}
	}
	if len(q.mon.Zones) < 2 || !r.Enabled || !r.CallOn.Matches(c.Status) || c.Run() < r.Trigger {
		return d
	}
	// Quorum. This zone may have reached the trigger before enough other
	// zones agreed; it then fires later, on the result that finds the
	// quorum met, provided the reaction has not run for this incident
	// anywhere (its lastrun, from any zone, predates the incident).
	late := !d.Fire && c.Run() > r.Trigger && !c.Since.IsZero()
	if late {
		if sl := a.storeLastRun(ctx, r.ID); sl.After(lastRun) {
			lastRun = sl
		}
		late = lastRun.Before(c.Since)
	}
	if !d.Fire && !late {
		return d
	}
	status, desc := q.status(ctx)
	if !r.CallOn.Matches(status) {
		return engine.Decision{Log: c.Run() == r.Trigger, Reason: "quorum: " + desc}
	}
	return engine.Decision{Fire: true}
}
