package localredis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/zones/localredis"
)

// A persisted private Redis keeps its data across a crash and restart:
// this is what lets write-behind logs survive in `runbook up`.
func TestPersistSurvivesKillAndRestart(t *testing.T) {
	ctx := context.Background()
	s, err := localredis.Start(ctx, localredis.Options{Dir: t.TempDir(), Persist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	if err := c.RPush(ctx, "wb", "row-1").Err(); err != nil {
		t.Fatal(err)
	}
	// appendfsync everysec: make the write durable before the "crash".
	if err := c.Do(ctx, "BGREWRITEAOF").Err(); err != nil {
		t.Fatal(err)
	}
	waitAOF(t, ctx, c)
	s.Kill()
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := c.LRange(ctx, "wb", 0, -1).Result()
	if err != nil || len(got) != 1 || got[0] != "row-1" {
		t.Fatalf("after restart: %v %v, want [row-1]", got, err)
	}
}

func waitAOF(t *testing.T, ctx context.Context, c *redis.Client) {
	for i := 0; i < 200; i++ {
		info, err := c.Info(ctx, "persistence").Result()
		if err == nil && strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("AOF rewrite did not finish")
}
