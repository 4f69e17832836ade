package engine

import (
	"encoding/json"
	"time"
)

// CallOn says which result status a reaction answers to. It is matched
// exactly: a "failed" reaction never runs on a healthy result.
type CallOn string

const (
	CallOnFailed  CallOn = "failed"
	CallOnHealthy CallOn = "healthy"
	CallOnBoth    CallOn = "both"
)

// Matches reports whether a result of status s is one this reaction answers.
func (c CallOn) Matches(s Status) bool {
	switch c {
	case CallOnFailed:
		return s == StatusFailed
	case CallOnHealthy:
		return s == StatusHealthy
	case CallOnBoth:
		return s == StatusFailed || s == StatusHealthy
	}
	return false
}

// Reaction is something to do when a monitor's state holds: notify, call an
// API, restart a service. It is run by a reaction plugin.
type Reaction struct {
	ID      string          `json:"id"`
	Owner   string          `json:"owner"`
	Name    string          `json:"name"`
	Plugin  string          `json:"plugin"`
	Version string          `json:"version,omitempty"`
	Config  json.RawMessage `json:"config,omitempty"`
	// SealedSecrets holds the object's secrets (API keys, SSH keys,
	// passwords) sealed by engine/secret: encrypted everywhere it is stored
	// or sent, opened by the plugin host only for this object's own calls.
	SealedSecrets string `json:"sealed_secrets,omitempty"`
	// Trigger is how many results in a row must match CallOn before the
	// reaction fires (default 1).
	Trigger int `json:"trigger"`
	// Frequency is the least time between two runs, honoured across zones.
	// Zero means: run once per incident (when Trigger is reached).
	Frequency Duration `json:"frequency,omitempty"`
	CallOn    CallOn   `json:"call_on"`
	// RateLimit is the most runs in any hour (0 = no limit): a flapping
	// monitor cannot make a reaction reboot a server fifty times.
	RateLimit int `json:"rate_limit,omitempty"`
	// Cooldown is the least time between two runs of any reaction against
	// the same target (the host:port the plugin acts on), so two
	// reactions restarting one server do not stack.
	Cooldown Duration `json:"cooldown,omitempty"`
	// DryRun runs the plugin with every side effect refused by the host and
	// records what it would have done.
	DryRun    bool      `json:"dry_run,omitempty"`
	Enabled   bool      `json:"enabled"`
	Timeout   Duration  `json:"timeout,omitempty"`
	LastRun   time.Time `json:"last_run,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (r *Reaction) Normalize() {
	if r.Trigger == 0 {
		r.Trigger = 1
	}
	if r.CallOn == "" {
		r.CallOn = CallOnFailed
	}
	if r.Timeout == 0 {
		r.Timeout = Duration(DefaultTimeout)
	}
}

func (r *Reaction) Validate() error {
	var errs FieldErrors
	if !ValidID(r.ID) {
		errs.Add("id", "must be 1-64 letters, digits, '.', '_' or '-'")
	}
	if r.Name == "" {
		errs.Add("name", "is required")
	}
	if r.Plugin == "" {
		errs.Add("plugin", "is required")
	}
	if len(r.Config) > 0 && !json.Valid(r.Config) {
		errs.Add("config", "is not valid JSON")
	}
	if r.Trigger < 1 || r.Trigger > 1000 {
		errs.Add("trigger", "must be between 1 and 1000, not %d", r.Trigger)
	}
	if r.Frequency < 0 {
		errs.Add("frequency", "must not be negative")
	}
	if r.RateLimit < 0 || r.RateLimit > 10_000 {
		errs.Add("rate_limit", "must be between 0 (no limit) and 10000 runs an hour, not %d", r.RateLimit)
	}
	if r.Cooldown < 0 || r.Cooldown.D() > 24*time.Hour {
		errs.Add("cooldown", "must be between 0 and 24h, not %s", r.Cooldown)
	}
	switch r.CallOn {
	case CallOnFailed, CallOnHealthy, CallOnBoth:
	default:
		errs.Add("call_on", "must be failed, healthy or both, not %q", r.CallOn)
	}
	if t := r.Timeout.D(); t <= 0 || t > 5*time.Minute {
		errs.Add("timeout", "must be between 0 and 5m, not %s", t)
	}
	return errs.Err()
}
