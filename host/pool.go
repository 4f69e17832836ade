package host

import (
	"context"
	"sync/atomic"
)

// pool holds at most size live instances of one plugin version. Idle ones
// wait in idle; slots holds one token per live instance, so creating an
// instance beyond size blocks until one is discarded or returned.
type pool struct {
	create  func(context.Context) (*instance, error)
	destroy func(*instance)
	idle    chan *instance
	slots   chan struct{}
	live    atomic.Int64
}

func newPool(size int, create func(context.Context) (*instance, error), destroy func(*instance)) *pool {
	return &pool{create: create, destroy: destroy, idle: make(chan *instance, size), slots: make(chan struct{}, size)}
}

// get returns an idle instance, creates one if below size, or waits.
func (p *pool) get(ctx context.Context) (*instance, error) {
	select {
	case inst := <-p.idle:
		return inst, nil
	default:
	}
	select {
	case inst := <-p.idle:
		return inst, nil
	case p.slots <- struct{}{}:
		inst, err := p.create(ctx)
		if err != nil {
			<-p.slots
			return nil, err
		}
		p.live.Add(1)
		return inst, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// put returns a healthy instance for reuse.
func (p *pool) put(inst *instance) { p.idle <- inst } // never blocks: idle ≤ live ≤ size

// discard closes an instance that trapped, timed out or broke a limit.
func (p *pool) discard(inst *instance) {
	p.destroy(inst)
	p.live.Add(-1)
	<-p.slots
}

// add places an already created instance (the one used to read the
// manifest at load) into the pool, if there is room.
func (p *pool) add(inst *instance) bool {
	select {
	case p.slots <- struct{}{}:
		p.live.Add(1)
		p.idle <- inst
		return true
	default:
		return false
	}
}

// stats reports live and idle instance counts.
func (p *pool) stats() (live, idle int) { return int(p.live.Load()), len(p.idle) }
