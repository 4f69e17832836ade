package rethink

import (
	"errors"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storetest"
)

func TestRollupConformance(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		storetest.RunRollups(t, storetest.Factory{Open: func(t *testing.T) store.Store { return openStore(t, tg.options(t)) }})
	})
}

// The retention lease: one holder at a time across processes, renewable by
// its holder, free once released or expired.
func TestRetentionLease(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := t.Context()
		opts := tg.options(t)
		a, b := openStore(t, opts), openStore(t, opts) // two processes
		la, lb := &lease{s: a, holder: "a"}, &lease{s: b, holder: "b"}
		steps := []struct {
			name string
			do   func() error
			busy bool
		}{
			{"a takes it", func() error { return la.renew(ctx) }, false},
			{"b is refused", func() error { return lb.renew(ctx) }, true},
			{"a renews", func() error { return la.renew(ctx) }, false},
			{"retain on b skips", func() error { _, err := b.Retain(ctx, time.Now(), store.RetentionPolicy{}); return err }, true},
			{"a releases, b takes it", func() error { la.release(ctx); return lb.renew(ctx) }, false},
			{"b's expired lease goes to a", func() error {
				_, err := a.write(ctx, "expire", a.table(tMeta).Get(leaseID).Update(map[string]interface{}{"until": timeKey(time.Now().Add(-time.Second))}))
				if err != nil {
					return err
				}
				return la.renew(ctx)
			}, false},
		}
		for _, s := range steps {
			err := s.do()
			if busy := errors.Is(err, store.ErrRetainBusy); busy != s.busy || (err != nil && !busy) {
				t.Fatalf("%s: %v, want busy=%v", s.name, err, s.busy)
			}
		}
	})
}
