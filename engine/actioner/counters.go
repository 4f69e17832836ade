package actioner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/zones"
)

// Redis fields of a monitor's counters hash.
const (
	fStatus   = "status"
	fFail     = "failcount"
	fSuccess  = "successcount"
	fSince    = "since"     // unix ms of the last status change
	fLast     = "last"      // id of the last result applied
	fLastAt   = "last_at"   // its order time (unix ms), to spot stale re-sends
	fLastDone = "last_done" // "1" once that result's reactions ran
)

// progress says how far an earlier delivery of this result got.
type progress int

const (
	fresh    progress = iota // never seen: apply it
	applied                  // counters applied, reactions may not have run
	finished                 // nothing left to do
)

type applyOutcome struct {
	prev, next engine.Counters
	changed    bool
	progress   progress
	// fresh: this delivery applied the result (not a re-send).
	fresh bool
	// stale: a result older than one already applied (a job re-sent after
	// newer results moved on). Its history row is kept; counters and
	// reactions are not touched.
	stale bool
}

// orderAt is the time results of one monitor are ordered by: the slot a
// check was scheduled for, or when a pushed result happened.
func orderAt(res engine.Result) time.Time {
	if !res.ScheduledAt.IsZero() {
		return res.ScheduledAt
	}
	return res.FinishedAt
}

func readCounters(vals map[string]string) engine.Counters {
	f, _ := strconv.Atoi(vals[fFail])
	s, _ := strconv.Atoi(vals[fSuccess])
	st := engine.Status(vals[fStatus])
	if st == "" {
		st = engine.StatusPending
	}
	c := engine.Counters{Status: st, FailCount: f, SuccessCount: s}
	if ms, err := strconv.ParseInt(vals[fSince], 10, 64); err == nil && ms > 0 {
		c.Since = time.UnixMilli(ms)
	}
	return c
}

// step1 is what the first, transactional step writes besides the counters.
type step1 struct {
	// record builds the journal rows (history, event on change).
	record func(prev, next engine.Counters, changed bool) journal.Batch
	// done marks the result finished in the same transaction: the monitor
	// has no reactions, so there is no second step to survive a crash.
	done bool
	// arm, when set, (re-)arms a heartbeat deadline in the same
	// transaction, so a re-sent ping cannot arm twice or be lost.
	arm *heartbeatArm
}

type heartbeatArm struct {
	id       string
	deadline time.Time
	interval time.Duration
}

// commitScript is step one's write, atomic and conditional: it applies
// only if the counters still say what we read (field "last" unchanged),
// so two results of one monitor racing cannot both apply on the same
// base. It replaces WATCH/MULTI/EXEC, which took four round trips and a
// dedicated connection per result; this is one.
//
// KEYS: counters, history list, events list, heartbeat zset, heartbeat ivs
// ARGV: expected last ("" = none), mode ("apply" | "history"),
//
//	history row, event row ("" = none), heartbeat id ("" = none),
//	deadline ms, interval ms, then field/value pairs for the counters
var commitScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'last') or ''
if cur ~= ARGV[1] then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[3])
if ARGV[2] == 'history' then return 1 end
if ARGV[4] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[4]) end
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[4], tonumber(ARGV[6]), ARGV[5])
  redis.call('HSET', KEYS[5], ARGV[5], ARGV[7])
end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
return 1
`)

// apply folds res into the counters and journals its records atomically,
// unless this result was applied before: one pipelined read of monitor
// and counters (the caller's), one conditional commit, retried when
// another result of the same monitor committed in between.
func apply(ctx context.Context, rdb redis.UniversalClient, keys zones.Keys, res engine.Result, vals map[string]string, reread func() (map[string]string, error), s step1) (applyOutcome, error) {
	var out applyOutcome
	for attempt := 0; attempt < 20; attempt++ {
		if attempt > 0 {
			var err error
			if vals, err = reread(); err != nil {
				return out, fmt.Errorf("applying result %s: re-reading counters: %w", res.ID, err)
			}
		}
		out = applyOutcome{prev: readCounters(vals)}
		if vals[fLast] == res.ID {
			out.next = out.prev
			out.progress = applied
			if vals[fLastDone] == "1" {
				out.progress = finished
			}
			return out, nil
		}
		hist, err := json.Marshal(res)
		if err != nil {
			return out, fmt.Errorf("applying result %s: encoding history row: %w", res.ID, err)
		}
		args := []any{vals[fLast], "apply", hist, "", "", 0, 0}
		lastAt, _ := strconv.ParseInt(vals[fLastAt], 10, 64)
		if at := orderAt(res).UnixMilli(); vals[fLast] != "" && at < lastAt {
			out.next, out.progress, out.stale = out.prev, finished, true
			args[1] = "history"
		} else {
			out.next, out.changed = out.prev.ApplyAt(res.Status, res.FinishedAt)
			out.progress, out.fresh = fresh, true
			b := s.record(out.prev, out.next, out.changed)
			if len(b.Events) > 0 {
				ev, err := json.Marshal(b.Events[0])
				if err != nil {
					return out, fmt.Errorf("applying result %s: encoding event: %w", res.ID, err)
				}
				args[3] = ev
			}
			if a := s.arm; a != nil {
				args[4], args[5], args[6] = a.id, a.deadline.UnixMilli(), a.interval.Milliseconds()
			}
			done := "0"
			if s.done {
				done = "1"
				out.progress = finished
			}
			args = append(args, fStatus, string(out.next.Status), fFail, out.next.FailCount,
				fSuccess, out.next.SuccessCount, fSince, out.next.Since.UnixMilli(),
				fLast, res.ID, fLastAt, orderAt(res).UnixMilli(), fLastDone, done)
		}
		ok, err := commitScript.Run(ctx, rdb, []string{keys.Counters(res.MonitorID), keys.BehindHistory(),
			keys.BehindEvents(), keys.Heartbeat(), keys.HeartbeatIntervals()}, args...).Int()
		if err != nil {
			return out, fmt.Errorf("applying result %s to counters: %w", res.ID, err)
		}
		if ok == 1 {
			return out, nil
		}
		// Another result of this monitor committed since we read: re-read.
	}
	return out, fmt.Errorf("applying result %s to counters: too much contention", res.ID)
}

var errNoMonitor = errors.New("monitor not in zone redis")

// markDone records that res's reactions ran, unless a newer result moved on.
var markDone = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then redis.call('HSET', KEYS[1], 'last_done', '1') end
return 0
`)
