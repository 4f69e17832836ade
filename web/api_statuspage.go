package web

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// A status page is opt-in: off until its owner makes it public, and it
// shows only the monitors chosen, by name and status, nothing else.

func (s *Server) statusPage(ctx context.Context, owner string) (store.StatusPage, error) {
	p, err := s.cfg.Store.GetStatusPage(ctx, owner)
	if errors.Is(err, store.ErrNotFound) {
		return store.StatusPage{Owner: owner, Title: "Status", Monitors: []string{}}, nil
	}
	return p, err
}

func (s *Server) apiGetStatusPage(c *fiber.Ctx) error {
	p, err := s.statusPage(c.UserContext(), user(c).ID)
	if err != nil {
		return failErr(c, err)
	}
	v, err := s.viewStatusPage(c.UserContext(), p)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(v)
}

type statusPageInput struct {
	Title    string   `json:"title" form:"title"`
	Public   bool     `json:"public" form:"public"`
	Monitors []string `json:"monitors" form:"monitors"`
	// Slug names the public address (/status/<slug>); omitted keeps it,
	// "" clears it.
	Slug *string `json:"slug,omitempty"`
}

func (s *Server) saveStatusPage(ctx context.Context, u store.User, in statusPageInput) (store.StatusPage, error) {
	p := store.StatusPage{Owner: u.ID, Title: in.Title, Public: in.Public, Monitors: nonNil(in.Monitors), UpdatedAt: time.Now().UTC()}
	if p.Title == "" {
		p.Title = "Status"
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	var errs engine.FieldErrors
	for _, id := range p.Monitors {
		if _, err := s.ownMonitorID(ctx, u, id); errors.Is(err, store.ErrNotFound) {
			errs.Add("monitors", "unknown monitor %q", id)
		} else if err != nil {
			return p, err
		}
	}
	if in.Slug != nil {
		if err := s.setStatusSlug(ctx, u, *in.Slug); err != nil {
			return p, err
		}
	}
	if len(errs) > 0 {
		return p, errs
	}
	old, _ := s.statusPage(ctx, u.ID)
	if err := s.cfg.Store.PutStatusPage(ctx, p); err != nil {
		return p, err
	}
	fields := changedFields(old, p)
	if in.Slug != nil {
		fields = append(fields, "slug")
	}
	s.audit(ctx, u, auditRec{action: auditUpdate, objType: objStatusPage, objID: u.ID, owner: u.ID, fields: fields})
	return p, nil
}

func (s *Server) apiPutStatusPage(c *fiber.Ctx) error {
	var in statusPageInput
	if err := decode(c, &in); err != nil {
		return failErr(c, err)
	}
	p, err := s.saveStatusPage(c.UserContext(), user(c), in)
	if err != nil {
		return failErr(c, err)
	}
	v, err := s.viewStatusPage(c.UserContext(), p)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(v)
}

// publicMonitor is all a status page tells about a monitor.
type publicMonitor struct {
	Name     string        `json:"name"`
	Status   engine.Status `json:"status"`
	StatusAt time.Time     `json:"status_at,omitzero"`
	Uptime   *float64      `json:"uptime_30d"`
}

type publicStatus struct {
	Title     string          `json:"title"`
	Monitors  []publicMonitor `json:"monitors"`
	UpdatedAt time.Time       `json:"generated_at"`
}

// publicStatus is the page at key: a slug, or a user id (statusOwner).
func (s *Server) publicStatus(ctx context.Context, key string) (publicStatus, error) {
	owner, err := s.statusOwner(ctx, key)
	if err != nil {
		return publicStatus{}, err
	}
	p, err := s.cfg.Store.GetStatusPage(ctx, owner)
	if err != nil {
		return publicStatus{}, err
	}
	if !p.Public {
		return publicStatus{}, store.ErrNotFound
	}
	out := publicStatus{Title: p.Title, Monitors: []publicMonitor{}, UpdatedAt: time.Now().UTC()}
	now := time.Now()
	for _, id := range p.Monitors {
		m, err := s.cfg.Store.GetMonitor(ctx, id)
		if err != nil || m.Owner != owner {
			continue // deleted since, or never the owner's
		}
		pm := publicMonitor{Name: m.Name, Status: m.Status, StatusAt: m.StatusAt}
		if ups, err := s.uptime(ctx, m.ID, now); err == nil && len(ups) > 2 {
			pm.Uptime = ups[2].Percent
		}
		out.Monitors = append(out.Monitors, pm)
	}
	return out, nil
}

func (s *Server) apiPublicStatus(c *fiber.Ctx) error {
	ps, err := s.publicStatus(c.UserContext(), c.Params("owner"))
	if err != nil {
		return failErr(c, err)
	}
	c.Set("Cache-Control", "public, max-age=10")
	return c.JSON(ps)
}
