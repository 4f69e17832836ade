package web

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// signupInput is what sign-up takes, from a form or JSON.
type signupInput struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
}

const minPassword = 10

func (in *signupInput) Validate() error {
	var errs engine.FieldErrors
	in.Email = strings.TrimSpace(in.Email)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		errs.Add("email", "is not an email address")
	}
	if err := checkPassword(in.Password); err != "" {
		errs.Add("password", "%s", err)
	}
	return errs.Err()
}

func checkPassword(pw string) string {
	switch {
	case len(pw) < minPassword:
		return fmt.Sprintf("must be at least %d characters", minPassword)
	case len(pw) > 72:
		return "must be at most 72 bytes (bcrypt's limit)"
	}
	return ""
}

// signup creates an account on the sign-up plan.
func (s *Server) signup(ctx context.Context, in signupInput) (store.User, error) {
	if s.cfg.DisableSignup {
		return store.User{}, &engine.FieldError{Field: "email", Reason: "sign-up is closed on this server; ask an admin"}
	}
	if err := in.Validate(); err != nil {
		return store.User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return store.User{}, fmt.Errorf("hashing the password: %w", err)
	}
	u := store.User{ID: newID("u-"), Email: in.Email, PasswordHash: string(hash), Plan: s.cfg.SignupPlan, CreatedAt: time.Now().UTC()}
	if err := s.cfg.Store.PutUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return store.User{}, &engine.FieldError{Field: "email", Reason: "already has an account; log in instead"}
		}
		return store.User{}, err
	}
	s.log.Info("account created", "user", u.ID)
	return u, nil
}

// dummyHash is compared against for unknown emails so the time taken does
// not tell which addresses have accounts.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)

var errBadLogin = errors.New("wrong email or password")

func (s *Server) authenticate(ctx context.Context, email, password string) (store.User, error) {
	u, err := s.cfg.Store.GetUserByEmail(ctx, strings.TrimSpace(email))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	}
	hash := dummyHash
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		return store.User{}, errBadLogin
	}
	return u, nil
}

// passwordInput changes a password; the current one proves it is the
// account holder and not someone at an unlocked screen.
type passwordInput struct {
	Current string `json:"current" form:"current"`
	New     string `json:"new" form:"new"`
}

func (s *Server) changePassword(ctx context.Context, u store.User, in passwordInput) error {
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(in.Current)) != nil {
		return &engine.FieldError{Field: "current", Reason: "is not your current password"}
	}
	if msg := checkPassword(in.New); msg != "" {
		return &engine.FieldError{Field: "new", Reason: msg}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.New), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hashing the password: %w", err)
	}
	u.PasswordHash = string(hash)
	if err := s.cfg.Store.PutUser(ctx, u); err != nil {
		return err
	}
	// Every other session was opened with the old password: end them all.
	return s.cfg.Store.DeleteUserSessions(ctx, u.ID)
}
