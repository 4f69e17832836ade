package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/abi"
)

// userView is a user without the password hash.
type userView struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Admin     bool      `json:"admin"`
	Plan      string    `json:"plan"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u store.User) userView {
	return userView{ID: u.ID, Email: u.Email, Admin: u.Admin, Plan: u.Plan, CreatedAt: u.CreatedAt}
}

// apiSignup creates an account and its first API token (shown once), so
// a script can sign up and go on with `runbook apply`.
func (s *Server) apiSignup(c *fiber.Ctx) error {
	var in signupInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	u, err := s.signup(c.UserContext(), in)
	if err != nil {
		return failErr(c, err)
	}
	tok, err := s.createToken(c, u, "sign-up")
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": viewUser(u), "token": tok})
}

func (s *Server) apiMe(c *fiber.Ctx) error { return c.JSON(viewUser(user(c))) }

func (s *Server) apiChangePassword(c *fiber.Ctx) error {
	var in passwordInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	if err := s.changePassword(c.UserContext(), user(c), in); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// planView is the caller's plan and how much of it is used.
type planView struct {
	store.Plan
	Monitors  int `json:"monitors"`
	Reactions int `json:"reactions"`
}

func (s *Server) apiPlan(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), user(c)
	p, err := s.plan(ctx, u.Plan)
	if err != nil {
		return failErr(c, err)
	}
	sn, err := s.monitors.get(ctx, u.ID)
	if err != nil {
		return failErr(c, err)
	}
	rs, err := s.cfg.Store.ListReactions(ctx, u.ID)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(planView{Plan: p, Monitors: len(sn.ms), Reactions: len(rs)})
}

// pluginView is what a client needs to build a config for a plugin.
type pluginView struct {
	Name        string   `json:"name"`
	Version     string   `json:"version"`
	Kind        abi.Kind `json:"kind"`
	Description string   `json:"description,omitempty"`
	Config      any      `json:"config_schema,omitempty"`
	Serving     bool     `json:"serving"`
	Error       string   `json:"error,omitempty"`
}

func (s *Server) apiPlugins(c *fiber.Ctx) error {
	out := []pluginView{}
	if s.cfg.Catalog != nil {
		for _, p := range s.cfg.Catalog.Plugins() {
			if !p.Current {
				continue
			}
			v := pluginView{Name: p.Name, Version: p.Version, Kind: p.Kind, Description: p.Manifest.Description, Serving: p.Err == nil}
			if len(p.Manifest.Config) > 0 {
				v.Config = p.Manifest.Config
			}
			if p.Err != nil {
				v.Error = p.Err.Error()
			}
			out = append(out, v)
		}
	}
	return c.JSON(out)
}

// tokenView lists a token without its secret; ID revokes it.
type tokenView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Token is set only in the response that creates it.
	Token string `json:"token,omitempty"`
}

type tokenInput struct {
	Name string `json:"name" form:"name"`
}

func (in *tokenInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 100 {
		return &engine.FieldError{Field: "name", Reason: "is required (1-100 characters)"}
	}
	return nil
}

func (s *Server) createToken(c *fiber.Ctx, u store.User, name string) (tokenView, error) {
	tok, hash := NewToken()
	t := store.Token{Hash: hash, UserID: u.ID, Name: name, CreatedAt: time.Now().UTC()}
	if err := s.cfg.Store.PutToken(c.UserContext(), t); err != nil {
		return tokenView{}, err
	}
	s.audit(c.UserContext(), u, auditRec{action: auditCreate, objType: objToken, objID: tokenID(hash), owner: u.ID, fields: []string{"name"}})
	return tokenView{ID: tokenID(hash), Name: name, CreatedAt: t.CreatedAt, Token: tok}, nil
}

func (s *Server) listTokens(c *fiber.Ctx) ([]tokenView, error) {
	ts, err := s.cfg.Store.ListTokens(c.UserContext(), user(c).ID)
	if err != nil {
		return nil, err
	}
	out := []tokenView{}
	for _, t := range ts {
		out = append(out, tokenView{ID: tokenID(t.Hash), Name: t.Name, CreatedAt: t.CreatedAt})
	}
	return out, nil
}

func (s *Server) revokeToken(c *fiber.Ctx, id string) error {
	ts, err := s.cfg.Store.ListTokens(c.UserContext(), user(c).ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if tokenID(t.Hash) == id {
			if err := s.cfg.Store.DeleteToken(c.UserContext(), t.Hash); err != nil {
				return err
			}
			s.audit(c.UserContext(), user(c), auditRec{action: auditDelete, objType: objToken, objID: id, owner: t.UserID})
			return nil
		}
	}
	return store.ErrNotFound
}

func (s *Server) apiListTokens(c *fiber.Ctx) error {
	ts, err := s.listTokens(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(ts)
}

func (s *Server) apiCreateToken(c *fiber.Ctx) error {
	var in tokenInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	if err := in.Validate(); err != nil {
		return failErr(c, err)
	}
	t, err := s.createToken(c, user(c), in.Name)
	if err != nil {
		return failErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) apiRevokeToken(c *fiber.Ctx) error {
	if err := s.revokeToken(c, c.Params("id")); err != nil {
		return failErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// summary is the dashboard's header: counts by state.
type summary struct {
	Total  int `json:"total"`
	Paused int `json:"paused"`
	// Counts is keyed by status; string keys so templates can index it.
	Counts map[string]int `json:"counts"`
}

func summarize(ms []engine.Monitor) summary {
	sm := summary{Total: len(ms), Counts: map[string]int{
		string(engine.StatusHealthy): 0, string(engine.StatusFailed): 0, string(engine.StatusUnknown): 0, string(engine.StatusPending): 0,
	}}
	for _, m := range ms {
		sm.Counts[string(m.Status)]++
		if m.Paused {
			sm.Paused++
		}
	}
	return sm
}

func (s *Server) apiSummary(c *fiber.Ctx) error {
	sn, err := s.monitors.get(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(sn.summary)
}

// apiAllEvents is the newest events of the caller's monitors.
func (s *Server) apiAllEvents(c *fiber.Ctx) error {
	evs, err := s.recentEvents(c, clamp(c.QueryInt("limit", 20), 1, 200))
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(evs)
}

// recentEvents reads events of every monitor and keeps the caller's:
// events carry no owner, so ownership is decided by monitor id.
func (s *Server) recentEvents(c *fiber.Ctx, limit int) ([]engine.Event, error) {
	sn, err := s.monitors.get(c.UserContext(), user(c).ID)
	if err != nil {
		return nil, err
	}
	return s.recentEventsOf(c, sn.ms, limit)
}

// recentEventsOf is recentEvents for monitors the caller already listed.
func (s *Server) recentEventsOf(c *fiber.Ctx, ms []engine.Monitor, limit int) ([]engine.Event, error) {
	mine := make(map[string]bool, len(ms))
	for _, m := range ms {
		mine[m.ID] = true
	}
	out := []engine.Event{}
	if len(ms) == 0 {
		return out, nil
	}
	evs, err := s.cfg.Store.Events(c.UserContext(), "", limit*20)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if mine[e.MonitorID] {
			out = append(out, e)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// Admin.

func (s *Server) apiAdminUsers(c *fiber.Ctx) error {
	us, err := s.cfg.Store.ListUsers(c.UserContext())
	if err != nil {
		return failErr(c, err)
	}
	out := make([]userView, 0, len(us))
	for _, u := range us {
		out = append(out, viewUser(u))
	}
	return c.JSON(out)
}

type setPlanInput struct {
	Plan string `json:"plan" form:"plan"`
}

func (s *Server) setUserPlan(c *fiber.Ctx, id, plan string) (store.User, error) {
	ps, err := s.plans(c.UserContext())
	if err != nil {
		return store.User{}, err
	}
	known := false
	for _, p := range ps {
		known = known || p.ID == plan
	}
	if !known {
		return store.User{}, &engine.FieldError{Field: "plan", Reason: "unknown plan " + plan}
	}
	u, err := s.cfg.Store.GetUser(c.UserContext(), id)
	if err != nil {
		return u, err
	}
	old := u.Plan
	u.Plan = plan
	if err := s.cfg.Store.PutUser(c.UserContext(), u); err != nil {
		return u, err
	}
	if old != plan {
		// Owned by the user whose plan it is, so they see who changed it.
		s.audit(c.UserContext(), user(c), auditRec{action: auditUpdate, objType: objPlanAssignment, objID: u.ID, owner: u.ID, fields: []string{"plan"}})
	}
	s.log.Info("plan assigned", "user", u.ID, "plan", plan, "by", user(c).ID)
	return u, nil
}

func (s *Server) apiAdminSetPlan(c *fiber.Ctx) error {
	var in setPlanInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	u, err := s.setUserPlan(c, c.Params("id"), in.Plan)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(viewUser(u))
}

func (s *Server) apiAdminPlans(c *fiber.Ctx) error {
	ps, err := s.plans(c.UserContext())
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(ps)
}

func (s *Server) apiAdminPutPlan(c *fiber.Ctx) error {
	var p store.Plan
	if err := decode(c, &p); err != nil {
		return failErr(c, err)
	}
	if p.ID != "" && p.ID != c.Params("id") {
		return failErr(c, &engine.FieldError{Field: "id", Reason: "must match the URL"})
	}
	p.ID = c.Params("id")
	if err := p.Validate(); err != nil {
		return failErr(c, err)
	}
	if err := s.putPlan(c, p); err != nil {
		return failErr(c, err)
	}
	return c.JSON(p)
}

func (s *Server) apiAdminDeletePlan(c *fiber.Ctx) error {
	err := s.cfg.Store.DeletePlan(c.UserContext(), c.Params("id"))
	if err != nil && !(errors.Is(err, store.ErrNotFound) && builtinPlans[c.Params("id")].ID != "") {
		return failErr(c, err)
	}
	if err == nil {
		s.audit(c.UserContext(), user(c), auditRec{action: auditDelete, objType: objPlan, objID: c.Params("id")})
	}
	return c.SendStatus(fiber.StatusNoContent)
}
