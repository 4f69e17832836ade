package engine

import "fmt"

// Status is the health of a monitor as a check or webhook reported it.
type Status string

const (
	StatusHealthy Status = "healthy"
	StatusFailed  Status = "failed"
	// StatusUnknown means the check could not decide: the plugin failed to
	// load, trapped, timed out or returned garbage. It never fires reactions
	// on its own; it is recorded so the user sees why.
	StatusUnknown Status = "unknown"
	// StatusPending is a monitor that has not produced a result yet.
	StatusPending Status = "pending"
)

// ParseStatus accepts the three statuses a check may report.
func ParseStatus(s string) (Status, error) {
	switch Status(s) {
	case StatusHealthy, StatusFailed, StatusUnknown:
		return Status(s), nil
	}
	return "", fmt.Errorf("status %q: want healthy, failed or unknown", s)
}
