package engine

import (
	"fmt"
	"time"
)

// Source says what produced a result.
type Source string

const (
	SourceCheck     Source = "check"
	SourceWebhook   Source = "webhook"
	SourceHeartbeat Source = "heartbeat"
	SourceManual    Source = "manual"
)

// Result is one observation of a monitor in one zone. Every result becomes
// a history row; its ID makes writing it twice harmless (write-behind
// replay, a re-sent job).
type Result struct {
	ID          string             `json:"id"`
	MonitorID   string             `json:"monitor_id"`
	Zone        string             `json:"zone"`
	Source      Source             `json:"source"`
	Status      Status             `json:"status"`
	Message     string             `json:"message,omitempty"`
	Metrics     map[string]float64 `json:"metrics,omitempty"`
	Duration    Duration           `json:"duration"`
	ScheduledAt time.Time          `json:"scheduled_at"`
	FinishedAt  time.Time          `json:"finished_at"`
	// Plugin and Digest say exactly which code produced a check result.
	Plugin string `json:"plugin,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// Time is when the result happened, as history orders it: when it
// finished, or, for a result that never ran, when it was due.
func (r Result) Time() time.Time {
	if r.FinishedAt.IsZero() {
		return r.ScheduledAt
	}
	return r.FinishedAt
}

// ResultID is deterministic for a scheduled run, so the same run delivered
// twice (a job re-sent after a worker died) is one history row.
func ResultID(monitorID, zone string, scheduled time.Time) string {
	return fmt.Sprintf("%s.%s.%d", monitorID, zone, scheduled.UnixNano())
}

// Event is a change of a monitor's status.
type Event struct {
	ID        string    `json:"id"`
	MonitorID string    `json:"monitor_id"`
	Zone      string    `json:"zone"`
	From      Status    `json:"from"`
	To        Status    `json:"to"`
	Message   string    `json:"message,omitempty"`
	At        time.Time `json:"at"`
	// ResultID links the event to the result that caused it.
	ResultID string `json:"result_id"`
}

// Outcome of one reaction decision.
type Outcome string

const (
	OutcomeExecuted Outcome = "executed"
	OutcomeSkipped  Outcome = "skipped"
	OutcomeFailed   Outcome = "failed"
	// OutcomeDryRun is a reaction run with every side effect refused; its
	// message says what it would have reached.
	OutcomeDryRun Outcome = "dry_run"
)

// ReactionLog records that a reaction ran, was skipped or failed for a result.
type ReactionLog struct {
	ID         string    `json:"id"`
	ReactionID string    `json:"reaction_id"`
	MonitorID  string    `json:"monitor_id"`
	Zone       string    `json:"zone"`
	ResultID   string    `json:"result_id"`
	Outcome    Outcome   `json:"outcome"`
	Message    string    `json:"message,omitempty"`
	Duration   Duration  `json:"duration"`
	At         time.Time `json:"at"`
}
