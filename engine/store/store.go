package store

import (
	"context"
	"errors"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// ErrNotFound is returned (wrapped) when an object does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnavailable is returned (wrapped) when the store cannot be reached or
// refuses writes. Actioners switch to cache-only mode on it.
var ErrUnavailable = errors.New("store unavailable")

// ErrConflict is returned (wrapped) when a write would break a uniqueness
// rule, such as a second user with an email another user has.
var ErrConflict = errors.New("conflict")

// Store is everything Runbook keeps as the truth.
type Store interface {
	Monitors
	Reactions
	Records
	Rollups
	HistoryHours
	Queues
	Accounts
	AccountsExt
	PluginsExt
	WebExt
	Close() error
}

// Monitors are written by the web and read by the bridge.
type Monitors interface {
	// PutMonitor creates or replaces m and, in the same write where the
	// backend allows it, queues an OpUpsertMonitor entry for every zone in
	// notify. Callers pass the union of old and new zones so a zone the
	// monitor left hears about it.
	PutMonitor(ctx context.Context, m engine.Monitor, notify []string) error
	GetMonitor(ctx context.Context, id string) (engine.Monitor, error)
	// ListMonitors returns the monitors of owner ("" means every owner),
	// ordered by id.
	ListMonitors(ctx context.Context, owner string) ([]engine.Monitor, error)
	// DeleteMonitor removes the monitor and queues OpDeleteMonitor for notify.
	DeleteMonitor(ctx context.Context, id string, notify []string) error
	// SetMonitorStatus records the monitor's current status; it does not
	// queue anything (the zones already know).
	SetMonitorStatus(ctx context.Context, id string, s engine.Status, at time.Time) error
}

// Reactions mirror Monitors.
type Reactions interface {
	PutReaction(ctx context.Context, r engine.Reaction, notify []string) error
	GetReaction(ctx context.Context, id string) (engine.Reaction, error)
	ListReactions(ctx context.Context, owner string) ([]engine.Reaction, error)
	DeleteReaction(ctx context.Context, id string, notify []string) error
	// SetReactionLastRun moves lastrun forward only; an older time is ignored
	// so zones racing each other never move it back.
	SetReactionLastRun(ctx context.Context, id string, at time.Time) error
}

// HistoryQuery selects history rows of one monitor, newest first. Order
// and bounds use each row's FinishedAt (ScheduledAt when FinishedAt is zero).
type HistoryQuery struct {
	Since  time.Time // inclusive; zero = no bound
	Before time.Time // exclusive; zero = no bound
	Limit  int       // 0 = backend default (100)
}

// Records are append-only and idempotent by ID: adding a row whose ID
// exists is a no-op, which is what makes write-behind replay exactly-once.
type Records interface {
	AddHistory(ctx context.Context, rows ...engine.Result) error
	History(ctx context.Context, monitorID string, q HistoryQuery) ([]engine.Result, error)
	AddEvents(ctx context.Context, events ...engine.Event) error
	// Events returns a monitor's events ("" = every monitor), newest first.
	Events(ctx context.Context, monitorID string, limit int) ([]engine.Event, error)
	AddReactionLogs(ctx context.Context, logs ...engine.ReactionLog) error
	// ReactionLogs returns logs for a monitor ("" = every monitor), newest first.
	ReactionLogs(ctx context.Context, monitorID string, limit int) ([]engine.ReactionLog, error)
}

// Queues hold one ordered queue per zone (the architecture's dc#queue).
type Queues interface {
	// Enqueue appends entries to zone's queue, assigning their IDs.
	Enqueue(ctx context.Context, zone string, entries ...engine.QueueEntry) error
	// ReadQueue returns up to limit unacknowledged entries, oldest first.
	ReadQueue(ctx context.Context, zone string, limit int) ([]engine.QueueEntry, error)
	// AckQueue removes entries once they are applied.
	AckQueue(ctx context.Context, zone string, ids ...string) error
	// WatchQueue returns a channel that receives (coalesced) whenever an
	// entry is added to zone's queue, until ctx ends. Callers read the queue
	// once at start and again on every signal.
	WatchQueue(ctx context.Context, zone string) (<-chan struct{}, error)
}

// User is an account holder.
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	PasswordHash string    `json:"password_hash"`
	Admin        bool      `json:"admin"`
	Plan         string    `json:"plan"`
	CreatedAt    time.Time `json:"created_at"`
}

// Token is an API token; only its hash is kept.
type Token struct {
	Hash      string    `json:"hash"`
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Accounts hold users and API tokens.
type Accounts interface {
	PutUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	GetUserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	PutToken(ctx context.Context, t Token) error
	GetToken(ctx context.Context, hash string) (Token, error)
	DeleteToken(ctx context.Context, hash string) error
}
