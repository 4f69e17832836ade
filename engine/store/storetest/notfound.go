package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/runbookhq/runbook/engine/store"
)

// testNotFound: every lookup or change of a missing object reports
// store.ErrNotFound (wrapped), and a failed delete queues nothing.
func testNotFound(t *testing.T, f Factory) {
	ctx := testCtx(t)
	s := f.Open(t)
	cases := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"GetMonitor", func(ctx context.Context) error { _, err := s.GetMonitor(ctx, "nope"); return err }},
		{"DeleteMonitor", func(ctx context.Context) error { return s.DeleteMonitor(ctx, "nope", []string{"z1"}) }},
		{"SetMonitorStatus", func(ctx context.Context) error { return s.SetMonitorStatus(ctx, "nope", "failed", at(1)) }},
		{"GetReaction", func(ctx context.Context) error { _, err := s.GetReaction(ctx, "nope"); return err }},
		{"DeleteReaction", func(ctx context.Context) error { return s.DeleteReaction(ctx, "nope", []string{"z1"}) }},
		{"SetReactionLastRun", func(ctx context.Context) error { return s.SetReactionLastRun(ctx, "nope", at(1)) }},
		{"GetUser", func(ctx context.Context) error { _, err := s.GetUser(ctx, "nope"); return err }},
		{"GetUserByEmail", func(ctx context.Context) error { _, err := s.GetUserByEmail(ctx, "nope@example.com"); return err }},
		{"GetToken", func(ctx context.Context) error { _, err := s.GetToken(ctx, "nope"); return err }},
		{"DeleteToken", func(ctx context.Context) error { return s.DeleteToken(ctx, "nope") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(ctx)
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("got %v, want an error wrapping store.ErrNotFound", err)
			}
		})
	}
	entries, err := s.ReadQueue(ctx, "z1", 10)
	must(t, err, "read queue z1")
	if len(entries) != 0 {
		t.Errorf("deleting missing objects queued %d entries: %+v", len(entries), entries)
	}
}
