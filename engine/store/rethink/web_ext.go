package rethink

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
)

// Tables of the audit trail and status slugs, added to the schema list so
// ensureSchema creates them on every open (accounts_ext.go does the same).
const (
	tAudit       = "audit"
	tStatusSlugs = "status_slugs"
)

func init() {
	schema = append(schema,
		struct {
			table   string
			indexes []indexSpec
		}{tAudit, []indexSpec{{"at", []string{"at"}}, {"owner_at", []string{"owner", "at"}}}},
		struct {
			table   string
			indexes []indexSpec
		}{tStatusSlugs, nil},
	)
}

var _ store.WebExt = (*Store)(nil)

// auditRow keeps an entry as JSON beside the fields the indexes use. At is
// timeKey(at) + " " + id: string order is (time, id) order and no two
// rows tie.
type auditRow struct {
	ID    string `rethinkdb:"id"`
	Owner string `rethinkdb:"owner"`
	At    string `rethinkdb:"at"`
	Body  string `rethinkdb:"body"`
}

func (s *Store) AddAudit(ctx context.Context, entries ...store.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows := make([]auditRow, 0, len(entries))
	for _, e := range entries {
		if e.ID == "" {
			return fmt.Errorf("audit entry: empty id")
		}
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode audit entry %q: %w", e.ID, err)
		}
		rows = append(rows, auditRow{ID: e.ID, Owner: e.Owner, At: timeKey(e.At) + " " + e.ID, Body: string(b)})
	}
	// keepOld: adding an entry again (a retried request) changes nothing.
	_, err := s.write(ctx, fmt.Sprintf("add %d audit entries", len(rows)), s.table(tAudit).Insert(rows, r.InsertOpts{Conflict: keepOld}))
	return err
}

func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	var lo, hi interface{} = r.MinVal, r.MaxVal
	if !q.Before.IsZero() {
		hi = timeKey(q.Before)
	}
	index := "at"
	if q.Owner != "" {
		index = "owner_at"
		lo, hi = []interface{}{q.Owner, lo}, []interface{}{q.Owner, hi}
	}
	var rows []auditRow
	if err := s.all(ctx, fmt.Sprintf("list audit of %q", q.Owner), s.table(tAudit).
		Between(lo, hi, r.BetweenOpts{Index: index}).
		OrderBy(r.OrderByOpts{Index: r.Desc(index)}).
		Limit(limit), &rows); err != nil {
		return nil, err
	}
	out := make([]store.AuditEntry, 0, len(rows))
	for _, row := range rows {
		var e store.AuditEntry
		if err := json.Unmarshal([]byte(row.Body), &e); err != nil {
			return nil, fmt.Errorf("decode audit entry %q: %w", row.ID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

type slugRow struct {
	ID     string `rethinkdb:"id"` // the slug
	UserID string `rethinkdb:"user_id"`
}

// SetStatusSlug claims the slug first (the primary key makes the claim
// unique), then releases the owner's other slugs. A crash between the two
// leaves the owner holding both until the next set; StatusSlug then
// returns the first by name.
func (s *Store) SetStatusSlug(ctx context.Context, owner, slug string) error {
	if owner == "" {
		return fmt.Errorf("set status slug: empty owner")
	}
	what := fmt.Sprintf("set status slug of %q", owner)
	if slug != "" {
		if _, err := s.write(ctx, what, s.table(tStatusSlugs).Insert(slugRow{ID: slug, UserID: owner}, r.InsertOpts{Conflict: keepOld})); err != nil {
			return err
		}
		var held slugRow
		if _, err := s.one(ctx, what, s.table(tStatusSlugs).Get(slug), &held); err != nil {
			return err
		}
		if held.UserID != owner {
			return fmt.Errorf("status page slug %q is taken: %w", slug, store.ErrConflict)
		}
	}
	_, err := s.write(ctx, what, s.table(tStatusSlugs).Filter(func(row r.Term) r.Term {
		return row.Field("user_id").Eq(owner).And(row.Field("id").Ne(slug))
	}).Delete())
	return err
}

func (s *Store) StatusSlugOwner(ctx context.Context, slug string) (string, error) {
	what := fmt.Sprintf("get status slug %q", slug)
	var row slugRow
	found, err := s.one(ctx, what, s.table(tStatusSlugs).Get(slug), &row)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return row.UserID, nil
}

func (s *Store) StatusSlug(ctx context.Context, owner string) (string, error) {
	what := fmt.Sprintf("get status slug of %q", owner)
	var rows []slugRow
	if err := s.all(ctx, what, s.table(tStatusSlugs).Filter(map[string]interface{}{"user_id": owner}), &rows); err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return "", fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	return rows[0].ID, nil
}
