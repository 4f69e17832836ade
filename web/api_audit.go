package web

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// auditView is an audit entry with links: the changed object and, for a
// monitor's entries, its reaction logs (every reaction execution is logged
// there with its outcome).
type auditView struct {
	store.AuditEntry
	Link         string `json:"link,omitempty"`
	ReactionLogs string `json:"reaction_logs,omitempty"`
}

// auditQuery reads limit, before and (admins) owner. Users see the
// entries of their own objects; admins see every entry unless they ask
// for one owner.
func (s *Server) auditQuery(c *fiber.Ctx) (store.AuditQuery, error) {
	q := store.AuditQuery{Owner: user(c).ID, Limit: clamp(c.QueryInt("limit", 100), 1, 500)}
	if user(c).Admin {
		q.Owner = c.Query("owner")
	}
	if v := c.Query("before"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return q, &engine.FieldError{Field: "before", Reason: "must be an RFC 3339 time"}
		}
		q.Before = t
	}
	return q, nil
}

func (s *Server) auditViews(c *fiber.Ctx) ([]auditView, error) {
	q, err := s.auditQuery(c)
	if err != nil {
		return nil, err
	}
	es, err := s.cfg.Store.ListAudit(c.UserContext(), q)
	if err != nil {
		return nil, err
	}
	out := make([]auditView, len(es))
	for i, e := range es {
		v := auditView{AuditEntry: e}
		switch {
		case e.MonitorID != "":
			v.Link = "/monitors/" + url.PathEscape(e.MonitorID)
			v.ReactionLogs = "/api/v1/monitors/" + url.PathEscape(e.MonitorID) + "/reactionlogs"
		case e.ObjectType == objReaction && e.Action != auditDelete:
			v.Link = "/reactions/" + url.PathEscape(e.ObjectID) + "/edit"
		}
		out[i] = v
	}
	return out, nil
}

func (s *Server) apiAudit(c *fiber.Ctx) error {
	vs, err := s.auditViews(c)
	if err != nil {
		return failErr(c, err)
	}
	return c.JSON(vs)
}

func (s *Server) pageAudit(c *fiber.Ctx) error {
	vs, err := s.auditViews(c)
	if err != nil {
		return s.render(c, statusOf(err), "audit.html", page{"Error": err.Error()})
	}
	var older string
	if len(vs) > 0 && len(vs) == clamp(c.QueryInt("limit", 100), 1, 500) {
		older = vs[len(vs)-1].At.Format(time.RFC3339Nano)
	}
	return s.render(c, fiber.StatusOK, "audit.html", page{"Entries": vs, "Older": older})
}
