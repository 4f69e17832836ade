package actioner

import (
	"context"

	"github.com/runbookhq/runbook/zones"
)

// group gathers step one of results handled at the same time into shared
// batches ("group commit"): while one batch is at Redis, the results that
// arrive queue up and go together in the next. Nothing waits on a timer:
// at a low rate a batch is one result and goes at once; under load the
// batches grow by themselves, and Redis sees one read pipeline and one
// script per batch instead of two round trips per result. Every handler
// still waits for its own result's commit before it reports DONE to the
// broker, so what a crash can lose is unchanged.
type group struct {
	in chan *pending
}

// groupCommitters is how many batches may be at Redis at once: two, so the
// next batch is read while the previous one commits.
const groupCommitters = 2

func (a *Actioner) startGroup(ctx context.Context) *group {
	g := &group{in: make(chan *pending, maxStepOne)}
	keys := zones.KeysFor(a.Zone)
	for i := 0; i < groupCommitters; i++ {
		go a.commitLoop(ctx, keys, g.in)
	}
	return g
}

func (a *Actioner) commitLoop(ctx context.Context, keys zones.Keys, in <-chan *pending) {
	batch := make([]*pending, 0, maxStepOne)
	for {
		select {
		case <-ctx.Done():
			return
		case it := <-in:
			batch = append(batch[:0], it)
		}
	more:
		for len(batch) < maxStepOne {
			select {
			case it := <-in:
				batch = append(batch, it)
			default:
				break more
			}
		}
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
