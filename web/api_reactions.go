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

// maskReaction hides secret config values and the sealed secrets.
func (s *Server) maskReaction(r engine.Reaction) engine.Reaction {
	mf, _ := s.manifest(abi.KindReaction, r.Plugin, r.Version)
	r.Config = maskConfig(r.Config, mf.Config)
	r.SealedSecrets = ""
	return r
}

func (s *Server) listReactions(c *fiber.Ctx) error {
	rs, err := s.cfg.Store.ListReactions(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	out := make([]reactionView, len(rs))
	for i := range rs {
		out[i] = s.viewReaction(rs[i])
	}
	return c.JSON(out)
}

func (s *Server) getReaction(c *fiber.Ctx) error {
	r, err := s.ownReactionID(c.UserContext(), user(c), c.Params("id"))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(s.viewReaction(r))
}

// reactionInput lets "enabled" default to true when omitted: a reaction
// someone just created is meant to run. Server-kept fields are accepted
// and ignored so an exported reaction applies as is.
type reactionInput struct {
	engine.Reaction
	secretsInput
	SealedSecrets *string    `json:"sealed_secrets,omitempty"`
	Enabled       *bool      `json:"enabled"`
	Owner         *string    `json:"owner,omitempty"`
	LastRun       *time.Time `json:"last_run,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"`
}

func (in reactionInput) reaction() engine.Reaction {
	r := in.Reaction
	r.Enabled = in.Enabled == nil || *in.Enabled
	return r
}

// createReactionOp creates r with the given secrets (name → value).
func (s *Server) createReactionOp(ctx context.Context, u store.User, r engine.Reaction, secrets map[string]string) (reactionView, error) {
	var none reactionView
	if r.ID == "" {
		r.ID = newID("r-")
	}
	if _, err := s.cfg.Store.GetReaction(ctx, r.ID); err == nil {
		return none, fmt.Errorf("a reaction with id %s exists: %w", r.ID, errTaken)
	} else if !errors.Is(err, store.ErrNotFound) {
		return none, err
	}
	if f := stillMasked(r.Config); f != "" {
		return none, &engine.FieldError{Field: "config." + f, Reason: "holds the secret mask; type the real value"}
	}
	now := time.Now().UTC()
	r.Owner, r.CreatedAt, r.UpdatedAt, r.LastRun = u.ID, now, now, time.Time{}
	if err := s.checkReaction(ctx, &r); err != nil {
		return none, err
	}
	if err := s.checkReactionLimits(ctx, u); err != nil {
		return none, err
	}
	sealed, changed, err := s.mergeSecrets("", secrets)
	if err != nil {
		return none, err
	}
	r.SealedSecrets = sealed
	if err := s.cfg.Store.PutReaction(ctx, r, s.cfg.Zones); err != nil {
		return none, err
	}
	s.audit(ctx, u, auditRec{action: auditCreate, objType: objReaction, objID: r.ID, owner: r.Owner,
		fields: append(changedFields(engine.Reaction{}, r), secretFieldNames(changed)...)})
	return s.viewReaction(r), nil
}

// updateReactionOp replaces reaction id with r. secrets changes the stored
// ones: nil keeps them all, a name with "" deletes that one.
func (s *Server) updateReactionOp(ctx context.Context, u store.User, id string, r engine.Reaction, secrets map[string]string) (reactionView, error) {
	var none reactionView
	old, err := s.ownReactionID(ctx, u, id)
	if err != nil {
		return none, err
	}
	if r.ID != "" && r.ID != old.ID {
		return none, &engine.FieldError{Field: "id", Reason: "cannot change"}
	}
	r.ID, r.Owner, r.CreatedAt, r.UpdatedAt, r.LastRun = old.ID, old.Owner, old.CreatedAt, time.Now().UTC(), old.LastRun
	r.Config = unmaskConfig(r.Config, old.Config)
	if err := s.checkReaction(ctx, &r); err != nil {
		return none, err
	}
	sealed, changed, err := s.mergeSecrets(old.SealedSecrets, secrets)
	if err != nil {
		return none, err
	}
	r.SealedSecrets = sealed
	if err := s.cfg.Store.PutReaction(ctx, r, s.cfg.Zones); err != nil {
		return none, err
	}
	s.audit(ctx, u, auditRec{action: auditUpdate, objType: objReaction, objID: r.ID, owner: r.Owner,
		fields: append(changedFields(old, r), secretFieldNames(changed)...)})
	return s.viewReaction(r), nil
}

func (s *Server) deleteReactionOp(ctx context.Context, u store.User, id string) error {
	r, err := s.ownReactionID(ctx, u, id)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.DeleteReaction(ctx, r.ID, s.cfg.Zones); err != nil {
		return err
	}
	s.audit(ctx, u, auditRec{action: auditDelete, objType: objReaction, objID: r.ID, owner: r.Owner})
	return nil
}

func (s *Server) createReaction(c *fiber.Ctx) error {
	var in reactionInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	if err := checkSealedInput(in.SealedSecrets); err != nil {
		return failErr(c, err)
	}
	r, err := s.createReactionOp(c.UserContext(), user(c), in.reaction(), in.Secrets)
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
	if err := checkSealedInput(in.SealedSecrets); err != nil {
		return failErr(c, err)
	}
	r, err := s.updateReactionOp(c.UserContext(), user(c), c.Params("id"), in.reaction(), in.Secrets)
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
