package actioner

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/journal"
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

// row is a monitor's counters hash, parsed.
type row struct {
	c      engine.Counters
	last   string // id of the last result applied ("" = none)
	lastAt int64  // its order time, unix ms
	done   bool   // its reactions ran
}

func parseRow(vals map[string]string) row {
	lastAt, _ := strconv.ParseInt(vals[fLastAt], 10, 64)
	return row{c: readCounters(vals), last: vals[fLast], lastAt: lastAt, done: vals[fLastDone] == "1"}
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

// commitScript is step one's write for a whole batch of results, atomic
// and conditional per result: each applies only if its monitor's counters
// still say what we read (field "last" unchanged), so two results of one
// monitor racing cannot both apply on the same base; the ones that lost
// are re-read and retried by the caller. One script for N results replaces
// N scripts (one round trip and one Redis command for the batch, which is
// what the zone Redis' CPU goes on), and history/event rows go in one
// RPUSH each.
//
// KEYS: history list, events list, heartbeat zset, heartbeat ivs, then one
// counters hash per result.
// ARGV: number of results, then per result: expected last ("" = none),
// mode ("apply" | "history"), history row, event row ("" = none),
// heartbeat id ("" = none), deadline ms, interval ms, number of field
// arguments, field/value pairs for the counters.
// It returns one 1 (applied) or 0 (counters moved: re-read) per result.
var commitScript = redis.NewScript(`
local n = tonumber(ARGV[1])
local p = 2
local out, hist, evs = {}, {}, {}
for i = 1, n do
  local key = KEYS[4 + i]
  local nf = tonumber(ARGV[p + 7])
  if (redis.call('HGET', key, 'last') or '') ~= ARGV[p] then
    out[i] = 0
  else
    out[i] = 1
    hist[#hist + 1] = ARGV[p + 2]
    if ARGV[p + 1] == 'apply' then
      if ARGV[p + 3] ~= '' then evs[#evs + 1] = ARGV[p + 3] end
      if ARGV[p + 4] ~= '' then
        redis.call('ZADD', KEYS[3], tonumber(ARGV[p + 5]), ARGV[p + 4])
        redis.call('HSET', KEYS[4], ARGV[p + 4], ARGV[p + 6])
      end
      redis.call('HSET', key, unpack(ARGV, p + 8, p + 7 + nf))
    end
  end
  p = p + 8 + nf
end
if #hist > 0 then redis.call('RPUSH', KEYS[1], unpack(hist)) end
if #evs > 0 then redis.call('RPUSH', KEYS[2], unpack(evs)) end
return out
`)

// prepare folds res into the counters read (r) and returns the commit's
// arguments for it, or nil args when this result was applied before (a
// re-send: nothing to write, out says how far it got).
func prepare(res engine.Result, r row, s step1) (applyOutcome, []any, error) {
	out := applyOutcome{prev: r.c}
	if r.last == res.ID {
		out.next = out.prev
		out.progress = applied
		if r.done {
			out.progress = finished
		}
		return out, nil, nil
	}
	hist, err := encodeResult(res)
	if err != nil {
		return out, nil, fmt.Errorf("applying result %s: encoding history row: %w", res.ID, err)
	}
	args := make([]any, 8, commitArgsPerResult)
	args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7] = r.last, "apply", hist, "", "", 0, 0, 0
	if at := orderAt(res).UnixMilli(); r.last != "" && at < r.lastAt {
		out.next, out.progress, out.stale = out.prev, finished, true
		args[1] = "history"
		return out, args, nil
	}
	out.next, out.changed = out.prev.ApplyAt(res.Status, res.FinishedAt)
	out.progress, out.fresh = fresh, true
	b := s.record(out.prev, out.next, out.changed)
	if len(b.Events) > 0 {
		ev, err := json.Marshal(b.Events[0])
		if err != nil {
			return out, nil, fmt.Errorf("applying result %s: encoding event: %w", res.ID, err)
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
	args[7] = 14
	args = append(args, fStatus, string(out.next.Status), fFail, out.next.FailCount,
		fSuccess, out.next.SuccessCount, fSince, out.next.Since.UnixMilli(),
		fLast, res.ID, fLastAt, orderAt(res).UnixMilli(), fLastDone, done)
	return out, args, nil
}

// commitArgsPerResult is how many ARGV one fresh result adds to the
// commit script: 8 fixed, then 7 counter fields and values.
const commitArgsPerResult = 22

var errNoMonitor = errors.New("monitor not in zone redis")

// markDone records that res's reactions ran, unless a newer result moved on.
var markDone = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then redis.call('HSET', KEYS[1], 'last_done', '1') end
return 0
`)
