package bolt

import (
	"testing"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storetest"
)

func TestPluginsConformance(t *testing.T) {
	storetest.RunPlugins(t, func(t *testing.T) store.Store { return openTemp(t) })
}
