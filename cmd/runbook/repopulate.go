package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/bridge"
)

// cmdRepopulate rebuilds each named zone's Redis from the store after a
// Redis loss (`runbook repopulate --zone dc1.yaml --store URL`). It is safe
// while the zone runs: it writes what the bridge would and queues a
// re-check of everything so a concurrent edit is re-applied after it. The
// embedded store is one process per file, so with bolt stop the zone first.
func cmdRepopulate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("repopulate", flag.ExitOnError)
	var c common
	c.register(fs, "bolt:./data/runbook.db")
	_ = fs.Parse(args)
	zs, err := c.zones()
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, z := range zs {
		rdb := redis.NewClient(&redis.Options{Addr: z.Redis.Addr, Password: z.Redis.Password, DB: z.Redis.DB})
		b := &bridge.Bridge{Zone: z.Name, Store: st, Redis: rdb, Logger: c.logger()}
		m, r, err := b.Repopulate(ctx)
		rdb.Close()
		if err != nil {
			return fmt.Errorf("zone %s (redis %s): %w", z.Name, z.Redis.Addr, err)
		}
		fmt.Printf("zone %s: %d monitors and %d reactions restored\n", z.Name, m, r)
	}
	return nil
}
