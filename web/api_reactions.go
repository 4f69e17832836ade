package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/abi"
)

// Reactions go to every zone: any monitor in any zone may use them.

func (s *Server) ownReactionID(ctx context.Context, u store.User, id string) (engine.Reaction, error) {
	r, err := s.cfg.Store.GetReaction(ctx, id)
	if err != nil {
		return r, err
	}
	if r.Owner != u.ID {
		return engine.Reaction{}, fmt.Errorf("reaction %s: %w", id, store.ErrNotFound)
	}
	return r, nil
}

func (s *Server) maskReaction(r engine.Reaction) engine.Reaction {
	mf, _ := s.manifest(abi.KindReaction, r.Plugin, r.Version)
	r.Config = maskConfig(r.Config, mf.Config)
	return r
}

func (s *Server) listReactions(c *fiber.Ctx) error {
	rs, err := s.cfg.Store.ListReactions(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	for i := range rs {
		rs[i] = s.maskReaction(rs[i])
	}
	return c.JSON(nonNil(rs))
}

func (s *Server) getReaction(c *fiber.Ctx) error {
	r, err := s.ownReactionID(c.UserContext(), user(c), c.Params("id"))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(s.maskReaction(r))
}

// reactionInput lets "enabled" default to true when omitted: a reaction
// someone just created is meant to run. Server-kept fields are accepted
// and ignored so an exported reaction applies as is.
type reactionInput struct {
	engine.Reaction
	Enabled   *bool      `json:"enabled"`
	Owner     *string    `json:"owner,omitempty"`
	LastRun   *time.Time `json:"last_run,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

func (in reactionInput) reaction() engine.Reaction {
	r := in.Reaction
	r.Enabled = in.Enabled == nil || *in.Enabled
	return r
}

func (s *Server) createReactionOp(ctx context.Context, u store.User, r engine.Reaction) (engine.Reaction, error) {
	if r.ID == "" {
		r.ID = newID("r-")
	}
	if _, err := s.cfg.Store.GetReaction(ctx, r.ID); err == nil {
		return r, fmt.Errorf("a reaction with id %s exists: %w", r.ID, errTaken)
	} else if !errors.Is(err, store.ErrNotFound) {
		return r, err
	}
	if f := stillMasked(r.Config); f != "" {
		return r, &engine.FieldError{Field: "config." + f, Reason: "holds the secret mask; type the real value"}
	}
	now := time.Now().UTC()
	r.Owner, r.CreatedAt, r.UpdatedAt, r.LastRun = u.ID, now, now, time.Time{}
	if err := s.checkReaction(ctx, &r); err != nil {
		return r, err
	}
	if err := s.checkReactionLimits(ctx, u); err != nil {
		return r, err
	}
	if err := s.cfg.Store.PutReaction(ctx, r, s.cfg.Zones); err != nil {
		return r, err
	}
	return s.maskReaction(r), nil
}

func (s *Server) updateReactionOp(ctx context.Context, u store.User, id string, r engine.Reaction) (engine.Reaction, error) {
	old, err := s.ownReactionID(ctx, u, id)
	if err != nil {
		return r, err
	}
	if r.ID != "" && r.ID != old.ID {
		return r, &engine.FieldError{Field: "id", Reason: "cannot change"}
	}
	r.ID, r.Owner, r.CreatedAt, r.UpdatedAt, r.LastRun = old.ID, old.Owner, old.CreatedAt, time.Now().UTC(), old.LastRun
	r.Config = unmaskConfig(r.Config, old.Config)
	if err := s.checkReaction(ctx, &r); err != nil {
		return r, err
	}
	if err := s.cfg.Store.PutReaction(ctx, r, s.cfg.Zones); err != nil {
		return r, err
	}
	return s.maskReaction(r), nil
}

func (s *Server) deleteReactionOp(ctx context.Context, u store.User, id string) error {
	r, err := s.ownReactionID(ctx, u, id)
	if err != nil {
		return err
	}
	return s.cfg.Store.DeleteReaction(ctx, r.ID, s.cfg.Zones)
}

func (s *Server) createReaction(c *fiber.Ctx) error {
	var in reactionInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	r, err := s.createReactionOp(c.UserContext(), user(c), in.reaction())
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) updateReaction(c *fiber.Ctx) error {
	var in reactionInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	r, err := s.updateReactionOp(c.UserContext(), user(c), c.Params("id"), in.reaction())
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(r)
}

func (s *Server) deleteReaction(c *fiber.Ctx) error {
	if err := s.deleteReactionOp(c.UserContext(), user(c), c.Params("id")); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) checkReaction(ctx context.Context, r *engine.Reaction) error {
	r.Normalize()
	var errs engine.FieldErrors
	if err := r.Validate(); err != nil {
		fes, _ := engine.AsFieldErrors(err)
		errs = append(errs, fes...)
	}
	if len(errs) == 0 {
		if err := s.validatePlugin(ctx, "plugin", r.Plugin, r.Version, r.Config, &errs); err != nil {
			return err
		}
	}
	return errs.Err()
}
