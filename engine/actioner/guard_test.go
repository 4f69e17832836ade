package actioner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// Guardrails hold a reaction back even when its rules say fire: a rate
// limit per reaction, and a cooldown per target shared by every reaction
// acting on it. Each held-back run is logged with the reason.
func TestGuardrails(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startActioner(4)
	r.startFlusher(50*time.Millisecond, 1000)
	rc := newReceiver(t)

	// Fires on every failed result (frequency 1 ms), at most twice an hour.
	limited := webhook("limited", rc.URL+"/limited", 1, time.Millisecond, engine.CallOnFailed, true)
	limited.RateLimit = 2
	r.putReaction(limited)
	r.put(engine.Monitor{ID: "flappy", Kind: engine.KindWebhook, Reactions: []string{"limited"}})

	// Two reactions acting on the same target (the receiver's host:port):
	// the first to run starts a cooldown that holds the other back.
	first := webhook("restart-a", rc.URL+"/a", 1, 0, engine.CallOnFailed, true)
	first.Cooldown = engine.Duration(time.Hour)
	second := webhook("restart-b", rc.URL+"/b", 1, 0, engine.CallOnFailed, true)
	second.Cooldown = engine.Duration(time.Hour)
	r.putReaction(first)
	r.putReaction(second)
	r.put(engine.Monitor{ID: "web-a", Kind: engine.KindWebhook, Reactions: []string{"restart-a"}})
	r.put(engine.Monitor{ID: "web-b", Kind: engine.KindWebhook, Reactions: []string{"restart-b"}})

	for i := 0; i < 4; i++ {
		res := result("flappy", F, engine.SourceWebhook, time.Now())
		res.EnsureID()
		r.push(res)
		r.waitDone("flappy", res.ID)
		time.Sleep(5 * time.Millisecond)
	}
	a := result("web-a", F, engine.SourceWebhook, time.Now())
	a.EnsureID()
	r.push(a)
	r.waitDone("web-a", a.ID)
	b := result("web-b", F, engine.SourceWebhook, time.Now())
	b.EnsureID()
	r.push(b)
	r.waitDone("web-b", b.ID)

	if n := rc.count("/limited"); n != 2 {
		t.Errorf("rate-limited reaction ran %d times, want 2", n)
	}
	if rc.count("/a") != 1 || rc.count("/b") != 0 {
		t.Errorf("cooldown: /a ran %d, /b ran %d; want 1 and 0", rc.count("/a"), rc.count("/b"))
	}
	// The flusher writes logs in batches: wait for all the skips, not
	// the first one.
	reasons := func(monitor string, want int) []string {
		var out []string
		waitFor(t, 5*time.Second, "reaction logs of "+monitor, func() bool {
			logs, err := r.st.ReactionLogs(context.Background(), monitor, 100)
			if err != nil {
				return false
			}
			out = out[:0]
			for _, l := range logs {
				if l.Outcome == engine.OutcomeSkipped {
					out = append(out, l.Message)
				}
			}
			return len(out) >= want
		})
		return out
	}
	if got := reasons("flappy", 2); len(got) != 2 || !strings.Contains(got[0], "rate limit") {
		t.Errorf("flappy skips %q, want two 'rate limit' entries", got)
	}
	if got := reasons("web-b", 1); len(got) != 1 || !strings.Contains(got[0], "cooldown") || !strings.Contains(got[0], "restart-a") {
		t.Errorf("web-b skips %q, want one cooldown naming restart-a", got)
	}
}

// A dry-run reaction runs its plugin with every network action refused:
// nothing is contacted, and the log says what would have been.
func TestDryRunReaction(t *testing.T) {
	r := newRig(t, "z")
	r.startBrokers()
	r.startActioner(2)
	r.startFlusher(50*time.Millisecond, 1000)
	rc := newReceiver(t)
	dry := webhook("dry", rc.URL+"/dry", 1, 0, engine.CallOnFailed, true)
	dry.DryRun = true
	r.putReaction(dry)
	r.put(engine.Monitor{ID: "svc", Kind: engine.KindWebhook, Reactions: []string{"dry"}})
	res := result("svc", F, engine.SourceWebhook, time.Now())
	res.EnsureID()
	r.push(res)
	r.waitDone("svc", res.ID)
	if n := rc.count("/dry"); n != 0 {
		t.Fatalf("dry run contacted the receiver %d times", n)
	}
	var logs []engine.ReactionLog
	waitFor(t, 5*time.Second, "dry-run log", func() bool {
		logs, _ = r.st.ReactionLogs(context.Background(), "svc", 10)
		return len(logs) > 0
	})
	want := "would have reached " + rc.URL
	if logs[0].Outcome != engine.OutcomeDryRun || !strings.Contains(logs[0].Message, want) {
		t.Fatalf("log %+v, want dry_run naming %s", logs[0], want)
	}
}
