package control

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/zones"
)

// claimMissedScript pops heartbeat deadlines that passed and re-arms each
// one interval later in the same atomic step, so two controls never report
// one miss twice, and a monitor that stays silent fails once per interval
// (which is what lets a reaction's trigger count missed beats). A ping
// moves the deadline (the actioner arms it), so a re-arm never hides one.
// A monitor gone from Redis leaves the set.
var claimMissedScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(due) do
  local score = tonumber(redis.call('ZSCORE', KEYS[1], id))
  local iv = tonumber(redis.call('HGET', KEYS[2], id))
  if (not iv) or iv <= 0 or redis.call('EXISTS', ARGV[3] .. id) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
  else
    local nxt = score + (math.floor((now - score) / iv) + 1) * iv
    redis.call('ZADD', KEYS[1], 'XX', nxt, id)
    table.insert(out, id)
    table.insert(out, string.format('%d', score))
  end
end
return out
`)

type miss struct {
	id       string
	deadline time.Time
}

func claimMissed(ctx context.Context, rdb redis.Scripter, keys zones.Keys, now time.Time, batch int) ([]miss, error) {
	res, err := claimMissedScript.Run(ctx, rdb,
		[]string{keys.Heartbeat(), keys.HeartbeatIntervals()},
		now.UnixMilli(), batch, keys.Monitor("")).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claiming missed heartbeats: %w", err)
	}
	out := make([]miss, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		ms, err := strconv.ParseInt(res[i+1], 10, 64)
		if err != nil {
			return out, fmt.Errorf("claiming missed heartbeats: deadline %q of %s: %w", res[i+1], res[i], err)
		}
		out = append(out, miss{id: res[i], deadline: time.UnixMilli(ms)})
	}
	return out, nil
}

// heartbeats turns missed deadlines into failed results sent to the action
// broker: the same path as any other result, so counters, history, events,
// quorum, silences and reactions all apply to a silent heartbeat.
func (c *Control) heartbeats(ctx context.Context, keys zones.Keys, log *slog.Logger) (int, error) {
	now := c.Now()
	misses, err := claimMissed(ctx, c.Redis, keys, now, c.Batch)
	if err != nil {
		return 0, err
	}
	for _, m := range misses {
		mHeartbeatMissed.WithLabelValues(c.Zone).Inc()
		res := engine.MissedHeartbeat(m.id, c.Zone, m.deadline, now)
		payload, err := json.Marshal(res)
		if err == nil {
			err = c.Actions.Send(broker.Message{ID: res.ID, Deadline: now.Add(time.Minute), Payload: payload, Urgent: true})
		}
		if err != nil {
			mFailed.WithLabelValues(c.Zone).Inc()
			log.Error("sending missed heartbeat", "monitor", m.id, "err", err)
		}
	}
	return len(misses), nil
}
