package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine"
)

// PutReaction creates or replaces r and queues OpUpsertReaction for every
// zone in notify, in one transaction.
func (s *Store) PutReaction(ctx context.Context, r engine.Reaction, notify []string) error {
	return s.update(ctx, fmt.Sprintf("put reaction %q", r.ID), func(tx *bbolt.Tx) error {
		return s.putObject(tx, reactionKind, r.ID, r.Owner, r, notify)
	})
}

func (s *Store) GetReaction(ctx context.Context, id string) (engine.Reaction, error) {
	var r engine.Reaction
	err := s.view(ctx, fmt.Sprintf("get reaction %q", id), func(tx *bbolt.Tx) error {
		return getObject(tx, reactionKind, id, &r)
	})
	return r, err
}

func (s *Store) ListReactions(ctx context.Context, owner string) ([]engine.Reaction, error) {
	var out []engine.Reaction
	err := s.view(ctx, fmt.Sprintf("list reactions of owner %q", owner), func(tx *bbolt.Tx) (err error) {
		out, err = listObjects[engine.Reaction](tx, reactionKind, owner)
		return err
	})
	return out, err
}

func (s *Store) DeleteReaction(ctx context.Context, id string, notify []string) error {
	return s.update(ctx, fmt.Sprintf("delete reaction %q", id), func(tx *bbolt.Tx) error {
		return s.deleteObject(tx, reactionKind, id, notify)
	})
}

// SetReactionLastRun moves LastRun forward only, so zones racing each other
// (and late write-behind replays) never move it back.
func (s *Store) SetReactionLastRun(ctx context.Context, id string, at time.Time) error {
	return s.update(ctx, fmt.Sprintf("set last run of reaction %q", id), func(tx *bbolt.Tx) error {
		var r engine.Reaction
		if err := getObject(tx, reactionKind, id, &r); err != nil {
			return err
		}
		if !at.After(r.LastRun) {
			return nil
		}
		r.LastRun = at
		v, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		return tx.Bucket(bucketReactions).Put([]byte(id), v)
	})
}
