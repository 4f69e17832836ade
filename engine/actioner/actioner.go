package actioner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/zones"
)

// Actioner handles the results of one zone.
type Actioner struct {
	Zone    string
	Redis   redis.UniversalClient
	Journal *journal.Journal
	// Store is read only for the newest lastrun of a reaction that is about
	// to fire (it may have run in another zone). When it cannot be reached
	// the Redis lastrun alone decides.
	Store store.Store
	Host  *host.Host
	// MaxAge drops results older than this (a backlog after an outage is
	// history, not news: it must not fire reactions). Default 5m.
	MaxAge time.Duration
	Logger *slog.Logger
	Now    func() time.Time
}

func (a *Actioner) init() {
	if a.MaxAge <= 0 {
		a.MaxAge = 5 * time.Minute
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	if a.Logger == nil {
		a.Logger = slog.Default()
	}
}

// Run consumes results from the action broker until ctx ends.
func (a *Actioner) Run(ctx context.Context, backend string, concurrency int) error {
	a.init()
	return broker.Consume(ctx, broker.ConsumerConfig{Backend: backend, Concurrency: concurrency, Logger: a.Logger},
		func(ctx context.Context, m broker.Message) {
			var res engine.Result
			if err := json.Unmarshal(m.Payload, &res); err != nil {
				mDropped.WithLabelValues(a.Zone, "malformed").Inc()
				a.Logger.Error("dropping malformed result", "id", m.ID, "err", err)
				return
			}
			if err := a.Handle(ctx, res); err != nil {
				a.Logger.Error("handling result", "monitor", res.MonitorID, "zone", res.Zone, "err", err)
			}
		})
}

// Handle applies one result.
func (a *Actioner) Handle(ctx context.Context, res engine.Result) error {
	a.init()
	now := a.Now()
	if res.Zone == "" {
		res.Zone = a.Zone
	}
	if age := now.Sub(res.FinishedAt); !res.FinishedAt.IsZero() && age > a.MaxAge {
		mDropped.WithLabelValues(a.Zone, "too_old").Inc()
		a.Logger.Warn("dropping old result", "monitor", res.MonitorID, "age", age.Round(time.Second))
		return nil
	}
	keys := zones.KeysFor(a.Zone)
	raw, err := a.Redis.Get(ctx, keys.Monitor(res.MonitorID)).Bytes()
	if errors.Is(err, redis.Nil) {
		mDropped.WithLabelValues(a.Zone, "unknown_monitor").Inc()
		return nil // deleted since the check ran
	}
	if err != nil {
		return fmt.Errorf("reading monitor %s: %w", res.MonitorID, err)
	}
	var mon engine.Monitor
	if err := json.Unmarshal(raw, &mon); err != nil {
		return fmt.Errorf("decoding monitor %s: %w", res.MonitorID, err)
	}

	out, err := apply(ctx, a.Redis, keys.Counters(mon.ID), res, func(prev, next engine.Counters, changed bool) journal.Batch {
		b := journal.Batch{History: []engine.Result{res}}
		if changed {
			b.Events = []engine.Event{{
				ID: "ev." + res.ID, MonitorID: mon.ID, Zone: res.Zone, From: prev.Status, To: next.Status,
				Message: res.Message, At: res.FinishedAt, ResultID: res.ID,
			}}
		}
		return b
	}, a.Journal)
	if err != nil {
		return err
	}
	mResults.WithLabelValues(a.Zone, string(res.Status)).Inc()
	if out.changed {
		a.Logger.Info("monitor changed", "monitor", mon.ID, "zone", res.Zone, "from", out.prev.Status, "to", out.next.Status)
	}
	if out.progress == finished {
		return nil
	}
	b := a.react(ctx, keys, mon, res, out)
	if err := a.Journal.Append(ctx, b); err != nil {
		return err
	}
	return markDone.Run(ctx, a.Redis, []string{keys.Counters(mon.ID)}, res.ID).Err()
}

// react decides and runs each of the monitor's reactions.
func (a *Actioner) react(ctx context.Context, keys zones.Keys, mon engine.Monitor, res engine.Result, out applyOutcome) journal.Batch {
	b := journal.Batch{LastRun: map[string]time.Time{}}
	for _, rid := range mon.Reactions {
		r, err := a.reaction(ctx, keys, rid)
		if err != nil {
			a.Logger.Warn("reaction unavailable", "monitor", mon.ID, "reaction", rid, "err", err)
			continue
		}
		now := a.Now()
		d := engine.Decide(&r, out.next, a.lastRun(ctx, keys, r), now)
		if !d.Fire {
			if d.Log {
				b.Logs = append(b.Logs, a.logRow(r, mon, res, engine.OutcomeSkipped, d.Reason, 0, now))
				mReactions.WithLabelValues(a.Zone, string(engine.OutcomeSkipped)).Inc()
			}
			continue
		}
		outcome, msg, dur := a.run(ctx, r, mon, res, out)
		b.Logs = append(b.Logs, a.logRow(r, mon, res, outcome, msg, dur, now))
		b.LastRun[r.ID] = now
		// Redis first: the next result of this zone must see it at once.
		if err := a.Redis.Eval(ctx, setMaxScript, []string{keys.LastRun(r.ID)}, now.UnixMilli()).Err(); err != nil {
			a.Logger.Warn("saving lastrun", "reaction", r.ID, "err", err)
		}
		mReactions.WithLabelValues(a.Zone, string(outcome)).Inc()
	}
	return b
}

const setMaxScript = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
`

func (a *Actioner) reaction(ctx context.Context, keys zones.Keys, id string) (engine.Reaction, error) {
	var r engine.Reaction
	raw, err := a.Redis.Get(ctx, keys.Reaction(id)).Bytes()
	if err != nil {
		return r, fmt.Errorf("reading reaction %s: %w", id, err)
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("decoding reaction %s: %w", id, err)
	}
	return r, nil
}

// lastRun is the newest run known here or, via the store, in any zone.
func (a *Actioner) lastRun(ctx context.Context, keys zones.Keys, r engine.Reaction) time.Time {
	var last time.Time
	if ms, err := a.Redis.Get(ctx, keys.LastRun(r.ID)).Int64(); err == nil {
		last = time.UnixMilli(ms)
	}
	if r.Frequency <= 0 || a.Store == nil {
		return last
	}
	sctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if sr, err := a.Store.GetReaction(sctx, r.ID); err == nil && sr.LastRun.After(last) {
		last = sr.LastRun
	}
	return last
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
		Plugin: r.Plugin, Version: r.Version, Kind: abi.KindReaction,
		Input: abi.Input{Config: r.Config, Context: abi.CallContext{
			MonitorID: mon.ID, MonitorName: mon.Name, Zone: res.Zone, ScheduledAt: res.ScheduledAt,
			Status: string(out.next.Status), PreviousStatus: string(out.prev.Status), Message: res.Message,
			ReactionID: r.ID, ReactionName: r.Name,
		}},
	})
	dur := time.Since(start)
	log := a.Logger.With("monitor", mon.ID, "reaction", r.ID, "plugin", r.Plugin, "digest", info.Digest)
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

func (a *Actioner) logRow(r engine.Reaction, mon engine.Monitor, res engine.Result, o engine.Outcome, msg string, d time.Duration, at time.Time) engine.ReactionLog {
	return engine.ReactionLog{
		ID: r.ID + "." + res.ID, ReactionID: r.ID, MonitorID: mon.ID, Zone: res.Zone, ResultID: res.ID,
		Outcome: o, Message: msg, Duration: engine.Duration(d), At: at,
	}
}
