package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/broker"
	"github.com/runbookhq/runbook/engine/internal/jsondec"
	"github.com/runbookhq/runbook/engine/internal/jsonenc"
	"github.com/runbookhq/runbook/host"
	"github.com/runbookhq/runbook/host/abi"
)

// Sender takes results to the action broker (a *broker.Producer). It
// waits while the action side is behind (the producer's window), until
// ctx ends.
type Sender interface {
	SendContext(context.Context, broker.Message) error
}

// ThenSender is a Sender that also reports when a result is finished
// (committed by an actioner): a *broker.Producer. inWindow runs once the
// result has its place in the window, finished when its OK comes.
type ThenSender interface {
	SendThen(ctx context.Context, m broker.Message, inWindow, finished func()) error
}

// Caller runs a plugin call: a *host.Host. It is an interface so a
// benchmark can put a native check in its place and measure the engine
// alone.
type Caller interface {
	Call(ctx context.Context, c host.Call) (abi.Output, host.CallInfo, error)
}

// Linger is how long a healthy result waits for others before it goes to
// the action broker (the worker's producer: broker.WithLinger), and how
// long the worker's acks wait for others before they go to the monitor
// broker. The jobs of one control tick start together and mostly finish
// within a few milliseconds of each other: waiting that long turns a
// frame and the wake-ups of four threads per check into the same per
// tick. A result that is not healthy never waits (urgent).
const Linger = 5 * time.Millisecond

// Worker runs checks for one zone.
type Worker struct {
	Zone    string
	Host    Caller
	Results Sender
	Logger  *slog.Logger
}

// Run consumes jobs from the monitor broker backend until ctx ends.
func (w *Worker) Run(ctx context.Context, backend string, concurrency int) error {
	log := w.logger()
	// A finished check gives its slot back (Release) once its result has
	// a place in the results window, while its job stays in flight until
	// the result is committed; the window and MaxReleased (16×slots)
	// bound those waits. Past them slots stay busy and jobs wait at the
	// monitor broker, before their check runs, instead of results
	// queueing at the action broker after it (where a failure's reaction
	// would wait behind the backlog).
	cfg := broker.ConsumerConfig{Name: "worker", Backend: backend, Concurrency: concurrency, AckLinger: Linger, Logger: log}
	return broker.Consume(ctx, cfg,
		func(ctx context.Context, m broker.Message) {
			var j engine.Job
			if err := jsondec.Job(m.Payload, &j); err != nil {
				mJobs.WithLabelValues(w.Zone, "malformed").Inc()
				log.Error("dropping malformed job", "zone", w.Zone, "id", m.ID, "err", err)
				return
			}
			res := w.Check(ctx, j)
			if ctx.Err() != nil {
				// Stopping: the check was cut short, which says nothing
				// about the target. Another worker runs the job again.
				broker.Retry(ctx)
				return
			}
			if err := w.send(ctx, res); err != nil {
				broker.Retry(ctx)
				if ctx.Err() != nil {
					return // stopping while the result was not yet safe: it runs again
				}
				mSendFailed.WithLabelValues(w.Zone).Inc()
				log.Error("sending result, the job will run again", "monitor", j.MonitorID, "zone", w.Zone, "err", err)
			}
		})
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.Default()
	}
	return w.Logger
}

// Check runs one job. It always returns a result: a check that could not
// run is "unknown" with the reason, never silently dropped.
func (w *Worker) Check(ctx context.Context, j engine.Job) engine.Result {
	timeout := j.Timeout.D()
	if timeout <= 0 {
		timeout = engine.DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	out, info, err := w.Host.Call(cctx, host.Call{
		Plugin: j.Check, Version: j.Version, Kind: abi.KindCheck, SealedSecrets: j.SealedSecrets,
		Input: abi.Input{Config: j.Config, Context: abi.CallContext{
			MonitorID: j.MonitorID, Zone: j.Zone, ScheduledAt: j.ScheduledAt,
		}},
	})
	res := engine.Result{
		ID: j.ID, MonitorID: j.MonitorID, Zone: j.Zone, Source: engine.SourceCheck,
		ScheduledAt: j.ScheduledAt, FinishedAt: time.Now(), Duration: engine.Duration(time.Since(start)),
		Plugin: j.Check, Digest: info.Digest,
	}
	if err != nil {
		res.Status, res.Message = engine.StatusUnknown, fmt.Sprintf("check %s could not run: %v", j.Check, err)
		w.logger().Warn("check could not run", "monitor", j.MonitorID, "zone", j.Zone, "plugin", j.Check, "digest", info.Digest, "err", err)
	} else if st, perr := engine.ParseStatus(out.Status); perr != nil {
		res.Status, res.Message = engine.StatusUnknown, fmt.Sprintf("check %s returned %v", j.Check, perr)
	} else {
		res.Status, res.Message, res.Metrics = st, out.Message, out.Metrics
	}
	mJobs.WithLabelValues(w.Zone, string(res.Status)).Inc()
	mDuration.WithLabelValues(w.Zone, j.Check).Observe(res.Duration.D().Seconds())
	return res
}

// send hands res to the action broker. With a ThenSender it then holds
// the job (slot released) until the result is committed: a worker process
// that dies before that has its job re-sent by the monitor broker rather
// than losing the result it had sent and not yet seen safe.
func (w *Worker) send(ctx context.Context, res engine.Result) error {
	b, err := jsonenc.Result(make([]byte, 0, 320+len(res.Message)), res)
	if err != nil {
		return fmt.Errorf("encoding result: %w", err)
	}
	// Actioners may be busy running slow reactions; a minute before the
	// broker gives the result to another one.
	// A result that is not healthy may fire a reaction: it goes ahead of
	// the healthy ones queued at the action broker.
	m := broker.Message{ID: res.ID, Deadline: time.Now().Add(time.Minute), Payload: b, Urgent: res.Status != engine.StatusHealthy}
	ts, ok := w.Results.(ThenSender)
	if !ok {
		return w.Results.SendContext(ctx, m)
	}
	// Once the result has its place in the window the slot is given back
	// and the job detached: the handler returns, and the OK's callback
	// ends the job (no goroutine parked per result). While the window is
	// full, or the consumer has as many detached jobs as it allows, the
	// slot stays busy and jobs wait at the monitor broker.
	var end func(retry bool)
	fin := make(chan struct{})
	err = ts.SendThen(ctx, m, func() { end, _ = broker.Detach(ctx) }, func() {
		if end != nil {
			end(false)
		} else {
			close(fin)
		}
	})
	switch {
	case err != nil && end != nil:
		end(true) // not sent: the job runs again (the caller's Retry is moot once detached)
		return err
	case err != nil:
		return err
	case end != nil:
		return nil
	}
	select {
	case <-fin:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for result %s to be committed: %w", res.ID, ctx.Err())
	}
}
