package engine

import (
	"fmt"
	"time"
)

// Counters are a monitor's running state in one zone: its last status and
// how many results in a row agreed with it.
type Counters struct {
	Status       Status `json:"status"`
	FailCount    int    `json:"failcount"`
	SuccessCount int    `json:"successcount"`
	// Since is when Status last changed: the start of the current incident
	// (or healthy run). A reaction whose lastrun is older has not run for
	// this incident yet, which matters when a quorum completes late.
	Since time.Time `json:"since,omitzero"`
}

// Apply folds one result into the counters and reports whether the status
// changed. An unknown result resets both runs: "N failures in a row" means
// N real failures, not failures with gaps we could not see.
func (c Counters) Apply(s Status) (next Counters, changed bool) {
	return c.ApplyAt(s, time.Time{})
}

// ApplyAt is Apply that also moves Since to at when the status changes.
func (c Counters) ApplyAt(s Status, at time.Time) (next Counters, changed bool) {
	next = c
	if c.Status != s {
		next.Since = at
	}
	switch s {
	case StatusFailed:
		next.FailCount++
		next.SuccessCount = 0
	case StatusHealthy:
		next.SuccessCount++
		next.FailCount = 0
	default:
		next.FailCount, next.SuccessCount = 0, 0
	}
	next.Status = s
	return next, c.Status != s
}

// Run is how many results in a row have had the current status.
func (c Counters) Run() int {
	switch c.Status {
	case StatusFailed:
		return c.FailCount
	case StatusHealthy:
		return c.SuccessCount
	}
	return 0
}

// Decision is whether a reaction fires for a result, and why not if not.
type Decision struct {
	Fire bool
	// Log is false for the common "nothing to do" case (wrong status, trigger
	// not reached) so the reaction log holds only what a person wants to
	// read: runs, and runs that were held back.
	Log    bool
	Reason string
}

// Decide applies a reaction's settings to a monitor's counters.
//
// A reaction fires once when the run of matching results reaches Trigger.
// While the run goes on it fires again only if Frequency is set and at
// least Frequency has passed since lastRun, which is the newest run known
// in any zone, so a reaction already run elsewhere is not repeated.
func Decide(r *Reaction, c Counters, lastRun, now time.Time) Decision {
	if !r.CallOn.Matches(c.Status) {
		return Decision{Reason: "call_on does not match"}
	}
	run := c.Run()
	if run < r.Trigger {
		return Decision{Reason: fmt.Sprintf("trigger %d not reached (%d in a row)", r.Trigger, run)}
	}
	freq := r.Frequency.D()
	recent := !lastRun.IsZero() && now.Sub(lastRun) < freq
	switch {
	case !r.Enabled:
		if run == r.Trigger {
			return Decision{Log: true, Reason: "reaction disabled"}
		}
		return Decision{Reason: "reaction disabled"}
	case run == r.Trigger && !recent:
		return Decision{Fire: true}
	case run == r.Trigger && recent:
		return Decision{Log: true, Reason: fmt.Sprintf("frequency: last run %s ago, less than %s", now.Sub(lastRun).Round(time.Millisecond), freq)}
	case freq > 0 && !recent:
		return Decision{Fire: true}
	}
	return Decision{Reason: "already ran for this incident"}
}
