package control

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/zones"
)

// FirstDue is the first slot at or after now for a monitor: slots sit at a
// fixed phase within the interval, chosen by hashing the id.
func FirstDue(id string, interval time.Duration, now time.Time) time.Time {
	iv := interval.Milliseconds()
	if iv <= 0 {
		return now
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	phase := int64(h.Sum64() % uint64(iv))
	n := now.UnixMilli()
	due := n - ((n-phase)%iv+iv)%iv // latest slot <= now
	if due < n {
		due += iv
	}
	return time.UnixMilli(due)
}

// Schedule puts a monitor on the zone's schedule, or updates its interval.
// A monitor already scheduled keeps its next slot when its interval is
// unchanged (the bridge applies the same entry more than once).
func Schedule(ctx context.Context, rdb redis.Cmdable, keys zones.Keys, id string, interval time.Duration, now time.Time) error {
	ms := interval.Milliseconds()
	prev, err := rdb.HGet(ctx, keys.Intervals(), id).Int64()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("scheduling %s: %w", id, err)
	}
	_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, keys.Intervals(), id, ms)
		due := float64(FirstDue(id, interval, now).UnixMilli())
		if prev == ms {
			p.ZAddNX(ctx, keys.Schedule(), redis.Z{Score: due, Member: id})
		} else {
			p.ZAdd(ctx, keys.Schedule(), redis.Z{Score: due, Member: id})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("scheduling %s: %w", id, err)
	}
	return nil
}

// Unschedule takes a monitor off the zone's schedule (deleted, paused or
// moved to other zones).
func Unschedule(ctx context.Context, rdb redis.Cmdable, keys zones.Keys, id string) error {
	_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, keys.Schedule(), id)
		p.HDel(ctx, keys.Intervals(), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("unscheduling %s: %w", id, err)
	}
	return nil
}

// claimScript pops due monitors and moves each to its next slot in one
// atomic step. Missed slots (control was down) are skipped, not replayed
// in a burst: the next slot is the first one after now on the same phase.
// It returns the earliest heartbeat deadline ("" = none), the earliest
// run still scheduled after the claim ("" = none), then id, scheduled ms,
// monitor JSON for each claim; a monitor whose JSON is gone
// is dropped from the schedule.
var claimScript = redis.NewScript(`
local now = tonumber(ARGV[1])
-- The earliest heartbeat deadline comes first, so control runs the
-- heartbeat script only when one is due: an idle tick is one round trip.
local hb = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
local out = {hb[2] or '', ''}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then
  local nx = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  out[2] = nx[2] or ''
  return out
end
-- One command per kind for the whole batch, not four per monitor: Redis'
-- per-command cost is most of what a claim costs it.
local ids, mkeys = {}, {}
for i = 1, #due, 2 do
  ids[#ids + 1] = due[i]
  mkeys[#mkeys + 1] = ARGV[3] .. due[i]
end
local ivs = redis.call('HMGET', KEYS[2], unpack(ids))
local cfgs = redis.call('MGET', unpack(mkeys))
local moves, gone = {}, {}
for k, id in ipairs(ids) do
  local score = tonumber(due[2 * k])
  local iv = tonumber(ivs[k])
  local cfg = cfgs[k]
  if (not iv) or iv <= 0 or (not cfg) then
    gone[#gone + 1] = id
  else
    local nxt = score + (math.floor((now - score) / iv) + 1) * iv
    moves[#moves + 1] = nxt
    moves[#moves + 1] = id
    out[#out + 1] = id
    out[#out + 1] = string.format('%d', score)
    out[#out + 1] = cfg
  end
end
if #moves > 0 then redis.call('ZADD', KEYS[1], 'XX', unpack(moves)) end
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('HDEL', KEYS[2], unpack(gone))
end
-- When the next run is due (after this claim): control sleeps until then.
local nx = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
out[2] = nx[2] or ''
return out
`)

// claim is one due run.
type claim struct {
	id        string
	scheduled time.Time
	monitor   []byte
}

// upcoming is what a claim says about the future: the earliest heartbeat
// deadline and the earliest scheduled run (zero: none).
type upcoming struct{ beat, run time.Time }

// claimDue claims up to batch due runs and says when the next ones are.
func claimDue(ctx context.Context, rdb redis.Scripter, keys zones.Keys, now time.Time, batch int) (claims []claim, next upcoming, err error) {
	res, err := claimScript.Run(ctx, rdb,
		[]string{keys.Schedule(), keys.Intervals(), keys.Heartbeat()},
		now.UnixMilli(), batch, keys.Monitor("")).StringSlice()
	if err != nil {
		return nil, next, fmt.Errorf("claiming due monitors: %w", err)
	}
	if len(res) < 2 {
		return nil, next, fmt.Errorf("claiming due monitors: short answer (%d values)", len(res))
	}
	if ms, perr := strconv.ParseFloat(res[0], 64); perr == nil {
		next.beat = time.UnixMilli(int64(ms))
	}
	if ms, perr := strconv.ParseFloat(res[1], 64); perr == nil {
		next.run = time.UnixMilli(int64(ms))
	}
	res = res[2:]
	claims = make([]claim, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		ms, perr := strconv.ParseInt(res[i+1], 10, 64)
		if perr != nil {
			return claims, next, fmt.Errorf("claiming due monitors: slot %q of %s: %w", res[i+1], res[i], perr)
		}
		claims = append(claims, claim{id: res[i], scheduled: time.UnixMilli(ms), monitor: []byte(res[i+2])})
	}
	return claims, next, nil
}
