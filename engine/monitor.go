package engine

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// MonitorKind says where a monitor's results come from.
type MonitorKind string

const (
	// KindScheduled monitors are run by control at their interval.
	KindScheduled MonitorKind = "scheduled"
	// KindWebhook monitors are fed by the web's webhook endpoints only.
	KindWebhook MonitorKind = "webhook"
	// KindHeartbeat monitors fail when no ping arrives within interval+grace.
	KindHeartbeat MonitorKind = "heartbeat"
)

// Monitor is a health check the user defined. The store holds the truth;
// each zone's Redis holds a copy the bridge keeps in step.
type Monitor struct {
	ID    string      `json:"id"`
	Owner string      `json:"owner"`
	Name  string      `json:"name"`
	Kind  MonitorKind `json:"kind"`
	// Check names the check plugin ("http-status"); Version optionally pins
	// one of its versions, otherwise the locked current one runs.
	Check   string          `json:"check,omitempty"`
	Version string          `json:"version,omitempty"`
	Config  json.RawMessage `json:"config,omitempty"`
	// SealedSecrets holds the object's secrets (API keys, SSH keys,
	// passwords) sealed by engine/secret: encrypted everywhere it is stored
	// or sent, opened by the plugin host only for this object's own calls.
	SealedSecrets string `json:"sealed_secrets,omitempty"`
	// Interval between runs (scheduled) or expected pings (heartbeat).
	Interval Duration `json:"interval"`
	// Grace is how late a heartbeat may be before the monitor fails.
	Grace Duration `json:"grace,omitempty"`
	// Timeout bounds one check run, host functions included.
	Timeout   Duration `json:"timeout,omitempty"`
	Zones     []string `json:"zones"`
	Reactions []string `json:"reactions,omitempty"`
	// Quorum is how many of the monitor's zones must report failed before
	// the monitor counts as failed (default 1), so zones that disagree
	// (one zone's network blinking) do not flap it.
	Quorum    int       `json:"quorum,omitempty"`
	Silences  []Silence `json:"silences,omitempty"`
	Paused    bool      `json:"paused,omitempty"`
	Status    Status    `json:"status"`
	StatusAt  time.Time `json:"status_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits a deployment puts on monitors; plans narrow them per account.
const (
	MinInterval    = time.Second
	MaxInterval    = 24 * time.Hour
	DefaultTimeout = 10 * time.Second
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ValidID reports whether s may be used as an object, zone or plugin name:
// it ends up in Redis keys and URLs, so it is kept boring.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Normalize fills defaults a user may leave out.
func (m *Monitor) Normalize() {
	if m.Kind == "" {
		m.Kind = KindScheduled
	}
	if m.Timeout == 0 {
		m.Timeout = Duration(DefaultTimeout)
	}
	if m.Status == "" {
		m.Status = StatusPending
	}
	if m.Kind == KindHeartbeat && m.Grace == 0 {
		m.Grace = Duration(m.Interval.D() / 2)
	}
}

// Validate checks everything that can be checked without the plugin host;
// the plugin's own config validator runs on top of this in the web.
func (m *Monitor) Validate() error {
	var errs FieldErrors
	if !ValidID(m.ID) {
		errs.Add("id", "must be 1-64 letters, digits, '.', '_' or '-'")
	}
	if m.Name == "" {
		errs.Add("name", "is required")
	}
	switch m.Kind {
	case KindScheduled:
		if m.Check == "" {
			errs.Add("check", "is required for a scheduled monitor")
		}
		if len(m.Config) > 0 && !json.Valid(m.Config) {
			errs.Add("config", "is not valid JSON")
		}
	case KindWebhook, KindHeartbeat:
	default:
		errs.Add("kind", "must be scheduled, webhook or heartbeat, not %q", m.Kind)
	}
	if m.Kind != KindWebhook {
		if d := m.Interval.D(); d < MinInterval || d > MaxInterval {
			errs.Add("interval", "must be between %s and %s, not %s", MinInterval, MaxInterval, d)
		}
	}
	if t := m.Timeout.D(); t <= 0 || t > time.Minute {
		errs.Add("timeout", "must be between 0 and 1m, not %s", t)
	}
	if len(m.Zones) == 0 {
		errs.Add("zones", "name at least one zone")
	}
	for _, z := range m.Zones {
		if !ValidID(z) {
			errs.Add("zones", "%q is not a valid zone name", z)
		}
	}
	if m.Quorum < 0 || m.Quorum > len(m.Zones) {
		errs.Add("quorum", "must be between 1 and the number of zones (%d), not %d", len(m.Zones), m.Quorum)
	}
	for i := range m.Silences {
		errs = append(errs, m.Silences[i].Validate(fmt.Sprintf("silences[%d]", i))...)
	}
	for _, r := range m.Reactions {
		if !ValidID(r) {
			errs.Add("reactions", "%q is not a valid reaction id", r)
		}
	}
	return errs.Err()
}

// HasZone reports whether the monitor is checked in zone.
func (m *Monitor) HasZone(zone string) bool {
	for _, z := range m.Zones {
		if z == zone {
			return true
		}
	}
	return false
}
