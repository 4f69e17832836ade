// Package redistest gives each test its own redis-server on a free
// loopback port, stopped when the test ends, and a client for it.
package redistest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/zones/localredis"
)

// Start runs a private redis-server for t. It fails the test (not skips)
// when redis-server is missing: CI installs it, so a missing one is a bug.
func Start(t testing.TB) *localredis.Server {
	t.Helper()
	s, err := localredis.Start(context.Background(), localredis.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Client returns a go-redis client for s, closed when the test ends.
func Client(t testing.TB, s *localredis.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { _ = c.Close() })
	return c
}
