package actioner_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine"
)

// The commit writes only the counter fields a result changed. Whatever
// the mix of actioners (one that remembers what it committed, one that
// reads the hash), the hash after each result must read exactly as if
// every field had been written: what the next result, or another
// actioner, decides from.
func TestCountersHashCompleteAfterEachResult(t *testing.T) {
	r := newRig(t, "z")
	r.put(engine.Monitor{ID: "api", Kind: engine.KindWebhook})
	ctx := context.Background()
	one, two := r.newActioner(), r.newActioner()
	start := time.Now().Add(-time.Minute)
	type want struct {
		status         string
		fails, success int
		sinceStep      int // index of the result that changed the status
	}
	steps := []struct {
		s engine.Status
		w want
	}{
		{H, want{"healthy", 0, 1, 0}},
		{H, want{"healthy", 0, 2, 0}},
		{F, want{"failed", 1, 0, 2}},
		{F, want{"failed", 2, 0, 2}},
		{H, want{"healthy", 0, 1, 4}},
		{H, want{"healthy", 0, 2, 4}},
		{F, want{"failed", 1, 0, 6}},
	}
	at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Second) }
	prevLast := ""
	for i, s := range steps {
		// Results 2 and 5 go to two (it reads the hash); the others to
		// one, whose remembered row is then stale, so its commit's
		// condition fails and it re-reads the hash.
		a := one
		if i == 2 || i == 5 {
			a = two
		}
		if err := a.Handle(ctx, result("api", s.s, engine.SourceWebhook, at(i))); err != nil {
			t.Fatalf("result %d: %v", i, err)
		}
		c := r.counters("api")
		if len(c) != 7 {
			t.Errorf("result %d: hash has %d fields %v, want all 7", i, len(c), c)
		}
		if c["status"] != s.w.status || c["failcount"] != strconv.Itoa(s.w.fails) || c["successcount"] != strconv.Itoa(s.w.success) {
			t.Errorf("result %d: status %q failcount %q successcount %q, want %s %d %d",
				i, c["status"], c["failcount"], c["successcount"], s.w.status, s.w.fails, s.w.success)
		}
		if want := strconv.FormatInt(at(s.w.sinceStep).UnixMilli(), 10); c["since"] != want {
			t.Errorf("result %d: since %s, want %s (time of result %d)", i, c["since"], want, s.w.sinceStep)
		}
		if c["last"] == "" || c["last"] == prevLast {
			t.Errorf("result %d: last %q did not move from %q", i, c["last"], prevLast)
		}
		if want := strconv.FormatInt(at(i).UnixMilli(), 10); c["last_at"] != want {
			t.Errorf("result %d: last_at %s, want %s", i, c["last_at"], want)
		}
		if c["last_done"] != "1" {
			t.Errorf("result %d: last_done %q, want 1 (no reactions)", i, c["last_done"])
		}
		prevLast = c["last"]
	}
}
