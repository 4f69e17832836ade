package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.etcd.io/bbolt"

	"github.com/runbookhq/runbook/engine/store"
)

// emailKey is how emails are compared: people do not expect case or stray
// spaces to make a second account.
func emailKey(email string) []byte { return []byte(strings.ToLower(strings.TrimSpace(email))) }

// PutUser creates or replaces u. An email another user already has is
// store.ErrConflict.
func (s *Store) PutUser(ctx context.Context, u store.User) error {
	return s.update(ctx, fmt.Sprintf("put user %q", u.ID), func(tx *bbolt.Tx) error {
		if u.ID == "" {
			return fmt.Errorf("user has no id")
		}
		if strings.TrimSpace(u.Email) == "" {
			return fmt.Errorf("user has no email")
		}
		users, byEmail := tx.Bucket(bucketUsers), tx.Bucket(bucketUsersByEmail)
		ek := emailKey(u.Email)
		if owner := byEmail.Get(ek); owner != nil && string(owner) != u.ID {
			return fmt.Errorf("email %q belongs to another user: %w", u.Email, store.ErrConflict)
		}
		if old := users.Get([]byte(u.ID)); old != nil {
			var prev store.User
			if err := json.Unmarshal(old, &prev); err != nil {
				return fmt.Errorf("decode stored user: %w", err)
			}
			if err := byEmail.Delete(emailKey(prev.Email)); err != nil {
				return err
			}
		}
		v, err := json.Marshal(u)
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		if err := users.Put([]byte(u.ID), v); err != nil {
			return err
		}
		return byEmail.Put(ek, []byte(u.ID))
	})
}

func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	var u store.User
	err := s.view(ctx, fmt.Sprintf("get user %q", id), func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketUsers), []byte(id), &u)
	})
	return u, err
}

// GetUserByEmail matches emails ignoring case and surrounding spaces.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (store.User, error) {
	var u store.User
	err := s.view(ctx, fmt.Sprintf("get user by email %q", email), func(tx *bbolt.Tx) error {
		id := tx.Bucket(bucketUsersByEmail).Get(emailKey(email))
		if id == nil {
			return store.ErrNotFound
		}
		return getJSON(tx.Bucket(bucketUsers), id, &u)
	})
	return u, err
}

// ListUsers returns every user ordered by id.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	out := []store.User{}
	err := s.view(ctx, "list users", func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var u store.User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode user %q: %w", k, err)
			}
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// PutToken stores t under its hash; the plain token is never seen here.
func (s *Store) PutToken(ctx context.Context, t store.Token) error {
	return s.update(ctx, fmt.Sprintf("put token %q of user %q", t.Name, t.UserID), func(tx *bbolt.Tx) error {
		if t.Hash == "" {
			return fmt.Errorf("token has no hash")
		}
		v, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		return tx.Bucket(bucketTokens).Put([]byte(t.Hash), v)
	})
}

func (s *Store) GetToken(ctx context.Context, hash string) (store.Token, error) {
	var t store.Token
	// The hash is a credential's fingerprint: keep it out of error text.
	err := s.view(ctx, "get token", func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketTokens), []byte(hash), &t)
	})
	return t, err
}

// DeleteToken removes a token; a missing one is store.ErrNotFound.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	return s.update(ctx, "delete token", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		if b.Get([]byte(hash)) == nil {
			return store.ErrNotFound
		}
		return b.Delete([]byte(hash))
	})
}

func getJSON(b *bbolt.Bucket, key []byte, out any) error {
	v := b.Get(key)
	if v == nil {
		return store.ErrNotFound
	}
	if err := json.Unmarshal(v, out); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}
