package engine

import (
	"encoding/json"
	"time"
)

// Job is what control sends a worker: everything needed to run one check,
// so a worker never reads the store or Redis.
type Job struct {
	ID          string          `json:"id"`
	MonitorID   string          `json:"monitor_id"`
	Zone        string          `json:"zone"`
	Check       string          `json:"check"`
	Version     string          `json:"version,omitempty"`
	Config      json.RawMessage `json:"config,omitempty"`
	ScheduledAt time.Time       `json:"scheduled_at"`
	// Timeout bounds one run of the check, host functions included.
	Timeout Duration `json:"timeout"`
	// SealedSecrets are the monitor's secrets, still sealed: only the
	// plugin host opens them, for this check's call.
	SealedSecrets string `json:"sealed_secrets,omitempty"`
}
