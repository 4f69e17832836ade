package journal

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/zones"
)

// Journal appends to and drains one zone's write-behind lists.
type Journal struct {
	rdb  redis.UniversalClient
	keys zones.Keys
	zone string
}

// New returns the journal of zone.
func New(rdb redis.UniversalClient, zone string) *Journal {
	return &Journal{rdb: rdb, keys: zones.KeysFor(zone), zone: zone}
}

// Batch is what one result produced.
type Batch struct {
	History []engine.Result
	Events  []engine.Event
	Logs    []engine.ReactionLog
	// LastRun maps reaction id → when it last ran.
	LastRun map[string]time.Time
}

// maxLastRun keeps the newest lastrun per reaction: two actioners racing
// must never move it back.
const maxLastRun = `
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > cur then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 0
`

// Append writes b in one pipelined round trip.
func (j *Journal) Append(ctx context.Context, b Batch) error {
	_, err := j.rdb.Pipelined(ctx, func(p redis.Pipeliner) error { return j.AppendTo(ctx, p, b) })
	if err != nil {
		return fmt.Errorf("journal %s: appending: %w", j.zone, err)
	}
	return nil
}

// AppendTo queues b's writes on p, so a caller can make them part of its
// own transaction.
func (j *Journal) AppendTo(ctx context.Context, p redis.Pipeliner, b Batch) error {
	if err := pushJSON(ctx, p, j.keys.BehindHistory(), b.History); err != nil {
		return err
	}
	if err := pushJSON(ctx, p, j.keys.BehindEvents(), b.Events); err != nil {
		return err
	}
	if err := pushJSON(ctx, p, j.keys.BehindReactionLogs(), b.Logs); err != nil {
		return err
	}
	for id, at := range b.LastRun {
		// EVAL, not EVALSHA: inside MULTI a missing script cannot be retried.
		p.Eval(ctx, maxLastRun, []string{j.keys.BehindLastRun()}, id, at.UnixMilli())
	}
	return nil
}

func pushJSON[T any](ctx context.Context, p redis.Pipeliner, key string, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([]any, len(rows))
	for i, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encoding %s row: %w", key, err)
		}
		vals[i] = b
	}
	p.RPush(ctx, key, vals...)
	return nil
}

// Pending counts records not yet in the store.
func (j *Journal) Pending(ctx context.Context) (int64, error) {
	var h, e, l, r *redis.IntCmd
	_, err := j.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.LLen(ctx, j.keys.BehindHistory())
		e = p.LLen(ctx, j.keys.BehindEvents())
		l = p.LLen(ctx, j.keys.BehindReactionLogs())
		r = p.HLen(ctx, j.keys.BehindLastRun())
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("journal %s: counting: %w", j.zone, err)
	}
	return h.Val() + e.Val() + l.Val() + r.Val(), nil
}

func lastRunFrom(v string) time.Time {
	ms, _ := strconv.ParseInt(v, 10, 64)
	return time.UnixMilli(ms)
}
