package rethink

import (
	"testing"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storetest"
)

func TestConformanceWebExt(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		storetest.RunWebExt(t, storetest.Factory{
			Open: func(t *testing.T) store.Store { return openStore(t, tg.options(t)) },
			Reopen: func(t *testing.T, old store.Store) store.Store {
				s := old.(*Store)
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				return openStore(t, s.opts)
			},
		})
	})
}
