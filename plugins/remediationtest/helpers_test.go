package remediationtest

import (
	"testing"
	"time"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/hosttest"
)

// failedCtx is the trigger the tests react to.
var failedCtx = abi.CallContext{
	MonitorID: "m7", MonitorName: "api", Zone: "eu-1",
	ScheduledAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	Status:      "failed", PreviousStatus: "healthy", Message: "status 503",
	ReactionID: "r1", ReactionName: "fix api",
}

type obj = map[string]any

// load builds the reaction plugin name and loads it in a real host,
// reacting to failedCtx.
func load(t *testing.T, name string) *hosttest.Plugin {
	t.Helper()
	p := hosttest.Load(t, name)
	p.Context = failedCtx
	return p
}

// with returns a copy of o with k set to v (or removed when v is nil).
func with(o obj, k string, v any) obj {
	c := obj{}
	for kk, vv := range o {
		c[kk] = vv
	}
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}
