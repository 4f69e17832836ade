package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/runbookhq/runbook/engine/store"
)

// Every change a user makes through the web is recorded in the store's
// audit trail (store.WebExt): who, when, which object and which fields.
// Values are never recorded, only field names, so secrets (and configs
// that may hold credentials) cannot leak through the trail.

// Audit actions and object types.
const (
	auditCreate = "create"
	auditUpdate = "update"
	auditDelete = "delete"

	objMonitor        = "monitor"
	objReaction       = "reaction"
	objSilence        = "silence"
	objToken          = "token"
	objPlanAssignment = "plan_assignment"
	objPlan           = "plan"
	objStatusPage     = "status_page"
	objWebhook        = "webhook"
)

type auditRec struct {
	action, objType, objID, owner, monitorID string
	fields                                   []string
}

// audit records one change. The change itself has already been stored;
// a failing audit write is logged rather than failing the request, since
// retrying the request would make the change twice.
func (s *Server) audit(ctx context.Context, u store.User, r auditRec) {
	e := store.AuditEntry{
		ID: newID("a-"), At: time.Now().UTC(), UserID: u.ID, UserEmail: u.Email,
		Owner: r.owner, Action: r.action, ObjectType: r.objType, ObjectID: r.objID,
		MonitorID: r.monitorID, Fields: r.fields,
	}
	if err := s.cfg.Store.AddAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit entry not stored", "object", r.objType, "id", r.objID, "user", u.ID, "err", err)
	}
}

// notAudited are fields the server keeps itself: they change on every
// write and say nothing about what the user changed.
var notAudited = map[string]bool{
	"updated_at": true, "created_at": true, "status": true, "status_at": true,
	"owner": true, "last_run": true, "sealed_secrets": true,
}

// changedFields names the top-level JSON fields that differ between old
// and next, and "config.<key>" for each config key that differs. Only
// names: a config value may be a credential.
func changedFields(old, next any) []string {
	a, b := jsonFields(old), jsonFields(next)
	var out []string
	for _, k := range unionKeys(a, b) {
		if notAudited[k] || bytes.Equal(a[k], b[k]) {
			continue
		}
		if k == "config" {
			ca, cb := rawFields(a[k]), rawFields(b[k])
			for _, ck := range unionKeys(ca, cb) {
				if !bytes.Equal(ca[ck], cb[ck]) {
					out = append(out, "config."+ck)
				}
			}
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func jsonFields(v any) map[string]json.RawMessage {
	b, _ := json.Marshal(v)
	return rawFields(b)
}

func rawFields(b []byte) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &m)
	return m
}

func unionKeys(a, b map[string]json.RawMessage) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]json.RawMessage{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// secretFieldNames turns changed secret names into audit fields.
func secretFieldNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "secrets." + n
	}
	return out
}

// putPlan stores a plan (admins) and records which limits changed.
func (s *Server) putPlan(c *fiber.Ctx, p store.Plan) error {
	old, err := s.cfg.Store.GetPlan(c.UserContext(), p.ID)
	action := auditUpdate
	if errors.Is(err, store.ErrNotFound) {
		action, old = auditCreate, store.Plan{}
	} else if err != nil {
		return err
	}
	if err := s.cfg.Store.PutPlan(c.UserContext(), p); err != nil {
		return err
	}
	s.audit(c.UserContext(), user(c), auditRec{action: action, objType: objPlan, objID: p.ID, fields: changedFields(old, p)})
	return nil
}
