package storetest

import (
	"errors"
	"testing"

	"github.com/runbookhq/runbook/engine/store"
)

func testAccounts(t *testing.T, f Factory) {
	t.Run("Users", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		for _, u := range []store.User{user("u2", "bob@example.com"), user("u1", "alice@example.com")} {
			must(t, s.PutUser(ctx, u), "put user "+u.ID)
		}
		got, err := s.GetUser(ctx, "u1")
		must(t, err, "get user")
		same(t, "user by id", got, user("u1", "alice@example.com"))
		got, err = s.GetUserByEmail(ctx, "bob@example.com")
		must(t, err, "get user by email")
		same(t, "user by email", got, user("u2", "bob@example.com"))

		list, err := s.ListUsers(ctx)
		must(t, err, "list users")
		var ids []string
		for _, u := range list {
			ids = append(ids, u.ID)
		}
		sameIDs(t, "users", ids, []string{"u1", "u2"})
	})

	t.Run("EmailIsUnique", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.PutUser(ctx, user("u1", "alice@example.com")), "put u1")
		err := s.PutUser(ctx, user("u2", "alice@example.com"))
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second user with alice's email: got %v, want store.ErrConflict", err)
		}
		if _, err := s.GetUser(ctx, "u2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the refused user was stored anyway (get: %v)", err)
		}
		// The same user saving again with its own email is fine.
		u := user("u1", "alice@example.com")
		u.Plan = "pro"
		must(t, s.PutUser(ctx, u), "re-put u1")
	})

	t.Run("ChangingEmailFreesTheOldOne", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.PutUser(ctx, user("u1", "old@example.com")), "put u1")
		must(t, s.PutUser(ctx, user("u1", "new@example.com")), "change email")
		if _, err := s.GetUserByEmail(ctx, "old@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("old email still finds a user (err %v)", err)
		}
		got, err := s.GetUserByEmail(ctx, "new@example.com")
		must(t, err, "get by new email")
		if got.ID != "u1" {
			t.Errorf("new email finds %q, want u1", got.ID)
		}
		must(t, s.PutUser(ctx, user("u2", "old@example.com")), "another user takes the old email")
	})

	t.Run("Tokens", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		tok := token("h1", "u1")
		must(t, s.PutToken(ctx, tok), "put token")
		must(t, s.PutToken(ctx, token("h2", "u1")), "put second token")
		got, err := s.GetToken(ctx, "h1")
		must(t, err, "get token")
		same(t, "token", got, tok)
		must(t, s.DeleteToken(ctx, "h1"), "delete token")
		if _, err := s.GetToken(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get deleted token: got %v, want store.ErrNotFound", err)
		}
		if _, err := s.GetToken(ctx, "h2"); err != nil {
			t.Errorf("deleting h1 lost h2: %v", err)
		}
	})
}
