package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/abi"
)

// The operations below are shared by the API and the pages, so both
// enforce the same ownership, validation and plan rules.

// ownMonitorID loads a monitor of u; another user's is "not found", never
// "forbidden", so ids of other accounts are not even confirmed.
func (s *Server) ownMonitorID(ctx context.Context, u store.User, id string) (engine.Monitor, error) {
	m, err := s.cfg.Store.GetMonitor(ctx, id)
	if err != nil {
		return m, err
	}
	if m.Owner != u.ID {
		return engine.Monitor{}, fmt.Errorf("monitor %s: %w", id, store.ErrNotFound)
	}
	return m, nil
}

// putMonitor writes m and drops the owner's cached list, so the next
// page shows the write (monindex.go).
func (s *Server) putMonitor(ctx context.Context, m engine.Monitor, notify []string) error {
	defer s.monitors.invalidate(m.Owner)
	return s.cfg.Store.PutMonitor(ctx, m, notify)
}

func (s *Server) removeMonitor(ctx context.Context, m engine.Monitor, notify []string) error {
	defer s.monitors.invalidate(m.Owner)
	// A monitor made again under the same id starts a fresh timeline.
	defer s.sealed.forget(m.ID)
	return s.cfg.Store.DeleteMonitor(ctx, m.ID, notify)
}

// monitorSaved is what create and update return: the monitor with secrets
// masked, and a webhook token when one was just issued (shown once).
type monitorSaved struct {
	engine.Monitor
	SecretNames []string       `json:"secret_names"`
	Webhook     *webhookIssued `json:"webhook,omitempty"`
}

// saved finishes what create and update return: config masked, sealed
// secrets replaced by their names.
func (s *Server) saved(out monitorSaved, m engine.Monitor) monitorSaved {
	v := s.viewMonitor(m, s.maskMonitorConfig(m))
	out.Monitor, out.SecretNames = v.Monitor, v.SecretNames
	return out
}

type webhookIssued struct {
	Token string `json:"token"`
	// Path is the generic webhook URL path; Heartbeat the ping path.
	Path      string `json:"path"`
	Heartbeat string `json:"heartbeat_path,omitempty"`
	// URL and HeartbeatURL are the same in full, when the server knows
	// the URL users reach it at (Config.PublicURL).
	URL          string `json:"url,omitempty"`
	HeartbeatURL string `json:"heartbeat_url,omitempty"`
}

// fullURL prefixes path with the public URL; "" when either is unknown.
func (s *Server) fullURL(path string) string {
	if path == "" || s.cfg.PublicURL == "" {
		return ""
	}
	return strings.TrimRight(s.cfg.PublicURL, "/") + path
}

// createMonitorOp creates m with the given secrets (name → value).
func (s *Server) createMonitorOp(ctx context.Context, u store.User, m engine.Monitor, secrets map[string]string) (monitorSaved, error) {
	if m.ID == "" {
		m.ID = newID("m-")
	}
	if _, err := s.cfg.Store.GetMonitor(ctx, m.ID); err == nil {
		return monitorSaved{}, fmt.Errorf("a monitor with id %s exists: %w", m.ID, errTaken)
	} else if !errors.Is(err, store.ErrNotFound) {
		return monitorSaved{}, err
	}
	if f := stillMasked(m.Config); f != "" {
		return monitorSaved{}, &engine.FieldError{Field: "config." + f, Reason: "holds the secret mask; type the real value"}
	}
	now := time.Now().UTC()
	m.Owner, m.CreatedAt, m.UpdatedAt, m.Status, m.StatusAt = u.ID, now, now, engine.StatusPending, time.Time{}
	if err := s.checkMonitor(ctx, u, &m, true); err != nil {
		return monitorSaved{}, err
	}
	sealed, changed, err := s.mergeSecrets("", secrets)
	if err != nil {
		return monitorSaved{}, err
	}
	m.SealedSecrets = sealed
	out := monitorSaved{Monitor: m}
	if m.Kind != engine.KindScheduled {
		w, err := s.issueWebhookToken(ctx, m, store.WebhookSecret{})
		if err != nil {
			return monitorSaved{}, err
		}
		out.Webhook = w
	}
	if err := s.putMonitor(ctx, m, m.Zones); err != nil {
		return monitorSaved{}, err
	}
	s.log.Info("monitor created", "monitor", m.ID, "user", m.Owner, "zones", m.Zones)
	s.audit(ctx, u, auditRec{action: auditCreate, objType: objMonitor, objID: m.ID, owner: m.Owner, monitorID: m.ID,
		fields: append(changedFields(engine.Monitor{}, m), secretFieldNames(changed)...)})
	return s.saved(out, m), nil
}

// errTaken marks an id already in use (409).
var errTaken = fmt.Errorf("id is taken: %w", store.ErrConflict)

// updateMonitorOp replaces monitor id with m. secrets changes the stored
// ones: nil keeps them all, a name with "" deletes that one.
func (s *Server) updateMonitorOp(ctx context.Context, u store.User, id string, m engine.Monitor, secrets map[string]string) (monitorSaved, error) {
	old, err := s.ownMonitorID(ctx, u, id)
	if err != nil {
		return monitorSaved{}, err
	}
	if m.ID != "" && m.ID != old.ID {
		return monitorSaved{}, &engine.FieldError{Field: "id", Reason: "cannot change"}
	}
	m.ID, m.Owner, m.CreatedAt, m.UpdatedAt = old.ID, old.Owner, old.CreatedAt, time.Now().UTC()
	m.Status, m.StatusAt = old.Status, old.StatusAt
	m.Config = unmaskConfig(m.Config, old.Config)
	if err := s.checkMonitor(ctx, u, &m, false); err != nil {
		return monitorSaved{}, err
	}
	sealed, changed, err := s.mergeSecrets(old.SealedSecrets, secrets)
	if err != nil {
		return monitorSaved{}, err
	}
	m.SealedSecrets = sealed
	out := monitorSaved{Monitor: m}
	if m.Kind != engine.KindScheduled {
		if _, err := s.cfg.Store.GetWebhookSecret(ctx, m.ID); errors.Is(err, store.ErrNotFound) {
			if out.Webhook, err = s.issueWebhookToken(ctx, m, store.WebhookSecret{}); err != nil {
				return monitorSaved{}, err
			}
		} else if err != nil {
			return monitorSaved{}, err
		}
	}
	// Zones the monitor left must hear about it too.
	if err := s.putMonitor(ctx, m, union(old.Zones, m.Zones)); err != nil {
		return monitorSaved{}, err
	}
	s.audit(ctx, u, auditRec{action: auditUpdate, objType: objMonitor, objID: m.ID, owner: m.Owner, monitorID: m.ID,
		fields: append(changedFields(old, m), secretFieldNames(changed)...)})
	return s.saved(out, m), nil
}

func (s *Server) deleteMonitorOp(ctx context.Context, u store.User, id string) error {
	m, err := s.ownMonitorID(ctx, u, id)
	if err != nil {
		return err
	}
	if err := s.removeMonitor(ctx, m, m.Zones); err != nil {
		return err
	}
	s.audit(ctx, u, auditRec{action: auditDelete, objType: objMonitor, objID: m.ID, owner: m.Owner, monitorID: m.ID})
	if err := s.cfg.Store.DeleteWebhookSecret(ctx, m.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("monitor deleted but its webhook secret was not", "monitor", m.ID, "err", err)
	}
	return nil
}

// setPaused pauses or resumes: the bridge unschedules a paused monitor.
func (s *Server) setPaused(ctx context.Context, u store.User, id string, paused bool) (engine.Monitor, error) {
	m, err := s.ownMonitorID(ctx, u, id)
	if err != nil {
		return m, err
	}
	if m.Paused == paused {
		return m, nil
	}
	m.Paused, m.UpdatedAt = paused, time.Now().UTC()
	if err := s.putMonitor(ctx, m, m.Zones); err != nil {
		return m, err
	}
	s.audit(ctx, u, auditRec{action: auditUpdate, objType: objMonitor, objID: m.ID, owner: m.Owner, monitorID: m.ID, fields: []string{"paused"}})
	return m, nil
}

func (s *Server) maskMonitorConfig(m engine.Monitor) json.RawMessage {
	mf, _ := s.manifest(abi.KindCheck, m.Check, m.Version)
	return maskConfig(m.Config, mf.Config)
}

// checkMonitor validates m fully: its own fields, its zones, its reactions
// (which must be the owner's), the plan's limits and its config against
// the check plugin.
func (s *Server) checkMonitor(ctx context.Context, u store.User, m *engine.Monitor, creating bool) error {
	if len(m.Zones) == 0 && len(s.cfg.Zones) > 0 {
		m.Zones = []string{s.cfg.Zones[0]}
	}
	m.Normalize()
	var errs engine.FieldErrors
	if err := m.Validate(); err != nil {
		fes, _ := engine.AsFieldErrors(err)
		errs = append(errs, fes...)
	}
	for _, z := range m.Zones {
		if !contains(s.cfg.Zones, z) {
			errs.Add("zones", "unknown zone %q (known: %v)", z, s.cfg.Zones)
		}
	}
	for _, rid := range m.Reactions {
		r, err := s.cfg.Store.GetReaction(ctx, rid)
		if errors.Is(err, store.ErrNotFound) || (err == nil && r.Owner != m.Owner) {
			errs.Add("reactions", "unknown reaction %q", rid)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if err := s.checkMonitorLimits(ctx, u, m, creating); err != nil {
		return err
	}
	if m.Kind == engine.KindScheduled && m.Check != "" {
		if err := s.validatePlugin(ctx, "check", m.Check, m.Version, m.Config, &errs); err != nil {
			return err
		}
	}
	return errs.Err()
}

// validatePlugin runs the plugin's own config validator; an unknown plugin
// is a field error on "check"/"plugin", not a server error.
func (s *Server) validatePlugin(ctx context.Context, field, plugin, version string, config json.RawMessage, errs *engine.FieldErrors) error {
	if s.cfg.Plugins == nil {
		return nil
	}
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	fes, err := s.cfg.Plugins.Validate(ctx, plugin, version, config)
	if err != nil {
		errs.Add(field, "%v", err)
		return nil
	}
	for _, fe := range fes {
		f := "config"
		if fe.Field != "" {
			f = "config." + fe.Field
		}
		errs.Add(f, "%s", fe.Message)
	}
	return nil
}

// enqueueResult hands a webhook, heartbeat or manual result to every zone
// of the monitor; each zone's bridge passes it to that zone's actioners,
// which do the bookkeeping (status, history, events, reactions).
func (s *Server) enqueueResult(ctx context.Context, m engine.Monitor, src engine.Source, st engine.Status, msg string) (time.Time, error) {
	now := time.Now().UTC()
	nonce := randomString(6)
	for _, z := range m.Zones {
		res := engine.Result{
			ID:        fmt.Sprintf("%s.%s.%s-%d-%s", m.ID, z, src, now.UnixNano(), nonce),
			MonitorID: m.ID, Zone: z, Source: src, Status: st, Message: truncate(msg, 500),
			ScheduledAt: now, FinishedAt: now,
		}
		b, err := json.Marshal(res)
		if err != nil {
			return now, fmt.Errorf("encode result: %w", err)
		}
		if err := s.cfg.Store.Enqueue(ctx, z, engine.QueueEntry{Zone: z, Op: engine.OpResult, ObjectID: m.ID, Payload: b}); err != nil {
			return now, fmt.Errorf("queue result for zone %s: %w", z, err)
		}
	}
	s.log.Info("result queued", "monitor", m.ID, "source", src, "status", st, "zones", m.Zones)
	return now, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func nonNil[T any](rows []T) []T {
	if rows == nil {
		return []T{}
	}
	return rows
}
