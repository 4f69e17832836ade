package bolt

import (
	"testing"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storetest"
)

func TestRollupConformance(t *testing.T) {
	storetest.RunRollups(t, storetest.Factory{Open: func(t *testing.T) store.Store { return openTemp(t) }})
}
