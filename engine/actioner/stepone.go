package actioner

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/zones"
)

// pending is one result going through step one.
type pending struct {
	res engine.Result
	// Filled by step one.
	mon  engine.Monitor
	out  applyOutcome
	drop string // reason the result is dropped ("unknown_monitor", "paused"), "" = kept
	err  error
	done chan struct{}
}

// maxStepOne bounds one batch: the commit script's arguments stay well
// under Lua's stack limit for unpack, and one batch's round trip stays
// short enough not to delay the results behind it.
const maxStepOne = 256

// stepOne applies a batch of results: one pipelined read of every
// monitor and counters hash, a decision per result in Go, one conditional
// commit script for the batch, and re-reads only for results whose
// monitor moved in between. Each result's outcome lands in its pending.
func (a *Actioner) stepOne(ctx context.Context, keys zones.Keys, batch []*pending) {
	gets := make([]*redis.StringCmd, len(batch))
	// counters[i] stays nil when guess[i] (this actioner's last commit)
	// stands in for the read.
	counters := make([]*redis.MapStringStringCmd, len(batch))
	guess := make([]row, len(batch))
	_, err := a.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, it := range batch {
			gets[i] = p.Get(ctx, keys.Monitor(it.res.MonitorID))
			// The counters we committed last are what Redis holds unless
			// another actioner moved them, which the commit's condition
			// catches (then they are re-read). A re-send of the result
			// we committed last always reads: only Redis knows whether
			// its reactions ran.
			if r, ok := a.counters.get(it.res.MonitorID); ok && r.last != it.res.ID {
				guess[i] = r
				continue
			}
			counters[i] = p.HGetAll(ctx, keys.Counters(it.res.MonitorID))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		for _, it := range batch {
			it.err = fmt.Errorf("reading monitor %s and its counters: %w", it.res.MonitorID, err)
		}
		return
	}
	todo := make([]*pending, 0, len(batch))
	steps := make([]step1, 0, len(batch))
	vals := make([]row, 0, len(batch))
	for i, it := range batch {
		raw, gerr := gets[i].Bytes()
		if errors.Is(gerr, redis.Nil) {
			it.drop = "unknown_monitor" // deleted since the check ran
			continue
		}
		if gerr == nil && counters[i] != nil {
			gerr = counters[i].Err()
		}
		if gerr != nil {
			it.err = fmt.Errorf("reading monitor %s and its counters: %w", it.res.MonitorID, gerr)
			continue
		}
		mon, err := a.monitors.decode(it.res.MonitorID, raw)
		if err != nil {
			it.err = err
			continue
		}
		it.mon = mon
		if it.mon.Paused && it.res.Source != engine.SourceManual {
			// A paused monitor is not watched: late check results and
			// missed heartbeats say nothing a person asked about. A manual
			// mark is someone asking, so it still counts.
			it.drop = "paused"
			continue
		}
		todo = append(todo, it)
		steps = append(steps, stepFor(it))
		if counters[i] == nil {
			vals = append(vals, guess[i])
		} else {
			vals = append(vals, parseRow(counters[i].Val()))
		}
	}
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt == 20 {
			for _, it := range todo {
				it.err = fmt.Errorf("applying result %s to counters: too much contention", it.res.ID)
			}
			return
		}
		if attempt > 0 {
			if err := a.reread(ctx, keys, todo, vals); err != nil {
				for _, it := range todo {
					it.err = err
				}
				return
			}
		}
		todo, steps, vals = a.commit(ctx, keys, todo, steps, vals)
	}
}

// stepFor is what step one writes for it besides the counters.
func stepFor(it *pending) step1 {
	res, mon := it.res, &it.mon
	s := step1{
		done: len(mon.Reactions) == 0,
		record: func(prev, next engine.Counters, changed bool) journal.Batch {
			b := journal.Batch{History: []engine.Result{res}}
			if changed {
				b.Events = []engine.Event{{
					ID: "ev." + res.ID, MonitorID: mon.ID, Zone: res.Zone, From: prev.Status, To: next.Status,
					Message: res.Message, At: res.FinishedAt, ResultID: res.ID,
				}}
			}
			return b
		},
	}
	if mon.Kind == engine.KindHeartbeat && res.IsPing() {
		s.arm = &heartbeatArm{id: mon.ID, deadline: mon.HeartbeatDeadline(res.FinishedAt), interval: mon.Interval.D()}
	}
	return s
}

// commit runs one commit script for every result of todo that needs a
// write and returns those whose monitor moved since vals were read.
func (a *Actioner) commit(ctx context.Context, keys zones.Keys, todo []*pending, steps []step1, vals []row) (
	retry []*pending, retrySteps []step1, retryVals []row) {
	// Sized once: growing them by append was a tenth of the actioner's
	// allocated bytes (22 arguments per result).
	ckeys := make([]string, 4, 4+len(todo))
	ckeys[0], ckeys[1], ckeys[2], ckeys[3] = keys.BehindHistory(), keys.BehindEvents(), keys.Heartbeat(), keys.HeartbeatIntervals()
	args := make([]any, 1, 1+commitArgsPerResult*len(todo))
	args[0] = 0
	sent := make([]int, 0, len(todo))
	for i, it := range todo {
		out, a, err := prepare(it.res, vals[i], steps[i])
		it.out = out
		if err != nil {
			it.err = err
			continue
		}
		if a == nil {
			continue // applied before: nothing to write
		}
		ckeys = append(ckeys, keys.Counters(it.res.MonitorID))
		args = append(args, a...)
		sent = append(sent, i)
	}
	if len(sent) == 0 {
		return nil, nil, nil
	}
	args[0] = len(sent)
	oks, err := commitScript.Run(ctx, a.Redis, ckeys, args...).Int64Slice()
	if err == nil && len(oks) != len(sent) {
		err = fmt.Errorf("commit answered %d results for %d", len(oks), len(sent))
	}
	for k, i := range sent {
		it := todo[i]
		switch {
		case err != nil:
			it.err = fmt.Errorf("applying result %s to counters: %w", it.res.ID, err)
		case oks[k] == 0:
			// Another result of this monitor committed since we read.
			a.counters.forget(it.res.MonitorID)
			retry = append(retry, it)
			retrySteps = append(retrySteps, steps[i])
			retryVals = append(retryVals, row{})
		case it.out.fresh:
			a.counters.put(it.res.MonitorID, committedRow(it.res, it.out.next, steps[i].done))
		}
	}
	return retry, retrySteps, retryVals
}

// reread fetches the counters of todo again, in one round trip.
func (a *Actioner) reread(ctx context.Context, keys zones.Keys, todo []*pending, vals []row) error {
	cmds := make([]*redis.MapStringStringCmd, len(todo))
	_, err := a.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, it := range todo {
			cmds[i] = p.HGetAll(ctx, keys.Counters(it.res.MonitorID))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("applying results: re-reading counters: %w", err)
	}
	for i := range todo {
		vals[i] = parseRow(cmds[i].Val())
	}
	return nil
}
