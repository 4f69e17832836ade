package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
)

// The web's extra objects live in buckets created on first write rather
// than by a schema migration: they are plain key/value objects, a missing
// bucket reads as "nothing stored", and so an older file needs no upgrade
// step (and the migration list stays with the store's owners).
var (
	bucketPlans          = []byte("ext_plans")
	bucketSessions       = []byte("ext_sessions")
	bucketWebhookSecrets = []byte("ext_webhook_secrets")
	bucketStatusPages    = []byte("ext_status_pages")
)

var _ store.AccountsExt = (*Store)(nil)

func (s *Store) extPut(ctx context.Context, op string, bucket []byte, key string, v any) error {
	if key == "" {
		return fmt.Errorf("%s: empty key", op)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", op, err)
	}
	return s.update(ctx, op, func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), b)
	})
}

func (s *Store) extGet(ctx context.Context, op string, bucket []byte, key string, out any) error {
	return s.view(ctx, op, func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucket)
		if bk == nil {
			return store.ErrNotFound
		}
		return getJSON(bk, []byte(key), out)
	})
}

func (s *Store) extDelete(ctx context.Context, op string, bucket []byte, key string) error {
	return s.update(ctx, op, func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucket)
		if bk == nil || bk.Get([]byte(key)) == nil {
			return store.ErrNotFound
		}
		return bk.Delete([]byte(key))
	})
}

// extEach calls fn with every stored value of bucket, in key order.
func (s *Store) extEach(ctx context.Context, op string, bucket []byte, fn func(k, v []byte) error) error {
	return s.view(ctx, op, func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucket)
		if bk == nil {
			return nil
		}
		return bk.ForEach(fn)
	})
}

func (s *Store) PutPlan(ctx context.Context, p store.Plan) error {
	return s.extPut(ctx, fmt.Sprintf("put plan %q", p.ID), bucketPlans, p.ID, p)
}

func (s *Store) GetPlan(ctx context.Context, id string) (store.Plan, error) {
	var p store.Plan
	err := s.extGet(ctx, fmt.Sprintf("get plan %q", id), bucketPlans, id, &p)
	return p, err
}

func (s *Store) ListPlans(ctx context.Context) ([]store.Plan, error) {
	out := []store.Plan{}
	err := s.extEach(ctx, "list plans", bucketPlans, func(k, v []byte) error {
		var p store.Plan
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("decode plan %q: %w", k, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

func (s *Store) DeletePlan(ctx context.Context, id string) error {
	return s.extDelete(ctx, fmt.Sprintf("delete plan %q", id), bucketPlans, id)
}

// ListTokens scans every token: a user has a handful and the list is only
// read on the tokens page, so an index is not worth a migration.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]store.Token, error) {
	out := []store.Token{}
	err := s.view(ctx, fmt.Sprintf("list tokens of user %q", userID), func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			var t store.Token
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode token: %w", err)
			}
			if t.UserID == userID {
				out = append(out, t)
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, err
}

func (s *Store) PutSession(ctx context.Context, se store.Session) error {
	return s.extPut(ctx, fmt.Sprintf("put session of user %q", se.UserID), bucketSessions, se.Hash, se)
}

// GetSession keeps the hash out of error text: it fingerprints a credential.
func (s *Store) GetSession(ctx context.Context, hash string) (store.Session, error) {
	var se store.Session
	err := s.extGet(ctx, "get session", bucketSessions, hash, &se)
	return se, err
}

func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.extDelete(ctx, "delete session", bucketSessions, hash)
}

func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	return s.update(ctx, fmt.Sprintf("delete sessions of user %q", userID), func(tx *bbolt.Tx) error {
		bk := tx.Bucket(bucketSessions)
		if bk == nil {
			return nil
		}
		var doomed [][]byte
		err := bk.ForEach(func(k, v []byte) error {
			var se store.Session
			if err := json.Unmarshal(v, &se); err != nil {
				return fmt.Errorf("decode session: %w", err)
			}
			if se.UserID == userID {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := bk.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) PutWebhookSecret(ctx context.Context, w store.WebhookSecret) error {
	return s.extPut(ctx, fmt.Sprintf("put webhook secret of monitor %q", w.MonitorID), bucketWebhookSecrets, w.MonitorID, w)
}

func (s *Store) GetWebhookSecret(ctx context.Context, monitorID string) (store.WebhookSecret, error) {
	var w store.WebhookSecret
	err := s.extGet(ctx, fmt.Sprintf("get webhook secret of monitor %q", monitorID), bucketWebhookSecrets, monitorID, &w)
	return w, err
}

func (s *Store) DeleteWebhookSecret(ctx context.Context, monitorID string) error {
	return s.extDelete(ctx, fmt.Sprintf("delete webhook secret of monitor %q", monitorID), bucketWebhookSecrets, monitorID)
}

func (s *Store) PutStatusPage(ctx context.Context, p store.StatusPage) error {
	return s.extPut(ctx, fmt.Sprintf("put status page of %q", p.Owner), bucketStatusPages, p.Owner, p)
}

func (s *Store) GetStatusPage(ctx context.Context, owner string) (store.StatusPage, error) {
	var p store.StatusPage
	err := s.extGet(ctx, fmt.Sprintf("get status page of %q", owner), bucketStatusPages, owner, &p)
	return p, err
}
