package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/runbookhq/runbook/engine/store"
)

// FirstLogin is what `runbook up` prints once, when it creates the admin.
type FirstLogin struct {
	Email, Password, Token string
}

// Bootstrap creates the first admin (with a random password and an API
// token) when the store has no users. It returns nil when users exist:
// credentials are shown once and never stored in clear.
func Bootstrap(ctx context.Context, st store.Store, email string) (*FirstLogin, error) {
	users, err := st.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("checking for users: %w", err)
	}
	if len(users) > 0 {
		return nil, nil
	}
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	password := base64.RawURLEncoding.EncodeToString(pw)
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("hashing the admin password: %w", err)
	}
	u := store.User{ID: "admin", Email: email, PasswordHash: string(hash), Admin: true, Plan: "unlimited", CreatedAt: time.Now().UTC()}
	if err := st.PutUser(ctx, u); err != nil {
		return nil, fmt.Errorf("creating the admin: %w", err)
	}
	token, th := NewToken()
	if err := st.PutToken(ctx, store.Token{Hash: th, UserID: u.ID, Name: "first token", CreatedAt: time.Now().UTC()}); err != nil {
		return nil, fmt.Errorf("creating the admin's token: %w", err)
	}
	return &FirstLogin{Email: email, Password: password, Token: token}, nil
}
