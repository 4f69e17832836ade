package store

import (
	"context"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Plan bounds what one account may create. Zero limits mean "no limit".
type Plan struct {
	ID           string          `json:"id" yaml:"id"`
	Name         string          `json:"name" yaml:"name"`
	MaxMonitors  int             `json:"max_monitors" yaml:"max_monitors"`
	MaxReactions int             `json:"max_reactions" yaml:"max_reactions"`
	MinInterval  engine.Duration `json:"min_interval" yaml:"min_interval"`
}

// Validate names the field at fault.
func (p *Plan) Validate() error {
	var errs engine.FieldErrors
	if !engine.ValidID(p.ID) {
		errs.Add("id", "must be 1-64 letters, digits, '.', '_' or '-'")
	}
	if p.Name == "" {
		errs.Add("name", "is required")
	}
	if p.MaxMonitors < 0 {
		errs.Add("max_monitors", "must be 0 (no limit) or more, not %d", p.MaxMonitors)
	}
	if p.MaxReactions < 0 {
		errs.Add("max_reactions", "must be 0 (no limit) or more, not %d", p.MaxReactions)
	}
	if p.MinInterval < 0 {
		errs.Add("min_interval", "must be 0 (no limit) or more, not %s", p.MinInterval)
	}
	return errs.Err()
}

// Session is a dashboard login. Only the hash of the cookie's secret is
// kept, so a leaked store gives no usable session.
type Session struct {
	Hash      string    `json:"hash"`
	UserID    string    `json:"user_id"`
	CSRF      string    `json:"csrf"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// WebhookSecret is what a webhook-fed monitor's senders must present.
// TokenHash is SHA-256 of the URL token (the token itself is shown once);
// the provider secrets are kept as given because verifying an HMAC needs
// the key itself.
type WebhookSecret struct {
	MonitorID string `json:"monitor_id"`
	Owner     string `json:"owner"`
	TokenHash string `json:"token_hash"`
	// PagerDutySecret verifies X-PagerDuty-Signature (v3 webhooks).
	PagerDutySecret string `json:"pagerduty_secret,omitempty"`
	// SlackSigningSecret verifies X-Slack-Signature; SlackToken is the
	// older verification token sent in the payload.
	SlackSigningSecret string `json:"slack_signing_secret,omitempty"`
	SlackToken         string `json:"slack_token,omitempty"`
	// TravisPublicKey (PEM) verifies Travis CI's Signature header.
	TravisPublicKey string    `json:"travis_public_key,omitempty"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// StatusPage is an account's public page: off unless Public, and showing
// only the monitors listed.
type StatusPage struct {
	Owner     string    `json:"owner" yaml:"owner"`
	Title     string    `json:"title" yaml:"title"`
	Public    bool      `json:"public" yaml:"public"`
	Monitors  []string  `json:"monitors" yaml:"monitors"`
	UpdatedAt time.Time `json:"updated_at" yaml:"updated_at"`
}

// Validate names the field at fault.
func (p *StatusPage) Validate() error {
	var errs engine.FieldErrors
	if len(p.Title) > 200 {
		errs.Add("title", "must be at most 200 characters")
	}
	for i, m := range p.Monitors {
		if !engine.ValidID(m) {
			errs.Add(fmt.Sprintf("monitors[%d]", i), "%q is not a valid monitor id", m)
		}
	}
	return errs.Err()
}

// AccountsExt holds what the web needs beyond users and tokens: plans,
// server-side sessions, token listing, webhook secrets and status pages.
// Every Get of a missing object is ErrNotFound (wrapped).
type AccountsExt interface {
	PutPlan(ctx context.Context, p Plan) error
	GetPlan(ctx context.Context, id string) (Plan, error)
	// ListPlans returns every plan ordered by id.
	ListPlans(ctx context.Context) ([]Plan, error)
	DeletePlan(ctx context.Context, id string) error

	// ListTokens returns a user's tokens ordered by creation time.
	ListTokens(ctx context.Context, userID string) ([]Token, error)

	PutSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, hash string) (Session, error)
	DeleteSession(ctx context.Context, hash string) error
	// DeleteUserSessions ends every session of a user (password change).
	DeleteUserSessions(ctx context.Context, userID string) error

	PutWebhookSecret(ctx context.Context, w WebhookSecret) error
	GetWebhookSecret(ctx context.Context, monitorID string) (WebhookSecret, error)
	DeleteWebhookSecret(ctx context.Context, monitorID string) error

	PutStatusPage(ctx context.Context, p StatusPage) error
	GetStatusPage(ctx context.Context, owner string) (StatusPage, error)
}
