package actioner

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/internal/jsondec"
	"github.com/runbookhq/runbook/engine/journal"
	"github.com/runbookhq/runbook/engine/store"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/zones"
)

// Actioner handles the results of one zone.
type Actioner struct {
	Zone    string
	Redis   redis.UniversalClient
	Journal *journal.Journal
	// Store is read only for what other zones did: the newest lastrun of a
	// reaction about to fire, and the zone statuses a quorum needs. When it
	// cannot be reached the zone's Redis alone decides.
	Store store.Store
	Host  *host.Host
	// MaxAge drops results older than this (a backlog after an outage is
	// history, not news: it must not fire reactions). Default 5m.
	MaxAge time.Duration
	Logger *slog.Logger
	Now    func() time.Time

	// group batches step one of concurrent results (set by Run); linger
	// is how long a healthy batch waits for more (commitLinger).
	group    *group
	linger   time.Duration
	monitors monCache
	counters countCache
	metrics  *zoneMetrics
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
	if a.metrics == nil {
		a.metrics = newZoneMetrics(a.Zone)
	}
}

// Run consumes results from the action broker until ctx ends.
func (a *Actioner) Run(ctx context.Context, backend string, concurrency int) error {
	a.init()
	a.linger = commitLinger
	a.group = a.startGroup(ctx)
	// The handlers of one batch finish together (one commit): their acks
	// go in one frame.
	cfg := broker.ConsumerConfig{Name: "actioner", Backend: backend, Concurrency: concurrency, AckLinger: commitLinger, Logger: a.Logger}
	return broker.Consume(ctx, cfg, func(ctx context.Context, m broker.Message) {
		var res engine.Result
		if err := jsondec.Result(m.Payload, &res); err != nil {
			mDropped.WithLabelValues(a.Zone, "malformed").Inc()
			a.Logger.Error("dropping malformed result", "id", m.ID, "err", err)
			return
		}
		if err := a.Handle(ctx, res); err != nil {
			// Not finished (Redis failed, or we are stopping): the broker
			// sends it again rather than telling the worker it is done.
			broker.Retry(ctx)
			a.Logger.Error("handling result, it will be sent again", "monitor", res.MonitorID, "err", err)
		}
	})
}

// Handle applies one result: step one (counters, history, event) in one
// Redis transaction, then step two (reactions and their bookkeeping).
func (a *Actioner) Handle(ctx context.Context, res engine.Result) error {
	a.init()
	start := time.Now()
	now := a.Now()
	if res.Zone == "" {
		res.Zone = a.Zone
	}
	if res.FinishedAt.IsZero() {
		res.FinishedAt = now // a pushed result without a time happened now
	}
	if res.Status == "" && res.Source == engine.SourceHeartbeat {
		res.Status = engine.StatusHealthy // a ping says only "I am alive"
	}
	if _, err := engine.ParseStatus(string(res.Status)); err != nil {
		mDropped.WithLabelValues(a.Zone, "malformed").Inc()
		a.Logger.Error("dropping result with a bad status", "monitor", res.MonitorID, "err", err)
		return nil
	}
	res.EnsureID()
	if age := now.Sub(res.FinishedAt); age > a.MaxAge {
		mDropped.WithLabelValues(a.Zone, "too_old").Inc()
		a.Logger.Warn("dropping old result", "monitor", res.MonitorID, "age", age.Round(time.Second), "max_age", a.MaxAge)
		return nil
	}
	keys := zones.KeysFor(a.Zone)
	it := &pending{res: res}
	if err := a.applyOne(ctx, it); err != nil {
		return err
	}
	if it.drop != "" {
		mDropped.WithLabelValues(a.Zone, it.drop).Inc()
		return nil
	}
	if it.err != nil {
		return it.err
	}
	mon, out := it.mon, it.out
	if out.stale {
		mDropped.WithLabelValues(a.Zone, "stale").Inc()
		a.Logger.Info("stale result kept in history only", "monitor", mon.ID, "result", res.ID)
		return nil
	}
	if out.fresh {
		a.metrics.results(res.Status, res.Source).Inc()
		a.metrics.decideLatency.Observe(a.Now().Sub(res.FinishedAt).Seconds())
	}
	if out.changed {
		a.Logger.Info("monitor changed", "monitor", mon.ID, "from", out.prev.Status, "to", out.next.Status)
	}
	if out.progress == finished {
		a.metrics.handle.Observe(time.Since(start).Seconds())
		return nil
	}
	// Reactions may take their whole deadline: give the slot back so
	// results of other monitors keep flowing. The result stays in flight
	// at the broker until we return, so a crash from here on re-sends it
	// and the "applied" mark sends the next actioner straight here.
	broker.Release(ctx)
	b := a.react(ctx, keys, mon, res, out)
	if err := a.Journal.Append(ctx, b); err != nil {
		return err
	}
	if err := markDone.Run(ctx, a.Redis, []string{keys.Counters(mon.ID)}, res.ID).Err(); err != nil {
		return fmt.Errorf("marking result %s done: %w", res.ID, err)
	}
	a.metrics.handle.Observe(time.Since(start).Seconds())
	return nil
}
