package web

import (
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

func planOf(id string, monitors, reactions int, minInterval time.Duration) store.Plan {
	return store.Plan{ID: id, Name: id, MaxMonitors: monitors, MaxReactions: reactions, MinInterval: engine.Duration(minInterval)}
}
