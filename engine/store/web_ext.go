package store

import (
	"context"
	"regexp"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// AuditEntry records one change someone made: who, when, to what, and
// which fields changed. It never holds values of secrets: a changed
// secret is named ("secrets.slack_webhook"), not shown.
type AuditEntry struct {
	ID string    `json:"id"`
	At time.Time `json:"at"`
	// UserID and UserEmail are who made the change (email as it was then).
	UserID    string `json:"user_id"`
	UserEmail string `json:"user_email"`
	// Owner is the account the changed object belongs to; users see the
	// entries of their own objects, admins see all. "" is deployment-wide
	// (plans, plugin pushes).
	Owner string `json:"owner"`
	// Action is create, update or delete.
	Action string `json:"action"`
	// ObjectType is monitor, reaction, silence, token, plan_assignment,
	// plan, status_page or plugin; ObjectID names the object.
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	// MonitorID is set for objects of one monitor (a monitor, its silences)
	// so the audit page can link that monitor's reaction logs.
	MonitorID string   `json:"monitor_id,omitempty"`
	Fields    []string `json:"fields,omitempty"`
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	Owner  string    // "" = every owner (admins)
	Before time.Time // exclusive; zero = no bound
	Limit  int       // 0 = 100
}

// Slugs name public status pages: /status/<slug>. Like ids, so a slug is
// safe in a URL path and in a store key.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)

// ValidSlug reports whether s may name a status page: 3-64 lowercase
// letters, digits and '-', not starting or ending with '-'.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidateSlug names the field at fault.
func ValidateSlug(field, s string) error {
	if !ValidSlug(s) {
		return &engine.FieldError{Field: field, Reason: "must be 3-64 lowercase letters, digits or '-', not starting or ending with '-'"}
	}
	return nil
}

// WebExt holds the web's audit trail and status page slugs.
type WebExt interface {
	// AddAudit appends entries; adding an entry whose ID exists is a
	// no-op, like the other records.
	AddAudit(ctx context.Context, entries ...AuditEntry) error
	// ListAudit returns entries newest first (by At, then ID).
	ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)

	// SetStatusSlug gives owner's status page the slug, dropping the
	// owner's previous slug; ErrConflict when another owner holds it.
	// An empty slug clears the owner's slug.
	SetStatusSlug(ctx context.Context, owner, slug string) error
	// StatusSlugOwner returns who holds slug (ErrNotFound when no one).
	StatusSlugOwner(ctx context.Context, slug string) (string, error)
	// StatusSlug returns owner's slug (ErrNotFound when none).
	StatusSlug(ctx context.Context, owner string) (string, error)
}
