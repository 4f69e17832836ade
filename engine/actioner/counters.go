package actioner

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/journal"
)

// Redis fields of a monitor's counters hash.
const (
	fStatus   = "status"
	fFail     = "failcount"
	fSuccess  = "successcount"
	fLast     = "last"      // id of the last result applied
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
}

func readCounters(vals map[string]string) engine.Counters {
	f, _ := strconv.Atoi(vals[fFail])
	s, _ := strconv.Atoi(vals[fSuccess])
	st := engine.Status(vals[fStatus])
	if st == "" {
		st = engine.StatusPending
	}
	return engine.Counters{Status: st, FailCount: f, SuccessCount: s}
}

// apply folds res into the counters and journals rec in the same
// transaction, unless this result was applied before.
func apply(ctx context.Context, rdb redis.UniversalClient, key string, res engine.Result, rec func(engine.Counters, engine.Counters, bool) journal.Batch, j *journal.Journal) (applyOutcome, error) {
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
		out.next, out.changed = out.prev.Apply(res.Status)
		out.progress = fresh
		b := rec(out.prev, out.next, out.changed)
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, key, fStatus, string(out.next.Status), fFail, out.next.FailCount,
				fSuccess, out.next.SuccessCount, fLast, res.ID, fLastDone, "0")
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
		return out, nil
	}
	return out, fmt.Errorf("applying result %s to counters: too much contention", res.ID)
}

// markDone records that res's reactions ran, unless a newer result moved on.
var markDone = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then redis.call('HSET', KEYS[1], 'last_done', '1') end
return 0
`)
