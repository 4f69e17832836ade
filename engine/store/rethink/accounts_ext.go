package rethink

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
)

// Tables of the web's extra objects. They are added to the schema list
// here so ensureSchema creates them on every open, old databases included:
// new tables need no migration step.
const (
	tPlans          = "plans"
	tSessions       = "sessions"
	tWebhookSecrets = "webhook_secrets"
	tStatusPages    = "status_pages"
)

func init() {
	schema = append(schema,
		struct {
			table   string
			indexes []indexSpec
		}{tPlans, nil},
		struct {
			table   string
			indexes []indexSpec
		}{tSessions, nil},
		struct {
			table   string
			indexes []indexSpec
		}{tWebhookSecrets, nil},
		struct {
			table   string
			indexes []indexSpec
		}{tStatusPages, nil},
	)
}

var _ store.AccountsExt = (*Store)(nil)

// extRow keeps an object as JSON text beside the fields queries filter on.
type extRow struct {
	ID     string `rethinkdb:"id"`
	UserID string `rethinkdb:"user_id"`
	Body   string `rethinkdb:"body"`
}

func (s *Store) extPut(ctx context.Context, what, table, id, userID string, v any) error {
	if id == "" {
		return fmt.Errorf("%s: empty key", what)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", what, err)
	}
	_, err = s.write(ctx, what, s.table(table).Insert(extRow{ID: id, UserID: userID, Body: string(b)}, r.InsertOpts{Conflict: "replace"}))
	return err
}

func (s *Store) extGet(ctx context.Context, what, table, id string, out any) error {
	var row extRow
	found, err := s.one(ctx, what, s.table(table).Get(id), &row)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err := json.Unmarshal([]byte(row.Body), out); err != nil {
		return fmt.Errorf("%s: decode: %w", what, err)
	}
	return nil
}

func (s *Store) extDelete(ctx context.Context, what, table, id string) error {
	res, err := s.write(ctx, what, s.table(table).Get(id).Delete())
	if err != nil {
		return err
	}
	if res.Deleted == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

func (s *Store) PutPlan(ctx context.Context, p store.Plan) error {
	return s.extPut(ctx, fmt.Sprintf("put plan %q", p.ID), tPlans, p.ID, "", p)
}

func (s *Store) GetPlan(ctx context.Context, id string) (store.Plan, error) {
	var p store.Plan
	err := s.extGet(ctx, fmt.Sprintf("get plan %q", id), tPlans, id, &p)
	return p, err
}

func (s *Store) ListPlans(ctx context.Context) ([]store.Plan, error) {
	var rows []extRow
	if err := s.all(ctx, "list plans", s.table(tPlans), &rows); err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	out := make([]store.Plan, 0, len(rows))
	for _, row := range rows {
		var p store.Plan
		if err := json.Unmarshal([]byte(row.Body), &p); err != nil {
			return nil, fmt.Errorf("decode plan %q: %w", row.ID, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *Store) DeletePlan(ctx context.Context, id string) error {
	return s.extDelete(ctx, fmt.Sprintf("delete plan %q", id), tPlans, id)
}

// ListTokens filters the tokens table by user: a user has a handful of
// tokens and the list is read only on the tokens page.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]store.Token, error) {
	var rows []tokenRow
	if err := s.all(ctx, fmt.Sprintf("list tokens of user %q", userID),
		s.table(tTokens).Filter(map[string]interface{}{"user_id": userID}), &rows); err != nil {
		return nil, err
	}
	out := make([]store.Token, 0, len(rows))
	for _, row := range rows {
		var t store.Token
		if err := json.Unmarshal([]byte(row.Body), &t); err != nil {
			return nil, fmt.Errorf("decode token of user %q: %w", userID, err)
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

func (s *Store) PutSession(ctx context.Context, se store.Session) error {
	return s.extPut(ctx, fmt.Sprintf("put session of user %q", se.UserID), tSessions, se.Hash, se.UserID, se)
}

// Session hashes fingerprint credentials: errors never show them.
func (s *Store) GetSession(ctx context.Context, hash string) (store.Session, error) {
	var se store.Session
	err := s.extGet(ctx, "get session", tSessions, hash, &se)
	return se, err
}

func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.extDelete(ctx, "delete session", tSessions, hash)
}

func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.write(ctx, fmt.Sprintf("delete sessions of user %q", userID),
		s.table(tSessions).Filter(map[string]interface{}{"user_id": userID}).Delete())
	return err
}

func (s *Store) PutWebhookSecret(ctx context.Context, w store.WebhookSecret) error {
	return s.extPut(ctx, fmt.Sprintf("put webhook secret of monitor %q", w.MonitorID), tWebhookSecrets, w.MonitorID, w.Owner, w)
}

func (s *Store) GetWebhookSecret(ctx context.Context, monitorID string) (store.WebhookSecret, error) {
	var w store.WebhookSecret
	err := s.extGet(ctx, fmt.Sprintf("get webhook secret of monitor %q", monitorID), tWebhookSecrets, monitorID, &w)
	return w, err
}

func (s *Store) DeleteWebhookSecret(ctx context.Context, monitorID string) error {
	return s.extDelete(ctx, fmt.Sprintf("delete webhook secret of monitor %q", monitorID), tWebhookSecrets, monitorID)
}

func (s *Store) PutStatusPage(ctx context.Context, p store.StatusPage) error {
	return s.extPut(ctx, fmt.Sprintf("put status page of %q", p.Owner), tStatusPages, p.Owner, p.Owner, p)
}

func (s *Store) GetStatusPage(ctx context.Context, owner string) (store.StatusPage, error) {
	var p store.StatusPage
	err := s.extGet(ctx, fmt.Sprintf("get status page of %q", owner), tStatusPages, owner, &p)
	return p, err
}
