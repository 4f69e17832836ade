package rethink

import (
	"testing"

	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/engine/store/storetest"
)

func TestPluginsConformance(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		storetest.RunPlugins(t, func(t *testing.T) store.Store { return openStore(t, tg.options(t)) })
	})
}
