package control

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
	"github.com/runbookhq/runbook/zones"
)

// Sender takes jobs to the monitor broker (a *broker.Producer).
type Sender interface {
	Send(broker.Message) error
}

// MaxBatch is the most claims one script returns: it unpacks two values
// per claim onto Lua's stack, which holds 8,000.
const MaxBatch = 3000

// BatchSender is a Sender that can push many jobs at once (a
// *broker.Producer).
// It waits while workers are behind (the producer's window: back-pressure
// that slows claiming), until ctx ends.
type BatchSender interface {
	SendBatchContext(context.Context, []broker.Message) error
}

// Control claims due monitors of one zone and sends their jobs.
type Control struct {
	Zone   string
	Redis  redis.UniversalClient
	Sender Sender
	// Actions, when set, takes failed results of heartbeat monitors whose
	// deadline passed to the action broker; nil leaves heartbeats unwatched.
	Actions Sender
	Tick    time.Duration
	Batch   int
	Logger  *slog.Logger
	// Now is the clock; tests may replace it.
	Now func() time.Time

	cache jobCache // only Run's goroutine touches it
}

// Run claims and sends until ctx ends. A Redis outage is logged and
// retried each tick: runs missed meanwhile are skipped, not replayed.
func (c *Control) Run(ctx context.Context) error {
	if c.Tick <= 0 {
		c.Tick = 50 * time.Millisecond
	}
	if c.Batch <= 0 {
		c.Batch = 1000
	}
	if c.Batch > MaxBatch {
		c.Batch = MaxBatch
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	log := c.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("zone", c.Zone, "component", "control")
	keys := zones.KeysFor(c.Zone)
	t := time.NewTimer(c.Tick)
	defer t.Stop()
	var lastErr string
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		woke := time.Now()
		// Drain everything due before sleeping again: a backlog after an
		// outage clears in one tick, batch by batch.
		var next upcoming
		roundOK := false
		for ctx.Err() == nil {
			n, up, err := c.round(ctx, keys, log)
			if err != nil {
				if err.Error() != lastErr {
					log.Error("control round failed", "err", err)
					lastErr = err.Error()
				}
				break
			}
			lastErr, next, roundOK = "", up, true
			if n < c.Batch {
				break
			}
		}
		// Heartbeats only when one is due (the claim says when): an idle
		// tick costs one round trip, not two.
		if c.Actions != nil && ctx.Err() == nil && roundOK && !next.beat.IsZero() && !next.beat.After(c.Now()) {
			if _, err := c.heartbeats(ctx, keys, log); err != nil && err.Error() != lastErr {
				log.Error("heartbeat round failed", "err", err)
				lastErr = err.Error()
			}
		}
		if !roundOK {
			next = upcoming{} // Redis failed: try again next tick
		}
		// Counted from the wake-up, like a ticker: a round slowed by
		// back-pressure must not add a whole tick before the next one.
		t.Reset(max(c.sleep(next, roundOK)-time.Since(woke), 0))
	}
}

// IdleWait is the longest control sleeps when nothing is due sooner: a
// monitor scheduled meanwhile for an earlier slot (new, or its interval
// changed) runs at most this late, once. A zone with nothing due soon
// then costs a claim (a Redis round trip and script) every IdleWait
// instead of every tick.
const IdleWait = 500 * time.Millisecond

// sleep is how long to wait before the next round: a tick while runs are
// due within one (or Redis failed), else until the earliest run or
// heartbeat deadline, at most IdleWait.
func (c *Control) sleep(next upcoming, ok bool) time.Duration {
	if !ok {
		return c.Tick
	}
	now := c.Now()
	wait := IdleWait
	for _, at := range []time.Time{next.run, next.beat} {
		if !at.IsZero() {
			wait = min(wait, at.Sub(now))
		}
	}
	return max(wait, c.Tick)
}

func (c *Control) round(ctx context.Context, keys zones.Keys, log *slog.Logger) (int, upcoming, error) {
	now := c.Now()
	start := time.Now()
	defer func() { mRound.WithLabelValues(c.Zone).Observe(time.Since(start).Seconds()) }()
	claims, next, err := claimDue(ctx, c.Redis, keys, now, c.Batch)
	if err != nil {
		return 0, upcoming{}, err
	}
	msgs := make([]broker.Message, 0, len(claims))
	claimed, lateness := mClaimed.WithLabelValues(c.Zone), mLateness.WithLabelValues(c.Zone)
	claimed.Add(float64(len(claims)))
	for _, cl := range claims {
		lateness.Observe(now.Sub(cl.scheduled).Seconds())
		msg, err := c.job(cl)
		if err != nil {
			mFailed.WithLabelValues(c.Zone).Inc()
			log.Error("building job", "monitor", cl.id, "err", err)
			continue
		}
		msgs = append(msgs, msg)
	}
	// The whole round goes to the broker as one batch when the sender can
	// carry one: one frame and one wake-up instead of one per job.
	var err2 error
	if bs, ok := c.Sender.(BatchSender); ok {
		err2 = bs.SendBatchContext(ctx, msgs)
	} else {
		for _, m := range msgs {
			if err := c.Sender.Send(m); err != nil && err2 == nil {
				err2 = err
			}
		}
	}
	if err2 != nil {
		mFailed.WithLabelValues(c.Zone).Add(float64(len(msgs)))
		log.Error("sending jobs", "jobs", len(msgs), "err", err2)
	} else {
		mSent.WithLabelValues(c.Zone).Add(float64(len(msgs)))
	}
	return len(claims), next, nil
}

func (c *Control) job(cl claim) (broker.Message, error) {
	// Only what a job carries is decoded: at 10,000 claims a second the
	// full monitor (zones, reactions, silences) was control's main cost.
	m, err := c.cache.fields(cl.id, cl.monitor)
	if err != nil {
		return broker.Message{}, err
	}
	timeout := m.Timeout.D()
	if timeout <= 0 {
		timeout = engine.DefaultTimeout
	}
	j := engine.Job{
		ID:          engine.ResultID(m.ID, c.Zone, cl.scheduled),
		MonitorID:   m.ID,
		Zone:        c.Zone,
		Check:       m.Check,
		Version:     m.Version,
		Config:      m.Config,
		ScheduledAt: cl.scheduled,
		Timeout:     engine.Duration(timeout),
		// Still sealed: only the worker's plugin host opens them.
		SealedSecrets: m.Sealed,
	}
	// Without reflection: the reflective encoder (Config re-validated and
	// compacted) was a third of control's CPU at 10,000 jobs a second.
	payload := jsonenc.Job(make([]byte, 0, 192+len(m.Config)+len(m.Sealed)), j)
	// A worker that takes the job and dies is noticed by heartbeats; the
	// deadline covers one that stays alive but never answers.
	return broker.Message{ID: j.ID, Deadline: c.Now().Add(timeout + 5*time.Second), Payload: payload}, nil
}

// jobFields is the part of an engine.Monitor a job needs.
type jobFields struct {
	ID      string          `json:"id"`
	Check   string          `json:"check"`
	Version string          `json:"version"`
	Config  json.RawMessage `json:"config"`
	Timeout engine.Duration `json:"timeout"`
	Sealed  string          `json:"sealed_secrets"`
}
