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
// Every argument costs Redis a string object and every HSET field a hash
// write, so a result sends only what it needs: optional parts are flagged
// in its op string and the counters hash gets only the fields that
// changed (last, last_at and last_done always: they describe the result
// just applied). The hash's layout is the same as before.
//
// KEYS: history list, events list, heartbeat zset, heartbeat ivs, then one
// counters hash per result.
// ARGV: number of results, then per result: expected last ("" = none),
// op, history row; then, by op: "h" (history only) nothing more; "a"
// (apply) with optional flags "e" (an event row follows) and "b" (a
// heartbeat id, deadline ms and interval ms follow), then the number of
// field arguments and the field/value pairs for the counters.
// It returns one 1 (applied) or 0 (counters moved: re-read) per result.
var commitScript = redis.NewScript(`
local n = tonumber(ARGV[1])
local p = 2
local out, hist, evs = {}, {}, {}
local find = string.find
for i = 1, n do
  local key = KEYS[4 + i]
  local op = ARGV[p + 1]
  local q = p + 3
  local ok = (redis.call('HGET', key, 'last') or '') == ARGV[p]
  if ok then
    out[i] = 1
    hist[#hist + 1] = ARGV[p + 2]
  else
    out[i] = 0
  end
  if op ~= 'h' then
    if find(op, 'e', 1, true) then
      if ok then evs[#evs + 1] = ARGV[q] end
      q = q + 1
    end
    if find(op, 'b', 1, true) then
      if ok then
        redis.call('ZADD', KEYS[3], tonumber(ARGV[q + 1]), ARGV[q])
        redis.call('HSET', KEYS[4], ARGV[q], ARGV[q + 2])
      end
      q = q + 3
    end
    local nf = tonumber(ARGV[q])
    if ok then redis.call('HSET', key, unpack(ARGV, q + 1, q + nf)) end
    q = q + 1 + nf
  end
  p = q
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
	if at := orderAt(res).UnixMilli(); r.last != "" && at < r.lastAt {
		out.next, out.progress, out.stale = out.prev, finished, true
		return out, []any{r.last, "h", hist}, nil
	}
	out.next, out.changed = out.prev.ApplyAt(res.Status, res.FinishedAt)
	out.progress, out.fresh = fresh, true
	args := make([]any, 3, commitArgsPerResult)
	args[0], args[2] = r.last, hist
	op := "a"
	b := s.record(out.prev, out.next, out.changed)
	if len(b.Events) > 0 {
		ev, err := json.Marshal(b.Events[0])
		if err != nil {
			return out, nil, fmt.Errorf("applying result %s: encoding event: %w", res.ID, err)
		}
		op += "e"
		args = append(args, ev)
	}
	if a := s.arm; a != nil {
		op += "b"
		args = append(args, a.id, a.deadline.UnixMilli(), a.interval.Milliseconds())
	}
	args[1] = op
	done := "0"
	if s.done {
		done = "1"
		out.progress = finished
	}
	nfAt := len(args)
	args = append(args, 0)
	// A hash with no result applied yet gets every field, so it reads the
	// same as one written field by field from the start; afterwards only
	// what changed (a healthy streak moves successcount alone).
	all := r.last == ""
	if all || out.next.Status != r.c.Status {
		args = append(args, fStatus, string(out.next.Status))
	}
	if all || out.next.FailCount != r.c.FailCount {
		args = append(args, fFail, out.next.FailCount)
	}
	if all || out.next.SuccessCount != r.c.SuccessCount {
		args = append(args, fSuccess, out.next.SuccessCount)
	}
	if all || !out.next.Since.Equal(r.c.Since) {
		args = append(args, fSince, out.next.Since.UnixMilli())
	}
	args = append(args, fLast, res.ID, fLastAt, orderAt(res).UnixMilli(), fLastDone, done)
	args[nfAt] = len(args) - nfAt - 1
	return out, args, nil
}

// commitArgsPerResult is the most ARGV one fresh result adds to the
// commit script: 3 fixed, an event, 3 heartbeat, the field count and 7
// counter fields and values. A healthy streak sends 12.
const commitArgsPerResult = 25

var errNoMonitor = errors.New("monitor not in zone redis")

// markDone records that res's reactions ran, unless a newer result moved on.
var markDone = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then redis.call('HSET', KEYS[1], 'last_done', '1') end
return 0
`)
