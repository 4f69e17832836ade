package actioner

import (
	"context"
	"sync"
	"time"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/zones"
)

// group gathers step one of results handled at the same time into shared
// batches ("group commit"): while one batch is at Redis, the results that
// arrive queue up and go together in the next. Under load the batches
// grow by themselves; at a low rate a batch of healthy results waits
// commitLinger for the rest of its tick. Redis sees one read pipeline
// and one script per batch instead of two round trips per result. Every handler
// still waits for its own result's commit before it reports DONE to the
// broker, so what a crash can lose is unchanged.
type group struct {
	in        chan *pending
	gathering sync.Mutex
}

// commitLinger is how long a batch of healthy results waits for more
// before it goes to Redis. The results of one control tick reach the
// actioner as one frame, but their handlers start on separate goroutines:
// without the wait the first one went alone and the rest in a second
// round trip (at 200 checks/s a round trip per result, ~90 µs of Redis
// CPU each when calls come one at a time). A result that is not healthy
// ends the wait at once: a reaction may hang on it.
const commitLinger = time.Millisecond

// groupCommitters is how many batches may be at Redis at once: two, so the
// next batch is read while the previous one commits.
const groupCommitters = 2

func (a *Actioner) startGroup(ctx context.Context) *group {
	g := &group{in: make(chan *pending, maxStepOne)}
	keys := zones.KeysFor(a.Zone)
	for i := 0; i < groupCommitters; i++ {
		go a.commitLoop(ctx, keys, g)
	}
	return g
}

func (a *Actioner) commitLoop(ctx context.Context, keys zones.Keys, g *group) {
	in := g.in
	batch := make([]*pending, 0, maxStepOne)
	for {
		// One committer gathers at a time: two taking turns at one
		// tick's results would split them into two round trips.
		g.gathering.Lock()
		select {
		case <-ctx.Done():
			g.gathering.Unlock()
			return
		case it := <-in:
			batch = append(batch[:0], it)
		}
		batch = a.gather(ctx, in, batch)
		g.gathering.Unlock()
		a.metrics.batch.Observe(float64(len(batch)))
		// The batch is finished even if one handler's ctx ends: the
		// results of the others are in it.
		a.stepOne(context.WithoutCancel(ctx), keys, batch)
		for _, it := range batch {
			close(it.done)
		}
		clear(batch)
	}
}

// applyOne runs step one for it, through the group when one runs (Run),
// alone otherwise (a direct Handle call).
func (a *Actioner) applyOne(ctx context.Context, it *pending) error {
	if a.group == nil {
		a.stepOne(ctx, zones.KeysFor(a.Zone), []*pending{it})
		return nil
	}
	it.done = make(chan struct{})
	select {
	case a.group.in <- it:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-it.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// gather adds to batch (holding its first result) whatever else is
// queued, then, while every result is healthy, what arrives within
// commitLinger.
func (a *Actioner) gather(ctx context.Context, in <-chan *pending, batch []*pending) []*pending {
	for len(batch) < maxStepOne {
		select {
		case it := <-in:
			batch = append(batch, it)
			continue
		default:
		}
		break
	}
	if a.linger <= 0 || len(batch) >= maxStepOne || !allHealthy(batch) {
		return batch
	}
	t := time.NewTimer(a.linger)
	defer t.Stop()
	for len(batch) < maxStepOne {
		select {
		case it := <-in:
			batch = append(batch, it)
			if it.res.Status != engine.StatusHealthy {
				return batch
			}
		case <-t.C:
			return batch
		case <-ctx.Done():
			return batch
		}
	}
	return batch
}

func allHealthy(batch []*pending) bool {
	for _, it := range batch {
		if it.res.Status != engine.StatusHealthy {
			return false
		}
	}
	return true
}
