package actioner

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/zones"
)

// guardScript admits one run of a reaction only if both guardrails allow
// it, and records it in the same atomic step, so concurrent actioners of
// a zone cannot both slip under a limit.
//
//	KEYS[1] rate zset (run times, ms)   KEYS[2] cooldown key of the target
//	ARGV[1] now ms  ARGV[2] rate limit (0 = none)  ARGV[3] cooldown ms (0 = none)
//	ARGV[4] reaction id (recorded as the cooldown's holder)
//
// Returns {0, ""} when admitted, {1, count} when rate-limited, {2, holder}
// with the cooldown's remaining ms when the target is cooling down.
var guardScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cool = tonumber(ARGV[3])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 3600000)
  local n = redis.call('ZCARD', KEYS[1])
  if n >= limit then return {1, tostring(n)} end
end
if cool > 0 and KEYS[2] ~= '' then
  local holder = redis.call('GET', KEYS[2])
  if holder then return {2, holder, tostring(redis.call('PTTL', KEYS[2]))} end
  redis.call('SET', KEYS[2], ARGV[4], 'PX', cool)
end
if limit > 0 then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. math.random(1000000000))
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
return {0, ''}
`)

// guard applies a reaction's rate limit and its target's cooldown. The
// guardrails live here, outside the sandbox: a plugin cannot skip them.
// They are per zone (each zone has its own Redis), like the zone's
// actioners; frequency (checked earlier) is the cross-zone throttle.
func (a *Actioner) guard(ctx context.Context, keys zones.Keys, r engine.Reaction, now time.Time) (ok bool, reason string) {
	if r.RateLimit <= 0 && r.Cooldown <= 0 {
		return true, ""
	}
	target := ""
	if r.Cooldown > 0 && a.Host != nil {
		t, err := a.Host.TargetOf(r.Plugin, r.Version, r.Config)
		if err == nil && t != "" {
			target = t
		}
	}
	coolKey := ""
	if target != "" {
		coolKey = keys.Cooldown(target)
	}
	res, err := guardScript.Run(ctx, a.Redis, []string{keys.RateWindow(r.ID), coolKey},
		now.UnixMilli(), r.RateLimit, r.Cooldown.D().Milliseconds(), r.ID).Slice()
	if err != nil {
		// Fail closed: a reaction whose guardrails cannot be checked might
		// be the fiftieth reboot. The next result decides again.
		return false, fmt.Sprintf("guardrails could not be checked: %v", err)
	}
	switch res[0].(int64) {
	case 1:
		return false, fmt.Sprintf("rate limit: %s runs in the last hour (limit %d)", res[1], r.RateLimit)
	case 2:
		left := time.Duration(0)
		if len(res) > 2 {
			var ms int64
			fmt.Sscan(fmt.Sprint(res[2]), &ms)
			left = time.Duration(ms) * time.Millisecond
		}
		return false, fmt.Sprintf("cooldown: target %s was acted on by reaction %s; %s left", target, res[1], left.Round(time.Second))
	}
	return true, ""
}
