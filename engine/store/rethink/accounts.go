package rethink

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	r "gopkg.in/rethinkdb/rethinkdb-go.v6"

	"github.com/runbookhq/runbook/engine/store"
)

// userRow is a user as stored; the email index finds a user by address.
type userRow struct {
	ID    string `rethinkdb:"id"`
	Email string `rethinkdb:"email"`
	Body  string `rethinkdb:"body"`
}

// emailClaim makes emails unique: RethinkDB has no unique secondary
// indexes, but primary keys are unique, so a user first claims its address
// as a row keyed by it.
type emailClaim struct {
	Email  string `rethinkdb:"id"`
	UserID string `rethinkdb:"user_id"`
}

type tokenRow struct {
	Hash   string `rethinkdb:"id"`
	UserID string `rethinkdb:"user_id"`
	Body   string `rethinkdb:"body"`
}

// PutUser claims the user's email (store.ErrConflict when another user
// holds it), writes the user, then releases the user's previous email.
func (s *Store) PutUser(ctx context.Context, u store.User) error {
	what := fmt.Sprintf("put user %q", u.ID)
	if err := s.claimEmail(ctx, u); err != nil {
		return err
	}
	var old userRow
	hadOld, err := s.one(ctx, what, s.table(tUsers).Get(u.ID), &old)
	if err != nil {
		return err
	}
	b, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", what, err)
	}
	if _, err := s.write(ctx, what, s.table(tUsers).Insert(userRow{ID: u.ID, Email: u.Email, Body: string(b)},
		r.InsertOpts{Conflict: "replace"})); err != nil {
		return err
	}
	if hadOld && old.Email != u.Email {
		_, err := s.write(ctx, fmt.Sprintf("%s: release email %q", what, old.Email),
			s.table(tEmails).GetAll(old.Email).Filter(map[string]interface{}{"user_id": u.ID}).Delete())
		return err
	}
	return nil
}

// claimEmail inserts the claim; if one exists it is the user's own, a
// stale one (its user is gone or moved to another address after a crash
// half-way through PutUser) that is taken over, or a conflict.
func (s *Store) claimEmail(ctx context.Context, u store.User) error {
	what := fmt.Sprintf("claim email %q for user %q", u.Email, u.ID)
	claim := emailClaim{Email: u.Email, UserID: u.ID}
	res, err := s.write(ctx, what, s.table(tEmails).Insert(claim, r.InsertOpts{Conflict: keepOld}))
	if err != nil || res.Inserted == 1 {
		return err
	}
	var held emailClaim
	if _, err := s.one(ctx, what, s.table(tEmails).Get(u.Email), &held); err != nil {
		return err
	}
	if held.UserID == u.ID {
		return nil
	}
	holder, err := s.GetUser(ctx, held.UserID)
	switch {
	case err == nil && holder.Email == u.Email:
		return fmt.Errorf("%s: email belongs to user %q: %w", what, held.UserID, store.ErrConflict)
	case err != nil && !isNotFound(err):
		return err
	}
	_, err = s.write(ctx, what, s.table(tEmails).Insert(claim, r.InsertOpts{Conflict: "replace"}))
	return err
}

func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	var row userRow
	what := fmt.Sprintf("get user %q", id)
	found, err := s.one(ctx, what, s.table(tUsers).Get(id), &row)
	if err != nil {
		return store.User{}, err
	}
	if !found {
		return store.User{}, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return decodeUser(row)
}

func decodeUser(row userRow) (store.User, error) {
	var u store.User
	if err := json.Unmarshal([]byte(row.Body), &u); err != nil {
		return u, fmt.Errorf("decode user %q: %w", row.ID, err)
	}
	return u, nil
}

func (s *Store) GetUserByEmail(ctx context.Context, email string) (store.User, error) {
	what := fmt.Sprintf("get user by email %q", email)
	var rows []userRow
	if err := s.all(ctx, what, s.table(tUsers).GetAll(email).OptArgs(r.GetAllOpts{Index: "email"}), &rows); err != nil {
		return store.User{}, err
	}
	if len(rows) == 0 {
		return store.User{}, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	// More than one can only follow a crash mid-PutUser; the claim decides.
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	if len(rows) > 1 {
		var held emailClaim
		if found, err := s.one(ctx, what, s.table(tEmails).Get(email), &held); err == nil && found {
			for _, row := range rows {
				if row.ID == held.UserID {
					return decodeUser(row)
				}
			}
		}
	}
	return decodeUser(rows[0])
}

func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	var rows []userRow
	if err := s.all(ctx, "list users", s.table(tUsers), &rows); err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	out := make([]store.User, 0, len(rows))
	for _, row := range rows {
		u, err := decodeUser(row)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func (s *Store) PutToken(ctx context.Context, t store.Token) error {
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("put token of user %q: encode: %w", t.UserID, err)
	}
	_, err = s.write(ctx, fmt.Sprintf("put token of user %q", t.UserID),
		s.table(tTokens).Insert(tokenRow{Hash: t.Hash, UserID: t.UserID, Body: string(b)}, r.InsertOpts{Conflict: "replace"}))
	return err
}

// Token hashes are secrets' digests; errors name the token's user, never
// the hash.
func (s *Store) GetToken(ctx context.Context, hash string) (store.Token, error) {
	var row tokenRow
	found, err := s.one(ctx, "get token", s.table(tTokens).Get(hash), &row)
	if err != nil {
		return store.Token{}, err
	}
	if !found {
		return store.Token{}, fmt.Errorf("get token: %w", store.ErrNotFound)
	}
	var t store.Token
	if err := json.Unmarshal([]byte(row.Body), &t); err != nil {
		return t, fmt.Errorf("decode token of user %q: %w", row.UserID, err)
	}
	return t, nil
}

func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	res, err := s.write(ctx, "delete token", s.table(tTokens).Get(hash).Delete())
	if err != nil {
		return err
	}
	if res.Deleted == 0 {
		return fmt.Errorf("delete token: %w", store.ErrNotFound)
	}
	return nil
}
