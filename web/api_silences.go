package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Silences are part of the monitor (engine.Silence); the actioner
// enforces them. These endpoints edit the list one silence at a time.

func (s *Server) apiListSilences(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(m.Silences))
}

func (s *Server) addSilence(c *fiber.Ctx, si engine.Silence) (engine.Silence, error) {
	m, err := s.ownMonitor(c)
	if err != nil {
		return si, err
	}
	if si.ID == "" {
		si.ID = newID("s-")
	}
	if si.Recurring() && si.Location == "" {
		si.Location = "UTC"
	}
	if errs := si.Validate("silence"); len(errs) > 0 {
		return si, errs
	}
	for _, x := range m.Silences {
		if x.ID == si.ID {
			return si, fmt.Errorf("silence %s exists: %w", si.ID, errTaken)
		}
	}
	if len(m.Silences) >= 50 {
		return si, &engine.FieldError{Field: "silence", Reason: "a monitor may have at most 50 silences; delete old ones"}
	}
	m.Silences = append(m.Silences, si)
	m.UpdatedAt = time.Now().UTC()
	if err := s.putMonitor(c.UserContext(), m, m.Zones); err != nil {
		return si, err
	}
	s.audit(c.UserContext(), user(c), auditRec{action: auditCreate, objType: objSilence, objID: si.ID, owner: m.Owner, monitorID: m.ID,
		fields: changedFields(engine.Silence{}, si)})
	return si, nil
}

func (s *Server) deleteSilence(c *fiber.Ctx) error {
	m, err := s.ownMonitor(c)
	if err != nil {
		return err
	}
	out := m.Silences[:0]
	found := false
	for _, x := range m.Silences {
		if x.ID == c.Params("sid") {
			found = true
			continue
		}
		out = append(out, x)
	}
	if !found {
		return fmt.Errorf("silence %s: %w", c.Params("sid"), store.ErrNotFound)
	}
	m.Silences, m.UpdatedAt = out, time.Now().UTC()
	if err := s.putMonitor(c.UserContext(), m, m.Zones); err != nil {
		return err
	}
	s.audit(c.UserContext(), user(c), auditRec{action: auditDelete, objType: objSilence, objID: c.Params("sid"), owner: m.Owner, monitorID: m.ID})
	return nil
}

func (s *Server) apiAddSilence(c *fiber.Ctx) error {
	var si engine.Silence
	if err := decode(c, &si); err != nil {
		return failErr(c, err)
	}
	out, err := s.addSilence(c, si)
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) apiDeleteSilence(c *fiber.Ctx) error {
	if err := s.deleteSilence(c); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
