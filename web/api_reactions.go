package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Reactions go to every zone: any monitor in any zone may use them.

func (s *Server) ownReaction(c *fiber.Ctx) (engine.Reaction, error) {
	r, err := s.cfg.Store.GetReaction(c.UserContext(), c.Params("id"))
	if err != nil {
		return r, err
	}
	if r.Owner != user(c).ID {
		return engine.Reaction{}, fmt.Errorf("reaction %s: %w", c.Params("id"), store.ErrNotFound)
	}
	return r, nil
}

func (s *Server) listReactions(c *fiber.Ctx) error {
	rs, err := s.cfg.Store.ListReactions(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(nonNil(rs))
}

func (s *Server) getReaction(c *fiber.Ctx) error {
	r, err := s.ownReaction(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(r)
}

// reactionInput lets "enabled" default to true when omitted: a reaction
// someone just created is meant to run.
type reactionInput struct {
	engine.Reaction
	Enabled *bool `json:"enabled"`
}

func (s *Server) readReaction(c *fiber.Ctx) (engine.Reaction, error) {
	var in reactionInput
	if err := decode(c, &in); err != nil {
		return engine.Reaction{}, err
	}
	r := in.Reaction
	r.Enabled = in.Enabled == nil || *in.Enabled
	return r, nil
}

func (s *Server) createReaction(c *fiber.Ctx) error {
	r, err := s.readReaction(c)
	if err != nil {
		return failErr(c, err)
	}
	if r.ID == "" {
		r.ID = newID("r-")
	}
	if _, err := s.cfg.Store.GetReaction(c.UserContext(), r.ID); err == nil {
		return fail(c, fiber.StatusConflict, "conflict", "a reaction with id "+r.ID+" exists", fieldReason{"id", "is taken"})
	}
	now := time.Now().UTC()
	r.Owner, r.CreatedAt, r.UpdatedAt, r.LastRun = user(c).ID, now, now, time.Time{}
	if err := s.checkReaction(c, &r); err != nil {
		return failErr(c, err)
	}
	if err := s.cfg.Store.PutReaction(c.UserContext(), r, s.cfg.Zones); err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) updateReaction(c *fiber.Ctx) error {
	old, err := s.ownReaction(c)
	if err != nil {
		return failErr(c, err)
	}
	r, err := s.readReaction(c)
	if err != nil {
		return failErr(c, err)
	}
	if r.ID != "" && r.ID != old.ID {
		return fail(c, fiber.StatusBadRequest, "invalid", "id cannot change", fieldReason{"id", "cannot change"})
	}
	r.ID, r.Owner, r.CreatedAt, r.UpdatedAt, r.LastRun = old.ID, old.Owner, old.CreatedAt, time.Now().UTC(), old.LastRun
	if err := s.checkReaction(c, &r); err != nil {
		return failErr(c, err)
	}
	if err := s.cfg.Store.PutReaction(c.UserContext(), r, s.cfg.Zones); err != nil {
		return failErr(c, err)
	}
	return c.JSON(r)
}

func (s *Server) deleteReaction(c *fiber.Ctx) error {
	r, err := s.ownReaction(c)
	if err != nil {
		return failErr(c, err)
	}
	if err := s.cfg.Store.DeleteReaction(c.UserContext(), r.ID, s.cfg.Zones); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) checkReaction(c *fiber.Ctx, r *engine.Reaction) error {
	r.Normalize()
	var errs engine.FieldErrors
	if err := r.Validate(); err != nil {
		fes, _ := engine.AsFieldErrors(err)
		errs = append(errs, fes...)
	}
	if len(errs) == 0 {
		if err := s.validatePlugin(c, "plugin", r.Plugin, r.Version, r.Config, &errs); err != nil {
			return err
		}
	}
	return errs.Err()
}
