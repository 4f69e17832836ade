package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// RunAccountsExt tests store.AccountsExt: plans, sessions, token listing,
// webhook secrets and status pages. Backends call it beside RunFactory.
func RunAccountsExt(t *testing.T, f Factory) {
	t.Run("Plans", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		list, err := s.ListPlans(ctx)
		must(t, err, "list plans of an empty store")
		if len(list) != 0 {
			t.Fatalf("empty store lists plans %v", list)
		}
		free := store.Plan{ID: "free", Name: "Free", MaxMonitors: 5, MaxReactions: 2, MinInterval: engine.Duration(time.Minute)}
		pro := store.Plan{ID: "pro", Name: "Pro", MaxMonitors: 500}
		must(t, s.PutPlan(ctx, pro), "put pro")
		must(t, s.PutPlan(ctx, free), "put free")
		got, err := s.GetPlan(ctx, "free")
		must(t, err, "get free")
		same(t, "plan", got, free)
		list, err = s.ListPlans(ctx)
		must(t, err, "list plans")
		if len(list) != 2 || list[0].ID != "free" || list[1].ID != "pro" {
			t.Errorf("plans %v, want free then pro", list)
		}
		free.MaxMonitors = 10
		must(t, s.PutPlan(ctx, free), "replace free")
		got, _ = s.GetPlan(ctx, "free")
		if got.MaxMonitors != 10 {
			t.Errorf("replaced plan has max_monitors %d, want 10", got.MaxMonitors)
		}
		must(t, s.DeletePlan(ctx, "pro"), "delete pro")
		if _, err := s.GetPlan(ctx, "pro"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get deleted plan: %v, want ErrNotFound", err)
		}
		if err := s.DeletePlan(ctx, "pro"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("delete missing plan: %v, want ErrNotFound", err)
		}
	})

	t.Run("ListTokens", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		list, err := s.ListTokens(ctx, "u1")
		must(t, err, "list tokens of nobody")
		if len(list) != 0 {
			t.Fatalf("tokens of a user without any: %v", list)
		}
		t2 := token("h2", "u1")
		t2.CreatedAt = at(5)
		must(t, s.PutToken(ctx, t2), "put h2")
		must(t, s.PutToken(ctx, token("h1", "u1")), "put h1")
		must(t, s.PutToken(ctx, token("h3", "u2")), "put h3 of u2")
		list, err = s.ListTokens(ctx, "u1")
		must(t, err, "list tokens")
		if len(list) != 2 || list[0].Hash != "h1" || list[1].Hash != "h2" {
			t.Errorf("u1 tokens %v, want h1 then h2 (by creation)", list)
		}
	})

	t.Run("Sessions", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		se := store.Session{Hash: "s1", UserID: "u1", CSRF: "c1", CreatedAt: at(0), ExpiresAt: at(3600)}
		must(t, s.PutSession(ctx, se), "put s1")
		must(t, s.PutSession(ctx, store.Session{Hash: "s2", UserID: "u1", CSRF: "c2", CreatedAt: at(0), ExpiresAt: at(3600)}), "put s2")
		must(t, s.PutSession(ctx, store.Session{Hash: "s3", UserID: "u2", CSRF: "c3", CreatedAt: at(0), ExpiresAt: at(3600)}), "put s3")
		got, err := s.GetSession(ctx, "s1")
		must(t, err, "get s1")
		same(t, "session", got, se)
		must(t, s.DeleteSession(ctx, "s1"), "delete s1")
		if _, err := s.GetSession(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get deleted session: %v", err)
		}
		must(t, s.DeleteUserSessions(ctx, "u1"), "delete u1's sessions")
		if _, err := s.GetSession(ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("u1's session s2 survived DeleteUserSessions: %v", err)
		}
		if _, err := s.GetSession(ctx, "s3"); err != nil {
			t.Errorf("u2's session was deleted with u1's: %v", err)
		}
		must(t, s.DeleteUserSessions(ctx, "nobody"), "delete sessions of a user without any")
	})

	t.Run("WebhookSecrets", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		if _, err := s.GetWebhookSecret(ctx, "m1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("get missing webhook secret: %v", err)
		}
		w := store.WebhookSecret{MonitorID: "m1", Owner: "u1", TokenHash: "th", PagerDutySecret: "pd", UpdatedAt: at(1)}
		must(t, s.PutWebhookSecret(ctx, w), "put")
		got, err := s.GetWebhookSecret(ctx, "m1")
		must(t, err, "get")
		same(t, "webhook secret", got, w)
		w.TokenHash = "rotated"
		must(t, s.PutWebhookSecret(ctx, w), "rotate")
		got, _ = s.GetWebhookSecret(ctx, "m1")
		if got.TokenHash != "rotated" {
			t.Errorf("token hash after rotation %q", got.TokenHash)
		}
		must(t, s.DeleteWebhookSecret(ctx, "m1"), "delete")
		if _, err := s.GetWebhookSecret(ctx, "m1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get deleted webhook secret: %v", err)
		}
	})

	t.Run("StatusPages", func(t *testing.T) {
		ctx, s := testCtx(t), f.Open(t)
		if _, err := s.GetStatusPage(ctx, "u1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("get missing status page: %v", err)
		}
		p := store.StatusPage{Owner: "u1", Title: "Acme status", Public: true, Monitors: []string{"m1", "m2"}, UpdatedAt: at(2)}
		must(t, s.PutStatusPage(ctx, p), "put")
		got, err := s.GetStatusPage(ctx, "u1")
		must(t, err, "get")
		same(t, "status page", got, p)
	})

	t.Run("SurvivesRestart", func(t *testing.T) {
		if f.Reopen == nil {
			t.Skip("backend has no restart")
		}
		ctx, s := testCtx(t), f.Open(t)
		must(t, s.PutPlan(ctx, store.Plan{ID: "free", Name: "Free"}), "put plan")
		must(t, s.PutSession(ctx, store.Session{Hash: "s1", UserID: "u1", ExpiresAt: at(10)}), "put session")
		s = f.Reopen(t, s)
		if _, err := s.GetPlan(ctx, "free"); err != nil {
			t.Errorf("plan lost on restart: %v", err)
		}
		if _, err := s.GetSession(ctx, "s1"); err != nil {
			t.Errorf("session lost on restart: %v", err)
		}
	})
}
