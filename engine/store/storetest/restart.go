package storetest

import (
	"testing"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// testRestart: everything written survives a close and reopen, an entry
// not acked is delivered again, and queue ids keep increasing (a restart
// never reuses the id of an entry a bridge already acked).
func testRestart(t *testing.T, f Factory) {
	if f.Reopen == nil {
		t.Skip("factory has no Reopen")
	}
	ctx, s := testCtx(t), f.Open(t)
	m, r := monitor("web", "alice", "z1"), reaction("r1", "alice")
	u, tok := user("u1", "alice@example.com"), token("h1", "u1")
	h, e, l := result("web", 1), event("web", 1), reactionLog("web", 1)
	must(t, s.PutMonitor(ctx, m, m.Zones), "put monitor")
	must(t, s.PutReaction(ctx, r, []string{"z1"}), "put reaction")
	must(t, s.PutUser(ctx, u), "put user")
	must(t, s.PutToken(ctx, tok), "put token")
	must(t, s.AddHistory(ctx, h), "add history")
	must(t, s.AddEvents(ctx, e), "add event")
	must(t, s.AddReactionLogs(ctx, l), "add reaction log")
	must(t, s.Enqueue(ctx, "z1", entry("extra")), "enqueue")
	before := wantQueue(t, s, "z1", []opObj{
		{engine.OpUpsertMonitor, "web"}, {engine.OpUpsertReaction, "r1"}, {engine.OpUpsertMonitor, "extra"},
	})
	must(t, s.AckQueue(ctx, "z1", before[0].ID), "ack first entry")

	s = f.Reopen(t, s)

	gm, err := s.GetMonitor(ctx, "web")
	must(t, err, "get monitor after restart")
	same(t, "monitor after restart", gm, m)
	gr, err := s.GetReaction(ctx, "r1")
	must(t, err, "get reaction after restart")
	same(t, "reaction after restart", gr, r)
	gu, err := s.GetUserByEmail(ctx, u.Email)
	must(t, err, "get user after restart")
	same(t, "user after restart", gu, u)
	gt, err := s.GetToken(ctx, "h1")
	must(t, err, "get token after restart")
	same(t, "token after restart", gt, tok)
	hs, err := s.History(ctx, "web", store.HistoryQuery{})
	must(t, err, "read history after restart")
	es, err := s.Events(ctx, "web", 0)
	must(t, err, "read events after restart")
	ls, err := s.ReactionLogs(ctx, "web", 0)
	must(t, err, "read reaction logs after restart")
	if len(hs) != 1 || len(es) != 1 || len(ls) != 1 {
		t.Fatalf("after restart: %d history rows, %d events, %d logs; want 1 each", len(hs), len(es), len(ls))
	}
	same(t, "history after restart", hs[0], h)

	after := wantQueue(t, s, "z1", []opObj{{engine.OpUpsertReaction, "r1"}, {engine.OpUpsertMonitor, "extra"}})
	if after[0].ID != before[1].ID || after[1].ID != before[2].ID {
		t.Errorf("unacked entries changed ids across restart: %s,%s → %s,%s",
			before[1].ID, before[2].ID, after[0].ID, after[1].ID)
	}
	must(t, s.AckQueue(ctx, "z1", after[0].ID, after[1].ID), "ack the rest")
	must(t, s.Enqueue(ctx, "z1", entry("new")), "enqueue after restart")
	fresh := wantQueue(t, s, "z1", []opObj{{engine.OpUpsertMonitor, "new"}})
	if fresh[0].ID <= before[2].ID {
		t.Errorf("entry after restart got id %q, not after %q", fresh[0].ID, before[2].ID)
	}
}
