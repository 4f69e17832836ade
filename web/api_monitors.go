package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func newID(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// decode reads a JSON body strictly: unknown fields are errors, so a typo
// in a field name is reported, not silently ignored.
func decode(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &malformedError{err}
	}
	return nil
}

// ownMonitor loads a monitor of the caller; another user's is "not found",
// never "forbidden", so ids of other accounts are not even confirmed.
func (s *Server) ownMonitor(c *fiber.Ctx) (engine.Monitor, error) {
	m, err := s.cfg.Store.GetMonitor(c.UserContext(), c.Params("id"))
	if err != nil {
		return m, err
	}
	if m.Owner != user(c).ID {
		return engine.Monitor{}, fmt.Errorf("monitor %s: %w", c.Params("id"), store.ErrNotFound)
	}
	return m, nil
}

func (s *Server) listMonitors(c *fiber.Ctx) error {
	ms, err := s.cfg.Store.ListMonitors(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	if ms == nil {
		ms = []engine.Monitor{}
	}
	return c.JSON(ms)
}

func (s *Server) getMonitor(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(m)
}

func (s *Server) createMonitor(c *fiber.Ctx) error {
	var m engine.Monitor
	if err := decode(c, &m); err != nil {
		return failErr(c, err)
	}
	if m.ID == "" {
		m.ID = newID("m-")
	}
	if _, err := s.cfg.Store.GetMonitor(c.UserContext(), m.ID); err == nil {
		return fail(c, fiber.StatusConflict, "conflict", "a monitor with id "+m.ID+" exists", fieldReason{"id", "is taken"})
	}
	now := time.Now().UTC()
	m.Owner, m.CreatedAt, m.UpdatedAt, m.Status, m.StatusAt = user(c).ID, now, now, engine.StatusPending, time.Time{}
	if err := s.checkMonitor(c, &m); err != nil {
		return failErr(c, err)
	}
	if err := s.cfg.Store.PutMonitor(c.UserContext(), m, m.Zones); err != nil {
		return failErr(c, err)
	}
	s.log.Info("monitor created", "monitor", m.ID, "user", m.Owner, "zones", m.Zones)
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *Server) updateMonitor(c *fiber.Ctx) error {
	old, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	var m engine.Monitor
	if err := decode(c, &m); err != nil {
		return failErr(c, err)
	}
	if m.ID != "" && m.ID != old.ID {
		return fail(c, fiber.StatusBadRequest, "invalid", "id cannot change", fieldReason{"id", "cannot change"})
	}
	m.ID, m.Owner, m.CreatedAt, m.UpdatedAt = old.ID, old.Owner, old.CreatedAt, time.Now().UTC()
	m.Status, m.StatusAt = old.Status, old.StatusAt
	if err := s.checkMonitor(c, &m); err != nil {
		return failErr(c, err)
	}
	// Zones the monitor left must hear about it too.
	if err := s.cfg.Store.PutMonitor(c.UserContext(), m, union(old.Zones, m.Zones)); err != nil {
		return failErr(c, err)
	}
	return c.JSON(m)
}

func (s *Server) deleteMonitor(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	if err := s.cfg.Store.DeleteMonitor(c.UserContext(), m.ID, m.Zones); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// checkMonitor validates m fully: its own fields, its zones, its reactions
// (which must be the caller's) and its config against the check plugin.
func (s *Server) checkMonitor(c *fiber.Ctx, m *engine.Monitor) error {
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
		r, err := s.cfg.Store.GetReaction(c.UserContext(), rid)
		if errors.Is(err, store.ErrNotFound) || (err == nil && r.Owner != m.Owner) {
			errs.Add("reactions", "unknown reaction %q", rid)
		} else if err != nil {
			return err
		}
	}
	if m.Kind == engine.KindScheduled && m.Check != "" && len(errs) == 0 {
		if err := s.validatePlugin(c, "check", m.Check, m.Version, m.Config, &errs); err != nil {
			return err
		}
	}
	return errs.Err()
}

// validatePlugin runs the plugin's own config validator; an unknown plugin
// is a field error on "check"/"plugin", not a server error.
func (s *Server) validatePlugin(c *fiber.Ctx, field, plugin, version string, config json.RawMessage, errs *engine.FieldErrors) error {
	if s.cfg.Plugins == nil {
		return nil
	}
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	fes, err := s.cfg.Plugins.Validate(c.UserContext(), plugin, version, config)
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

func (s *Server) monitorHistory(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	q := store.HistoryQuery{Limit: c.QueryInt("limit", 100)}
	if v := c.Query("before"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fail(c, fiber.StatusBadRequest, "invalid", "before must be RFC 3339", fieldReason{"before", err.Error()})
		}
		q.Before = t
	}
	rows, err := s.cfg.Store.History(c.UserContext(), m.ID, q)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(rows))
}

func (s *Server) monitorEvents(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	rows, err := s.cfg.Store.Events(c.UserContext(), m.ID, c.QueryInt("limit", 100))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(rows))
}

func (s *Server) monitorReactionLogs(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	rows, err := s.cfg.Store.ReactionLogs(c.UserContext(), m.ID, c.QueryInt("limit", 100))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(rows))
}

func nonNil[T any](rows []T) []T {
	if rows == nil {
		return []T{}
	}
	return rows
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
