package bolt

import (
	"testing"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storetest"
)

func TestConformanceWebExt(t *testing.T) {
	storetest.RunWebExt(t, storetest.Factory{
		Open: func(t *testing.T) store.Store { return openTemp(t) },
		Reopen: func(t *testing.T, old store.Store) store.Store {
			path := old.(*Store).Path()
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
	})
}
