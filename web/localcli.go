package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

// LocalCLITokenName names the API token `runbook up` creates for the CLI
// on the same machine (see IssueLocalCLIToken).
const LocalCLITokenName = "runbook up (local CLI)"

// IssueLocalCLIToken creates a fresh admin API token for this run of
// `runbook up`, so `runbook plugin push|rollback` on the same machine can
// reach the admin API while `up` holds the embedded store. Tokens carry
// no scopes in this auth model, so it is an admin's token, named
// LocalCLITokenName so the admin's token list shows what it is; tokens of
// that name left by a run that crashed are revoked first. revoke deletes
// the new token: `up` calls it on a clean exit.
func IssueLocalCLIToken(ctx context.Context, st store.Store, adminEmail string) (token string, revoke func(context.Context) error, err error) {
	u, err := st.GetUserByEmail(ctx, adminEmail)
	if err != nil || !u.Admin {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", nil, fmt.Errorf("local CLI token: finding admin %s: %w", adminEmail, err)
		}
		users, err := st.ListUsers(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("local CLI token: listing users: %w", err)
		}
		found := false
		for _, x := range users {
			if x.Admin {
				u, found = x, true
				break
			}
		}
		if !found {
			return "", nil, errors.New("local CLI token: the store has no admin account")
		}
	}
	old, err := st.ListTokens(ctx, u.ID)
	if err != nil {
		return "", nil, fmt.Errorf("local CLI token: listing %s's tokens: %w", u.ID, err)
	}
	for _, t := range old {
		if t.Name == LocalCLITokenName {
			if err := st.DeleteToken(ctx, t.Hash); err != nil {
				return "", nil, fmt.Errorf("local CLI token: revoking a previous run's token: %w", err)
			}
		}
	}
	token, hash := NewToken()
	if err := st.PutToken(ctx, store.Token{Hash: hash, UserID: u.ID, Name: LocalCLITokenName, CreatedAt: time.Now().UTC()}); err != nil {
		return "", nil, fmt.Errorf("local CLI token: %w", err)
	}
	revoke = func(ctx context.Context) error {
		if err := st.DeleteToken(ctx, hash); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("revoking the local CLI token: %w", err)
		}
		return nil
	}
	return token, revoke, nil
}
