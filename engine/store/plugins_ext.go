package store

import (
	"context"
	"errors"
	"time"

	"github.com/runbookhq/runbook/host/lock"
)

// PluginDeployment is which version of one plugin a zone runs, and what it
// ran before (for rollback). Staged rollout is setting it zone by zone.
type PluginDeployment struct {
	Zone    string `json:"zone"`
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	// History holds the previous versions, most recent first; a rollback
	// pops its first element back to current.
	History   []PluginVersionRef `json:"history,omitempty"`
	UpdatedAt time.Time          `json:"updated_at"`
}

// PluginVersionRef names one version of a plugin by version and digest.
type PluginVersionRef struct {
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// MaxPluginHistory bounds a deployment's history: rollback walks back a
// few steps, not through every push ever made.
const MaxPluginHistory = 20

// ErrNoPreviousVersion is returned (wrapped) by RollbackPlugin when the
// zone has no earlier version to return to.
var ErrNoPreviousVersion = errors.New("no previous plugin version")

// PluginsExt keeps the deployment's plugins: module bytes by digest, one
// record per plugin version (the fields of a plugins.lock entry: the lock
// file is the file form of the same records), and per zone the current
// version of each plugin with its history.
type PluginsExt interface {
	// PutPluginBlob stores wasm under its digest; it refuses bytes whose
	// sha256 is not digest. Storing the same blob again is a no-op.
	PutPluginBlob(ctx context.Context, digest string, wasm []byte) error
	GetPluginBlob(ctx context.Context, digest string) ([]byte, error)

	// PutPluginRecord records one plugin version (Path is not kept). The
	// same name and version with another digest is ErrConflict: monitors
	// pin versions, so a version names one module forever.
	PutPluginRecord(ctx context.Context, e lock.Entry) error
	GetPluginRecord(ctx context.Context, name, version string) (lock.Entry, error)
	// ListPluginRecords returns the records of name ("" = every plugin),
	// ordered by name then version.
	ListPluginRecords(ctx context.Context, name string) ([]lock.Entry, error)

	// SetPluginCurrent makes name@version current in zone (its record must
	// exist) and pushes the previous current onto the history. Setting the
	// version already current changes nothing.
	SetPluginCurrent(ctx context.Context, zone, name, version string) (PluginDeployment, error)
	// RollbackPlugin makes the most recent previous version current again
	// and drops it from the history (ErrNoPreviousVersion when empty).
	RollbackPlugin(ctx context.Context, zone, name string) (PluginDeployment, error)
	GetPluginDeployment(ctx context.Context, zone, name string) (PluginDeployment, error)
	// ListPluginDeployments filters by zone and name ("" = any), ordered
	// by zone then name.
	ListPluginDeployments(ctx context.Context, zone, name string) ([]PluginDeployment, error)
}

// PushHistory returns d with ref made current and the old current first
// in the history, bounded. Backends share it so they agree exactly.
func (d PluginDeployment) PushHistory(ref PluginVersionRef, at time.Time) PluginDeployment {
	if d.Version == ref.Version && d.SHA256 == ref.SHA256 {
		return d
	}
	if d.Version != "" {
		d.History = append([]PluginVersionRef{{Version: d.Version, SHA256: d.SHA256}}, d.History...)
		if len(d.History) > MaxPluginHistory {
			d.History = d.History[:MaxPluginHistory]
		}
	}
	d.Version, d.SHA256, d.UpdatedAt = ref.Version, ref.SHA256, at
	return d
}

// PopHistory returns d with its most recent previous version current.
func (d PluginDeployment) PopHistory(at time.Time) (PluginDeployment, bool) {
	if len(d.History) == 0 {
		return d, false
	}
	prev := d.History[0]
	d.History = append([]PluginVersionRef{}, d.History[1:]...)
	d.Version, d.SHA256, d.UpdatedAt = prev.Version, prev.SHA256, at
	return d, true
}
