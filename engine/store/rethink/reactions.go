package rethink

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// reactionRow is a reaction as stored. The last run lives beside the body
// so it can be moved forward in one ReQL update: LastRunKey orders, LastRun
// is the time as it was given.
type reactionRow struct {
	ID         string `rethinkdb:"id"`
	Owner      string `rethinkdb:"owner"`
	LastRunKey string `rethinkdb:"last_run_key"`
	LastRun    string `rethinkdb:"last_run"`
	Body       string `rethinkdb:"body"`
}

func toReactionRow(rc engine.Reaction) (reactionRow, error) {
	b, err := json.Marshal(rc)
	if err != nil {
		return reactionRow{}, fmt.Errorf("encode reaction %q: %w", rc.ID, err)
	}
	row := reactionRow{ID: rc.ID, Owner: rc.Owner, Body: string(b)}
	if !rc.LastRun.IsZero() {
		row.LastRunKey, row.LastRun = timeKey(rc.LastRun), timeText(rc.LastRun)
	}
	return row, nil
}

func (row reactionRow) reaction() (engine.Reaction, error) {
	var rc engine.Reaction
	if err := json.Unmarshal([]byte(row.Body), &rc); err != nil {
		return rc, fmt.Errorf("decode reaction %q: %w", row.ID, err)
	}
	at, err := parseTimeText("last_run", row.LastRun)
	if err != nil {
		return rc, fmt.Errorf("decode reaction %q: %w", row.ID, err)
	}
	rc.LastRun = at
	return rc, nil
}

func (s *Store) PutReaction(ctx context.Context, rc engine.Reaction, notify []string) error {
	row, err := toReactionRow(rc)
	if err != nil {
		return err
	}
	if _, err := s.write(ctx, fmt.Sprintf("put reaction %q", rc.ID),
		s.table(tReactions).Insert(row, r.InsertOpts{Conflict: "replace"})); err != nil {
		return err
	}
	return s.notify(ctx, notify, engine.OpUpsertReaction, rc.ID)
}

func (s *Store) GetReaction(ctx context.Context, id string) (engine.Reaction, error) {
	var row reactionRow
	found, err := s.one(ctx, fmt.Sprintf("get reaction %q", id), s.table(tReactions).Get(id), &row)
	if err != nil {
		return engine.Reaction{}, err
	}
	if !found {
		return engine.Reaction{}, fmt.Errorf("get reaction %q: %w", id, store.ErrNotFound)
	}
	return row.reaction()
}

func (s *Store) ListReactions(ctx context.Context, owner string) ([]engine.Reaction, error) {
	var rows []reactionRow
	if err := s.all(ctx, fmt.Sprintf("list reactions of %q", owner), byOwner(s.table(tReactions), owner), &rows); err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	out := make([]engine.Reaction, 0, len(rows))
	for _, row := range rows {
		rc, err := row.reaction()
		if err != nil {
			return nil, err
		}
		out = append(out, rc)
	}
	return out, nil
}

func (s *Store) DeleteReaction(ctx context.Context, id string, notify []string) error {
	what := fmt.Sprintf("delete reaction %q", id)
	res, err := s.write(ctx, what, s.table(tReactions).Get(id).Delete())
	if err != nil {
		return err
	}
	if res.Deleted == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return s.notify(ctx, notify, engine.OpDeleteReaction, id)
}

// SetReactionLastRun moves the last run forward in one atomic update: the
// server compares the stored key with the new one (r.branch), so zones
// racing each other never move it back.
func (s *Store) SetReactionLastRun(ctx context.Context, id string, at time.Time) error {
	what := fmt.Sprintf("set last run of reaction %q", id)
	key, text := timeKey(at), timeText(at)
	res, err := s.write(ctx, what, s.table(tReactions).Get(id).Update(func(row r.Term) interface{} {
		return r.Branch(row.Field("last_run_key").Default("").Lt(key),
			map[string]interface{}{"last_run_key": key, "last_run": text},
			map[string]interface{}{})
	}))
	if err != nil {
		return err
	}
	if res.Skipped > 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}
