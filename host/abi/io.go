package abi

import (
	"encoding/json"
	"fmt"
	"time"
)

// Input is the document passed to runbook_call and runbook_validate
// (runbook_validate receives only Config; the other fields are zero).
type Input struct {
	// Config is the monitor's or reaction's config object, shaped by the
	// manifest's schema.
	Config json.RawMessage `json:"config"`
	// Secrets are resolved secret values referenced by the config.
	Secrets map[string]string `json:"secrets,omitempty"`
	Context CallContext       `json:"context"`
}

// CallContext says which monitor (and for reactions which trigger) a call is for.
type CallContext struct {
	MonitorID   string    `json:"monitor_id,omitempty"`
	MonitorName string    `json:"monitor_name,omitempty"`
	Zone        string    `json:"zone,omitempty"`
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
	// Status, PreviousStatus and Message describe the result that triggered
	// a reaction; for checks Status is the monitor's current status.
	Status         string `json:"status,omitempty"`
	PreviousStatus string `json:"previous_status,omitempty"`
	Message        string `json:"message,omitempty"`
	ReactionID     string `json:"reaction_id,omitempty"`
	ReactionName   string `json:"reaction_name,omitempty"`
}

// Status values. Checks return healthy, failed or unknown; reactions
// return ok or failed.
const (
	StatusHealthy = "healthy"
	StatusFailed  = "failed"
	StatusUnknown = "unknown"
	StatusOK      = "ok"
)

// Output is the document runbook_call returns.
type Output struct {
	Status  string             `json:"status"`
	Message string             `json:"message,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
}

// ValidFor checks the status is one a plugin of kind k may return.
func (o Output) ValidFor(k Kind) error {
	switch {
	case k == KindCheck && (o.Status == StatusHealthy || o.Status == StatusFailed || o.Status == StatusUnknown):
		return nil
	case k == KindReaction && (o.Status == StatusOK || o.Status == StatusFailed):
		return nil
	}
	return fmt.Errorf("output status %q is not valid for a %s plugin", o.Status, k)
}

// Validation is what runbook_validate returns: no errors means the config
// is acceptable.
type Validation struct {
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError is one problem with one config field ("" for the whole object).
type FieldError struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Metric returns o with the named metric set; it copies the map so a
// shared Output value is never mutated.
func (o Output) Metric(name string, v float64) Output {
	m := make(map[string]float64, len(o.Metrics)+1)
	for k, x := range o.Metrics {
		m[k] = x
	}
	m[name] = v
	o.Metrics = m
	return o
}
