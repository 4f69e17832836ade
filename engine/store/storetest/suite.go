package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/runbookhq/runbook/engine/store"
)

// Factory makes stores for the suite.
type Factory struct {
	// Open returns a new, empty store for one test. It should register its
	// own cleanup (t.Cleanup) to close the store and remove its data.
	Open func(t *testing.T) store.Store
	// Reopen simulates a restart: it closes s and opens the same data
	// again. Tests that need it are skipped when it is nil.
	Reopen func(t *testing.T, s store.Store) store.Store
}

// Pruner is implemented by backends that delete raw history older than a
// time (retention). The suite tests it when the store has it.
type Pruner interface {
	Prune(ctx context.Context, before time.Time) (int, error)
}

// Run runs the suite with fresh stores from open; restart tests are skipped.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	RunFactory(t, Factory{Open: open})
}

// RunFactory runs the whole suite.
func RunFactory(t *testing.T, f Factory) {
	groups := []struct {
		name string
		run  func(t *testing.T, f Factory)
	}{
		{"NotFound", testNotFound},
		{"Monitors", testMonitors},
		{"Reactions", testReactions},
		{"History", testHistory},
		{"EventsAndLogs", testEventsAndLogs},
		{"Queues", testQueues},
		{"Watch", testWatch},
		{"Accounts", testAccounts},
		{"Concurrency", testConcurrency},
		{"Prune", testPrune},
		{"Restart", testRestart},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, f) })
	}
}

// testCtx bounds every test so a hung backend fails instead of hanging CI.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error, doing string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", doing, err)
	}
}
