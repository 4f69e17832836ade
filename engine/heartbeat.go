package engine

import (
	"fmt"
	"time"
)

// HeartbeatDeadline is when a heartbeat monitor that was pinged at `at`
// fails unless pinged again: one interval plus the grace.
func (m *Monitor) HeartbeatDeadline(at time.Time) time.Time {
	return at.Add(m.Interval.D() + m.Grace.D())
}

// IsPing reports whether res is a ping of a heartbeat monitor, i.e. one
// that (re-)arms its deadline. A missed deadline is a heartbeat result
// too, but failed; manual marks do not arm anything.
func (r *Result) IsPing() bool {
	return r.Source == SourceHeartbeat && r.Status == StatusHealthy
}

// MissedHeartbeat is the failed result control produces when deadline
// passed without a ping. Its ID is fixed by the deadline, so two controls
// (or a re-send) make one history row.
func MissedHeartbeat(monitorID, zone string, deadline, now time.Time) Result {
	return Result{
		ID: ResultID(monitorID, zone, deadline), MonitorID: monitorID, Zone: zone,
		Source: SourceHeartbeat, Status: StatusFailed,
		Message:     fmt.Sprintf("no heartbeat by %s", deadline.UTC().Format(time.RFC3339)),
		ScheduledAt: deadline, FinishedAt: now,
	}
}

// EnsureID gives a pushed result (webhook, heartbeat, manual) an ID when
// its producer left it empty, so it can be applied exactly once.
func (r *Result) EnsureID() {
	if r.ID != "" {
		return
	}
	r.ID = fmt.Sprintf("%s.%s.%s.%d", r.MonitorID, r.Zone, r.Source, r.Time().UnixNano())
}
