package actioner

import (
	"context"
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

// apply folds res into the counters and journals its records in the same
// transaction, unless this result was applied before.
func apply(ctx context.Context, rdb redis.UniversalClient, keys zones.Keys, res engine.Result, s step1, j *journal.Journal) (applyOutcome, error) {
	key := keys.Counters(res.MonitorID)
	var out applyOutcome
	txf := func(tx *redis.Tx) error {
		vals, err := tx.HGetAll(ctx, key).Result()
		if err != nil {
			return err
		}
		out.prev = readCounters(vals)
		if vals[fLast] == res.ID {
			out.next = out.prev
			out.progress = applied
			if vals[fLastDone] == "1" {
				out.progress = finished
			}
			return nil
		}
		lastAt, _ := strconv.ParseInt(vals[fLastAt], 10, 64)
		if at := orderAt(res).UnixMilli(); vals[fLast] != "" && at < lastAt {
			out.next, out.progress, out.stale = out.prev, finished, true
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				return j.AppendTo(ctx, p, journal.Batch{History: []engine.Result{res}})
			})
			return err
		}
		out.next, out.changed = out.prev.ApplyAt(res.Status, res.FinishedAt)
		out.progress = fresh
		b := s.record(out.prev, out.next, out.changed)
		done := "0"
		if s.done {
			done = "1"
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, key, fStatus, string(out.next.Status), fFail, out.next.FailCount,
				fSuccess, out.next.SuccessCount, fSince, out.next.Since.UnixMilli(), fLast, res.ID, fLastAt, orderAt(res).UnixMilli(), fLastDone, done)
			if a := s.arm; a != nil {
				p.ZAdd(ctx, keys.Heartbeat(), redis.Z{Score: float64(a.deadline.UnixMilli()), Member: a.id})
				p.HSet(ctx, keys.HeartbeatIntervals(), a.id, a.interval.Milliseconds())
			}
			return j.AppendTo(ctx, p, b)
		})
		return err
	}
	for attempt := 0; attempt < 20; attempt++ {
		err := rdb.Watch(ctx, txf, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue // another result of this monitor won the race; re-read
		}
		if err != nil {
			return out, fmt.Errorf("applying result %s to counters: %w", res.ID, err)
		}
		if s.done && out.progress == fresh {
			out.progress = finished
		}
		return out, nil
	}
	return out, fmt.Errorf("applying result %s to counters: too much contention", res.ID)
}

// markDone records that res's reactions ran, unless a newer result moved on.
var markDone = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then redis.call('HSET', KEYS[1], 'last_done', '1') end
return 0
`)
