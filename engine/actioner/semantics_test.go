package actioner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host/hosttest"
)

func TestMain(m *testing.M) {
	if runChild() {
		return
	}
	hosttest.Main(m)
}

const (
	F = engine.StatusFailed
	H = engine.StatusHealthy
	U = engine.StatusUnknown
)

// trigger, frequency and call_on, through the action broker, the actioner,
// the webhook plugin and the journal into the store. Each case is one
// monitor with one reaction fed a sequence of results; gaps (ms) between
// results let frequency pass.
func TestReactionRulesEndToEnd(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startActioner(8)
	r.startFlusher(50*time.Millisecond, 1000)
	rc := newReceiver(t)
	type step struct {
		s   engine.Status
		gap time.Duration // before this result
	}
	seq := func(ss ...engine.Status) []step {
		out := make([]step, len(ss))
		for i, s := range ss {
			out[i] = step{s: s}
		}
		return out
	}
	cases := []struct {
		name    string
		trigger int
		freq    time.Duration
		on      engine.CallOn
		enabled bool
		steps   []step
		fires   int
		skipped int // logged skips
	}{
		{"trigger 1 fires once per incident", 1, 0, engine.CallOnFailed, true, seq(F, F, F), 1, 0},
		{"trigger 3 counts in a row", 3, 0, engine.CallOnFailed, true, seq(F, F, H, F, F, F), 1, 0},
		{"two incidents fire twice", 1, 0, engine.CallOnFailed, true, seq(F, H, F), 2, 0},
		{"call_on healthy ignores failures", 1, 0, engine.CallOnHealthy, true, seq(H, F, H), 2, 0},
		{"call_on both fires on each change", 2, 0, engine.CallOnBoth, true, seq(F, F, H, H), 2, 0},
		{"unknown never fires", 1, 0, engine.CallOnBoth, true, seq(U, U, U), 0, 0},
		{"unknown breaks a run", 2, 0, engine.CallOnFailed, true, seq(F, U, F), 0, 0},
		{"frequency repeats once it passed", 1, 600 * time.Millisecond, engine.CallOnFailed, true,
			[]step{{F, 0}, {F, 100 * time.Millisecond}, {F, 700 * time.Millisecond}}, 2, 0},
		{"disabled is logged, never run", 1, 0, engine.CallOnFailed, false, seq(F, F), 0, 1},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mid, rid := fmt.Sprintf("m%d", i), fmt.Sprintf("r%d", i)
			path := "/" + rid
			r.putReaction(webhook(rid, rc.URL+path, tc.trigger, tc.freq, tc.on, tc.enabled))
			r.put(engine.Monitor{ID: mid, Kind: engine.KindWebhook, Reactions: []string{rid}})
			for _, s := range tc.steps {
				time.Sleep(s.gap)
				res := result(mid, s.s, engine.SourceWebhook, time.Now())
				res.EnsureID()
				r.push(res)
				r.waitDone(mid, res.ID)
			}
			if got := rc.count(path); got != tc.fires {
				t.Errorf("reaction ran %d times, want %d", got, tc.fires)
			}
			var logs []engine.ReactionLog
			waitFor(t, 5*time.Second, "reaction logs in the store", func() bool {
				logs, _ = r.st.ReactionLogs(context.Background(), mid, 100)
				return len(logs) == tc.fires+tc.skipped
			})
			waitFor(t, 5*time.Second, "every result in the store's history", func() bool {
				hist, _ := r.st.History(context.Background(), mid, store0())
				return len(hist) == len(tc.steps)
			})
		})
	}
}

// Silences suppress reactions (logged as skipped "silenced: …") while the
// result is still recorded.
func TestSilenceSuppressesReaction(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startActioner(4)
	r.startFlusher(50*time.Millisecond, 1000)
	rc := newReceiver(t)
	now := time.Now()
	r.putReaction(webhook("page", rc.URL+"/page", 1, 0, engine.CallOnFailed, true))
	r.put(engine.Monitor{ID: "db", Kind: engine.KindWebhook, Reactions: []string{"page"},
		Silences: []engine.Silence{{ID: "deploy", Reason: "release 4.2", Start: now.Add(-time.Minute), End: now.Add(time.Hour)}}})
	res := result("db", F, engine.SourceWebhook, now)
	res.EnsureID()
	r.push(res)
	r.waitDone("db", res.ID)
	if n := rc.count("/page"); n != 0 {
		t.Fatalf("silenced reaction ran %d times", n)
	}
	var logs []engine.ReactionLog
	waitFor(t, 5*time.Second, "skip log in the store", func() bool {
		logs, _ = r.st.ReactionLogs(context.Background(), "db", 10)
		return len(logs) == 1
	})
	if logs[0].Outcome != engine.OutcomeSkipped || !strings.HasPrefix(logs[0].Message, "silenced: ") || !strings.Contains(logs[0].Message, "release 4.2") {
		t.Errorf("log %+v, want skipped with reason silenced: … release 4.2", logs[0])
	}
	waitFor(t, 5*time.Second, "history and status", func() bool {
		h, _ := r.st.History(context.Background(), "db", store0())
		m, _ := r.st.GetMonitor(context.Background(), "db")
		return len(h) == 1 && m.Status == engine.StatusFailed
	})
}

// Manual marks are honoured (they move the status like any result), results
// older than the maximum age are dropped and counted, and stale re-sends
// keep their history row without moving the counters back.
func TestManualOldAndStaleResults(t *testing.T) {
	r := newRig(t, "z")
	a := r.newActioner()
	a.MaxAge = time.Minute
	rc := newReceiver(t)
	r.putReaction(webhook("ok", rc.URL+"/ok", 1, 0, engine.CallOnHealthy, true))
	r.put(engine.Monitor{ID: "api", Kind: engine.KindWebhook, Reactions: []string{"ok"}})
	ctx := context.Background()
	now := time.Now()
	steps := []struct {
		name   string
		res    engine.Result
		status string
		fires  int
	}{
		{"webhook failed", result("api", F, engine.SourceWebhook, now.Add(-3*time.Second)), "failed", 0},
		{"manual healthy", result("api", H, engine.SourceManual, now.Add(-2*time.Second)), "healthy", 1},
		{"too old is dropped", result("api", F, engine.SourceWebhook, now.Add(-2*time.Minute)), "healthy", 1},
		{"stale re-send is history only", result("api", F, engine.SourceWebhook, now.Add(-2500*time.Millisecond)), "healthy", 1},
		{"manual failed", result("api", F, engine.SourceManual, now.Add(-time.Second)), "failed", 1},
		{"bad status is dropped", result("api", "sideways", engine.SourceWebhook, now), "failed", 1},
	}
	for _, s := range steps {
		if err := a.Handle(ctx, s.res); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := r.counters("api")["status"]; got != s.status {
			t.Errorf("%s: status %s, want %s", s.name, got, s.status)
		}
		if got := rc.count("/ok"); got != s.fires {
			t.Errorf("%s: healthy reaction ran %d times, want %d", s.name, got, s.fires)
		}
	}
	// History: everything but the too-old result (the stale one included).
	if n, _ := r.rdb.LLen(ctx, r.keys.BehindHistory()).Result(); n != 4 {
		t.Errorf("journal holds %d history rows, want 4", n)
	}
}

func store0() store.HistoryQuery { return store.HistoryQuery{Limit: 1000} }
