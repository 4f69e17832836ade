package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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

func (s *Server) ownMonitor(c *fiber.Ctx) (engine.Monitor, error) {
	return s.ownMonitorID(c.UserContext(), user(c), c.Params("id"))
}

func (s *Server) getMonitor(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(s.viewMonitor(m, s.maskMonitorConfig(m)))
}

// monitorInput is the monitor a client may write: status and owner are
// the server's, so they are not accepted.
type monitorInput struct {
	engine.Monitor
	secretsInput
	SealedSecrets *string `json:"sealed_secrets,omitempty"`
	// Read-only fields clients may echo back from a GET (export → apply).
	Status    *engine.Status `json:"status,omitempty"`
	StatusAt  *time.Time     `json:"status_at,omitempty"`
	Owner     *string        `json:"owner,omitempty"`
	CreatedAt *time.Time     `json:"created_at,omitempty"`
	UpdatedAt *time.Time     `json:"updated_at,omitempty"`
}

func (s *Server) createMonitor(c *fiber.Ctx) error {
	var in monitorInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	if err := checkSealedInput(in.SealedSecrets); err != nil {
		return failErr(c, err)
	}
	out, err := s.createMonitorOp(c.UserContext(), user(c), in.Monitor, in.Secrets)
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) updateMonitor(c *fiber.Ctx) error {
	var in monitorInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	if err := checkSealedInput(in.SealedSecrets); err != nil {
		return failErr(c, err)
	}
	out, err := s.updateMonitorOp(c.UserContext(), user(c), c.Params("id"), in.Monitor, in.Secrets)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(out)
}

func (s *Server) deleteMonitor(c *fiber.Ctx) error {
	if err := s.deleteMonitorOp(c.UserContext(), user(c), c.Params("id")); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiPause(c *fiber.Ctx) error  { return s.apiSetPaused(c, true) }
func (s *Server) apiResume(c *fiber.Ctx) error { return s.apiSetPaused(c, false) }

func (s *Server) apiSetPaused(c *fiber.Ctx, paused bool) error {
	m, err := s.setPaused(c.UserContext(), user(c), c.Params("id"), paused)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(s.viewMonitor(m, s.maskMonitorConfig(m)))
}

// markInput is a manual result: "mark failed / mark healthy".
type markInput struct {
	Status  engine.Status `json:"status" form:"status"`
	Message string        `json:"message" form:"message"`
}

func (in *markInput) Validate() error {
	if in.Status != engine.StatusHealthy && in.Status != engine.StatusFailed {
		return &engine.FieldError{Field: "status", Reason: "must be healthy or failed"}
	}
	if len(in.Message) > 500 {
		return &engine.FieldError{Field: "message", Reason: "must be at most 500 characters"}
	}
	return nil
}

func (s *Server) markOp(c *fiber.Ctx, in markInput) (time.Time, error) {
	m, err := s.ownMonitor(c)
	if err != nil {
		return time.Time{}, err
	}
	if err := in.Validate(); err != nil {
		return time.Time{}, err
	}
	if in.Message == "" {
		in.Message = "marked " + string(in.Status) + " by " + user(c).Email
	}
	return s.enqueueResult(c.UserContext(), m, engine.SourceManual, in.Status, in.Message)
}

func (s *Server) apiMark(c *fiber.Ctx) error {
	var in markInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	at, err := s.markOp(c, in)
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": true, "status": in.Status, "at": at})
}

func (s *Server) monitorHistory(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	q := store.HistoryQuery{Limit: clamp(c.QueryInt("limit", 100), 1, 1000)}
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
	rows, err := s.cfg.Store.Events(c.UserContext(), m.ID, clamp(c.QueryInt("limit", 100), 1, 1000))
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
	rows, err := s.cfg.Store.ReactionLogs(c.UserContext(), m.ID, clamp(c.QueryInt("limit", 100), 1, 1000))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(rows))
}

func (s *Server) apiUptime(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	u, err := s.uptime(c.UserContext(), m.ID, time.Now())
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(u)
}

func (s *Server) apiZoneResults(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	zr, err := s.zoneResults(c.UserContext(), m)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(zr)
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
