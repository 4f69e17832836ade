package actioner

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/zones"
)

// loaded is one reaction of a monitor with its Redis lastrun.
type loaded struct {
	r       engine.Reaction
	lastRun time.Time
	err     error
}

// loadReactions reads every reaction and its lastrun in one round trip.
func (a *Actioner) loadReactions(ctx context.Context, keys zones.Keys, ids []string) []loaded {
	out := make([]loaded, len(ids))
	cmds := make([][2]*redis.StringCmd, len(ids))
	_, err := a.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = [2]*redis.StringCmd{p.Get(ctx, keys.Reaction(id)), p.Get(ctx, keys.LastRun(id))}
		}
		return nil
	})
	for i, id := range ids {
		if err != nil && err != redis.Nil {
			out[i].err = fmt.Errorf("reading reaction %s: %w", id, err)
			continue
		}
		raw, rerr := cmds[i][0].Bytes()
		if rerr != nil {
			out[i].err = fmt.Errorf("reading reaction %s: %w", id, rerr)
			continue
		}
		if rerr := json.Unmarshal(raw, &out[i].r); rerr != nil {
			out[i].err = fmt.Errorf("decoding reaction %s: %w", id, rerr)
			continue
		}
		if ms, perr := strconv.ParseInt(cmds[i][1].Val(), 10, 64); perr == nil {
			out[i].lastRun = time.UnixMilli(ms)
		}
	}
	return out
}

// react decides each of the monitor's reactions and runs those that fire,
// concurrently, each under its own deadline.
func (a *Actioner) react(ctx context.Context, keys zones.Keys, mon engine.Monitor, res engine.Result, out applyOutcome) journal.Batch {
	b := journal.Batch{LastRun: map[string]time.Time{}}
	q := &quorumView{a: a, mon: mon, zone: res.Zone, own: out.next.Status}
	now := a.Now()
	silence, silenced := mon.SilencedAt(now)
	var fire []engine.Reaction
	for _, l := range a.loadReactions(ctx, keys, mon.Reactions) {
		if l.err != nil {
			a.Logger.Warn("reaction unavailable", "monitor", mon.ID, "zone", res.Zone, "err", l.err)
			continue
		}
		r := l.r
		d := a.decide(ctx, &r, out.next, l.lastRun, now, q)
		if d.Fire && silenced {
			d = engine.Decision{Log: true, Reason: "silenced: " + silence.String()}
			if silence.Reason != "" {
				d.Reason += " (" + silence.Reason + ")"
			}
		}
		// A dry run changes nothing, so it neither spends nor obeys the
		// guardrails meant for real actions.
		if d.Fire && !r.DryRun {
			if ok, reason := a.guard(ctx, keys, r, now); !ok {
				d = engine.Decision{Log: true, Reason: reason}
			}
		}
		if !d.Fire {
			if d.Log {
				b.Logs = append(b.Logs, logRow(r, mon, res, engine.OutcomeSkipped, d.Reason, 0, now))
				mReactions.WithLabelValues(a.Zone, string(engine.OutcomeSkipped)).Inc()
			}
			continue
		}
		fire = append(fire, r)
	}
	if len(fire) == 0 {
		return b
	}
	logs := make([]engine.ReactionLog, len(fire))
	var wg sync.WaitGroup
	for i, r := range fire {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := a.Now()
			mReactLatency.WithLabelValues(a.Zone).Observe(at.Sub(res.FinishedAt).Seconds())
			outcome, msg, dur := a.run(ctx, r, mon, res, out)
			logs[i] = logRow(r, mon, res, outcome, msg, dur, at)
			mReactions.WithLabelValues(a.Zone, string(outcome)).Inc()
			mReactDuration.WithLabelValues(a.Zone, r.Plugin).Observe(dur.Seconds())
		}()
	}
	wg.Wait()
	// Redis first, in one round trip: the next result of this zone must
	// see the lastruns at once; the journal takes them to the store.
	_, err := a.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range fire {
			b.LastRun[r.ID] = logs[i].At
			p.Eval(ctx, setMaxScript, []string{keys.LastRun(r.ID)}, logs[i].At.UnixMilli())
		}
		return nil
	})
	if err != nil {
		a.Logger.Warn("saving lastruns", "monitor", mon.ID, "zone", res.Zone, "err", err)
	}
	b.Logs = append(b.Logs, logs...)
	return b
}

const setMaxScript = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
`

// storeLastRun is the reaction's lastrun in the store (runs in any zone),
// or zero when the store cannot say.
func (a *Actioner) storeLastRun(ctx context.Context, id string) time.Time {
	if a.Store == nil {
		return time.Time{}
	}
	sctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	sr, err := a.Store.GetReaction(sctx, id)
	if err != nil {
		return time.Time{}
	}
	return sr.LastRun
}

func (a *Actioner) run(ctx context.Context, r engine.Reaction, mon engine.Monitor, res engine.Result, out applyOutcome) (engine.Outcome, string, time.Duration) {
	timeout := r.Timeout.D()
	if timeout <= 0 {
		timeout = engine.DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	o, info, err := a.Host.Call(cctx, host.Call{
		Plugin: r.Plugin, Version: r.Version, Kind: abi.KindReaction, SealedSecrets: r.SealedSecrets, DryRun: r.DryRun,
		Input: abi.Input{Config: r.Config, Context: abi.CallContext{
			MonitorID: mon.ID, MonitorName: mon.Name, Zone: res.Zone, ScheduledAt: res.ScheduledAt,
			Status: string(out.next.Status), PreviousStatus: string(out.prev.Status), Message: res.Message,
			ReactionID: r.ID, ReactionName: r.Name,
		}},
	})
	dur := time.Since(start)
	if r.DryRun {
		// Whatever the plugin made of its refused calls, the record is
		// what it tried to reach.
		msg := "dry run: contacted nothing"
		if len(info.WouldReach) > 0 {
			msg = "dry run: would have reached " + strings.Join(info.WouldReach, ", ")
		}
		return engine.OutcomeDryRun, msg, dur
	}
	// The actioner's logger already names its zone (as its other lines
	// rely on); a result checked in another zone says which.
	log := a.Logger.With("monitor", mon.ID, "reaction", r.ID, "plugin", r.Plugin, "digest", info.Digest)
	if res.Zone != a.Zone {
		log = log.With("result_zone", res.Zone)
	}
	switch {
	case err != nil:
		log.Warn("reaction failed", "err", err)
		return engine.OutcomeFailed, err.Error(), dur
	case o.Status != abi.StatusOK:
		log.Warn("reaction reported failure", "message", o.Message)
		return engine.OutcomeFailed, o.Message, dur
	}
	log.Info("reaction executed", "duration", dur)
	return engine.OutcomeExecuted, o.Message, dur
}

func logRow(r engine.Reaction, mon engine.Monitor, res engine.Result, o engine.Outcome, msg string, d time.Duration, at time.Time) engine.ReactionLog {
	return engine.ReactionLog{
		ID: r.ID + "." + res.ID, ReactionID: r.ID, MonitorID: mon.ID, Zone: res.Zone, ResultID: res.ID,
		Outcome: o, Message: msg, Duration: engine.Duration(d), At: at,
	}
}
