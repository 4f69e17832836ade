// Package rollouttest runs, for a test, what a plugin rollout reaches in
// a zone: the zone's bridge (which announces what the store promotes)
// and a real node (a plugin host kept in step by pluginsync).
package rollouttest

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/bridge"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/pluginsync"
)

// Zone is one zone of a test deployment.
type Zone struct {
	Name  string
	Store store.Store
	Redis redis.UniversalClient
	// Host is the node's plugin host; Node its id in the zone's node set
	// ("" = pluginsync's default) and Heartbeat how often it reports
	// (0 = pluginsync's default).
	Host      *host.Host
	Node      string
	Heartbeat time.Duration
	Logger    *slog.Logger
}

// Run starts the zone's bridge and node. stop ends both and waits for
// them, so a test defers it before closing what they use.
func (z Zone) Run(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = (&bridge.Bridge{Zone: z.Name, Store: z.Store, Redis: z.Redis, Logger: z.Logger, RetainEvery: -1}).Run(ctx)
	}()
	go func() {
		defer wg.Done()
		_ = pluginsync.Run(ctx, pluginsync.Options{Zone: z.Name, Redis: z.Redis, Host: z.Host, Logger: z.Logger,
			Node: z.Node, Heartbeat: z.Heartbeat})
	}()
	return func() { cancel(); wg.Wait() }
}
