package broker

import (
	"context"
	"sync/atomic"
)

// slotCtl is what a handler's context carries: how to give the slot back
// and how to ask for the message to be sent again.
type slotCtl struct {
	freed, retried atomic.Bool
	detached       atomic.Bool // ended by the func Detach returned, not by the handler's return
	id             string
	released       *atomic.Int64 // handlers of the consumer that released their slot
	maxReleased    int64
	slots          chan struct{}
	acks           *ackQueue
}

// free gives the slot back once, unless the consumer has as many
// released handlers as it allows.
func (c *slotCtl) free() {
	if c.released.Add(1) > c.maxReleased || !c.freed.CompareAndSwap(false, true) {
		c.released.Add(-1)
		return
	}
	<-c.slots
	c.acks.add(ackFree, c.id)
}

func (c *slotCtl) retry() { c.retried.Store(true) }

// detach marks the message to be ended by a later call rather than by the
// handler's return; false when the slot could not be released.
func (c *slotCtl) detach() (end func(retry bool), ok bool) {
	c.free()
	if !c.freed.Load() || !c.detached.CompareAndSwap(false, true) {
		return nil, false
	}
	var once atomic.Bool
	return func(retry bool) {
		if !once.CompareAndSwap(false, true) {
			return
		}
		c.released.Add(-1)
		if retry {
			c.acks.add(ackRetryEnd, c.id)
		} else {
			c.acks.add(ackEnd, c.id)
		}
	}, true
}

type slotKey struct{}

// slotContext is a handler's context: its parent plus the slot's control,
// in one allocation (context.WithValue and closures were five per
// message).
type slotContext struct {
	context.Context
	slotCtl
}

func (c *slotContext) Value(key any) any {
	if _, ok := key.(slotKey); ok {
		return &c.slotCtl
	}
	return c.Context.Value(key)
}

// Release tells the consumer that the running handler no longer needs its
// slot, though it has not finished: the broker may send another message at
// once, but this one stays in flight (and is re-sent if the process dies)
// until the handler returns. The actioner calls it before running
// reactions, so a slow reaction never holds a slot other monitors need.
// It is a no-op outside a handler, when called twice, or when the
// consumer already has as many released handlers as it allows.
func Release(ctx context.Context) {
	if c, ok := ctx.Value(slotKey{}).(*slotCtl); ok {
		c.free()
	}
}

// Retry tells the consumer that the running handler did not finish its
// message (its process is stopping, or Redis failed): when the handler
// returns the broker is told RETRY instead of DONE, and sends the message
// again after RetryAfter, to whichever consumer has a slot then, instead
// of reporting it finished to its producer. A no-op outside a handler.
func Retry(ctx context.Context) {
	if c, ok := ctx.Value(slotKey{}).(*slotCtl); ok {
		c.retry()
	}
}

// Detach releases the handler's slot (as Release) and hands the end of
// its message to the returned func: the handler may return at once, and
// the message stays in flight (re-sent if the process dies) until end is
// called, with retry to have it sent again after RetryAfter. A worker
// ends its job from the result's OK callback instead of parking a
// goroutine per result. ok is false outside a handler or when the
// consumer has as many released handlers as it allows: then the handler
// must finish the message itself (holding its slot: back-pressure).
func Detach(ctx context.Context) (end func(retry bool), ok bool) {
	if c, isSlot := ctx.Value(slotKey{}).(*slotCtl); isSlot {
		return c.detach()
	}
	return nil, false
}
