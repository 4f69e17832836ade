package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Built-in plans exist without being stored; an admin may store a plan
// with the same id to change them.
const (
	PlanFree      = "free"
	PlanUnlimited = "unlimited"
)

var builtinPlans = map[string]store.Plan{
	PlanFree:      {ID: PlanFree, Name: "Free", MaxMonitors: 20, MaxReactions: 10, MinInterval: engine.Duration(30 * time.Second)},
	PlanUnlimited: {ID: PlanUnlimited, Name: "Unlimited"},
}

func (s *Server) plan(ctx context.Context, id string) (store.Plan, error) {
	p, err := s.cfg.Store.GetPlan(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		if b, ok := builtinPlans[id]; ok {
			return b, nil
		}
		// An account whose plan was deleted falls back to the free one
		// rather than to no limits at all.
		return builtinPlans[PlanFree], nil
	}
	return p, err
}

func (s *Server) plans(ctx context.Context) ([]store.Plan, error) {
	stored, err := s.cfg.Store.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range stored {
		seen[p.ID] = true
	}
	for _, id := range []string{PlanFree, PlanUnlimited} {
		if !seen[id] {
			stored = append(stored, builtinPlans[id])
		}
	}
	return stored, nil
}

// limitError is a request the account's plan does not allow: 403 with
// code plan_limit and the field that hit the limit.
type limitError struct {
	Field, Reason string
}

func (e *limitError) Error() string { return e.Reason }

func (s *Server) checkMonitorLimits(ctx context.Context, u store.User, m *engine.Monitor, creating bool) error {
	p, err := s.plan(ctx, u.Plan)
	if err != nil {
		return err
	}
	if creating && p.MaxMonitors > 0 {
		ms, err := s.cfg.Store.ListMonitors(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(ms) >= p.MaxMonitors {
			return &limitError{"id", fmt.Sprintf("your plan %q allows %d monitors and you have %d; delete one or ask an admin for a bigger plan", p.Name, p.MaxMonitors, len(ms))}
		}
	}
	if p.MinInterval > 0 && m.Kind != engine.KindWebhook && m.Interval < p.MinInterval {
		return &limitError{"interval", fmt.Sprintf("your plan %q allows intervals of %s or more, not %s", p.Name, p.MinInterval, m.Interval)}
	}
	return nil
}

func (s *Server) checkReactionLimits(ctx context.Context, u store.User) error {
	p, err := s.plan(ctx, u.Plan)
	if err != nil || p.MaxReactions == 0 {
		return err
	}
	rs, err := s.cfg.Store.ListReactions(ctx, u.ID)
	if err != nil {
		return err
	}
	if len(rs) >= p.MaxReactions {
		return &limitError{"id", fmt.Sprintf("your plan %q allows %d reactions and you have %d; delete one or ask an admin for a bigger plan", p.Name, p.MaxReactions, len(rs))}
	}
	return nil
}
